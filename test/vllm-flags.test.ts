/**
 * The plan and the engine agree (issue 14): LlmWorker passes vLLM exactly the planned --max-num-seqs,
 * --max-num-batched-tokens, --enforce-eager and --gpu-memory-utilization, and plans for the release its
 * image runs. Flags as vLLM v0.11.0 defines them (vllm/engine/arg_utils.py: --max-num-seqs,
 * --max-num-batched-tokens, --enforce-eager, --gpu-memory-utilization).
 */
import { Chart, Testing } from 'cdk8s';
import { LlmWorker } from '../lib/constructs';
import { vllmRecipe } from '../lib/engines/vllm';
import { planModel } from '../lib/sizing/planner';
import { PINNED_VLLM_VERSION, versionOfImage } from '../lib/sizing/engine-version';
import { vllmGraphCaptureCeiling } from '../lib/sizing/vllm-accounting';
import { VLLM_IMAGE } from '../lib/engines/common';

const options = { servedModelName: 'chat', cachePath: '/models', hfTokenSecret: { name: 'hf', key: 'token' } };
const flag = (args: readonly string[], name: string) => {
  const i = args.lastIndexOf(name);
  return i < 0 ? undefined : args[i + 1];
};

describe('vLLM flags are the plan', () => {
  test('explicit settings are planned and passed as they are', () => {
    const plan = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4', maxNumSeqs: 64, maxNumBatchedTokens: 4096, enforceEager: true, gpuMemoryUtilization: 0.9 });
    const args = vllmRecipe(plan, options).args;
    expect([plan.maxNumSeqs, plan.maxNumBatchedTokens, plan.enforceEager]).toEqual([64, 4096, true]);
    expect(flag(args, '--max-num-seqs')).toBe('64');
    expect(flag(args, '--max-num-batched-tokens')).toBe('4096');
    expect(flag(args, '--gpu-memory-utilization')).toBe('0.9');
    expect(args).toContain('--enforce-eager');
    // enforce-eager: no CUDA graphs in the plan.
    expect(plan.memory.overhead?.cudaGraphBytes).toBe(0);
  });

  test("vLLM's per-GPU defaults are planned and passed explicitly (H100: 8192 / 1024; A100 and small GPUs: 2048 / 256)", () => {
    const h100 = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'H100' });
    const a100 = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'A100-80GB' });
    expect([h100.maxNumBatchedTokens, h100.maxNumSeqs]).toEqual([8192, 1024]);
    expect([a100.maxNumBatchedTokens, a100.maxNumSeqs]).toEqual([2048, 256]);
    expect(flag(vllmRecipe(h100, options).args, '--max-num-batched-tokens')).toBe('8192');
    expect(vllmRecipe(h100, options).args).not.toContain('--enforce-eager');
  });

  test('a smaller batch leaves more KV cache (the profiling pass shrinks)', () => {
    const big = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'H100' });
    const small = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'H100', maxNumSeqs: 64, maxNumBatchedTokens: 2048 });
    expect(small.memory.kvCacheCapacityBytes).toBeGreaterThan(big.memory.kvCacheCapacityBytes);
  });

  test('the default engine version is the pinned image tag; LlmWorker reads it from a versioned image', () => {
    expect(PINNED_VLLM_VERSION).toBe(versionOfImage(VLLM_IMAGE));
    expect(planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4' }).engineVersion).toBe(PINNED_VLLM_VERSION);
    const chart = new Chart(Testing.app(), 'test');
    const worker = new LlmWorker(chart, 'llama', { model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'H100', image: 'vllm/vllm-openai:v0.10.1.1' });
    expect(worker.plan.engineVersion).toBe('0.10.1');
    const pinned = new LlmWorker(chart, 'llama2', { model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'H100', image: 'registry.example.com/vllm:latest' });
    expect(pinned.plan.engineVersion).toBe(PINNED_VLLM_VERSION);
  });

  test('CUDA graphs come out of the budget from v0.21, out of the headroom before', () => {
    const before = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'H100', engineVersion: '0.20.0' });
    const after = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'H100', engineVersion: '0.21.0' });
    expect(before.memory.overhead?.cudaGraphBytes).toBe(0);
    expect(after.memory.overhead?.cudaGraphBytes).toBeGreaterThan(0);
  });
});

describe('CUDA graphs outside the budget (vLLM < 0.21)', () => {
  // vLLM before 0.21 captures the graphs after sizing the KV cache, in the 1 - utilization headroom.
  const engineVersion = '0.20.0';
  test('a utilization that leaves no headroom for the graphs is warned about; enforceEager silences it', () => {
    const tight = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'H100', gpuMemoryUtilization: 0.99, engineVersion });
    expect(tight.warnings.join('\n')).toMatch(/CUDA graphs .* enforceEager/);
    expect(tight.memory.overhead?.cudaGraphBytes).toBe(0);
    const eager = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'H100', gpuMemoryUtilization: 0.99, enforceEager: true, engineVersion });
    expect(eager.warnings.join('\n')).not.toMatch(/CUDA graphs/);
    expect(planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'H100', engineVersion }).warnings.join('\n')).not.toMatch(/CUDA graphs/);
  });
});

describe('CUDA graphs inside the budget (vLLM >= 0.21)', () => {
  // "CUDA graph memory profiling is enabled (default since v0.21.0)" (gpu_worker.py log line): the graphs
  // are estimated while profiling and subtracted before the KV cache, so the headroom need not hold them.
  test.each(['0.21.0', PINNED_VLLM_VERSION])('vLLM %s budgets the graphs and does not warn at a utilization of 0.99', (engineVersion) => {
    const request = { model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'H100', gpuMemoryUtilization: 0.99, engineVersion } as const;
    const plan = planModel(request);
    expect(plan.warnings.join('\n')).not.toMatch(/CUDA graphs/);
    expect(plan.memory.overhead?.cudaGraphBytes).toBeGreaterThan(0);
    // The graphs come out of the KV cache: eager mode holds more.
    const eager = planModel({ ...request, enforceEager: true });
    expect(eager.memory.overhead?.cudaGraphBytes).toBe(0);
    expect(eager.memory.kvCacheCapacityBytes).toBeGreaterThan(plan.memory.kvCacheCapacityBytes);
  });
});

describe('CUDA-graph capture ceiling', () => {
  // vllm/config/vllm.py `_set_cudagraph_sizes`: default_max_graph_size = 1024 if
  // is_device_capability_family(100) else 512; the sizes are capped at min(2 x max_num_seqs, that).
  test('data-center Blackwell (CC 10.x) captures up to 1024, other GPUs up to 512', () => {
    expect(vllmGraphCaptureCeiling(10.0)).toBe(1024);
    expect(vllmGraphCaptureCeiling(9.0)).toBe(512);
    expect(vllmGraphCaptureCeiling(12.0)).toBe(512); // RTX 50xx: sm_120, not family 100
    const on = (accelerator: string) => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator, acceleratorsPerNode: 8, tensorParallel: 1 });
    const b200 = on('B200');
    const h200 = on('H200-SXM-141GB');
    expect([b200.maxNumSeqs, h200.maxNumSeqs]).toEqual([1024, 1024]);
    expect(b200.memory.overhead?.cudaGraphBytes).toBeGreaterThan(h200.memory.overhead!.cudaGraphBytes);
  });
});
