/**
 * The memory model of the sizing core, checked against test/fixtures/catalog-facts/catalog-facts.md (sections C, D1,
 * D2, D4, D6, D7) and against what must hold whatever the constants are (monotonicity, linearity,
 * quantization never growing weights). Figures below are copied from the facts, not from the code.
 */
import { lookupAccelerator } from '../lib/catalog/accelerators';
import { MODELS, lookupModel } from '../lib/catalog/models';
import type { ModelArchitecture } from '../lib/catalog/types';
import { SizingError } from '../lib/errors';
import { ENGINE_PROFILES } from '../lib/sizing/engine-profiles';
import { estimateMemory, kvCacheBytesPerToken } from '../lib/sizing/memory';
import { planModel } from '../lib/sizing/planner';
import { modelQuantizationIncompatibility, weightBytes } from '../lib/sizing/quantization';
import { QUANTIZATIONS, type Engine, type Quantization } from '../lib/sizing/types';
import { KV_BYTES_PER_TOKEN_FACTS } from './support/facts';

const GiB = 2 ** 30;
const GB = 1e9;

/** |actual - expected| <= tolerance x expected. */
function expectWithin(actual: number, expected: number, tolerance: number): void {
  const deviation = Math.abs(actual - expected) / expected;
  if (deviation > tolerance) {
    throw new Error(`expected ${actual} to be within ${tolerance * 100}% of ${expected} (off by ${(deviation * 100).toFixed(2)}%)`);
  }
}

/** The D5 tensor-parallel rule (vLLM), written here independently of lib/sizing/parallelism.ts. */
function tensorParallelAllowed(model: ModelArchitecture, tp: number): boolean {
  if (model.attentionHeads % tp !== 0) return false;
  const kv = model.mla ? 1 : model.kvHeads; // vLLM counts MLA as one KV head per rank (facts C, DeepSeek-V3)
  return tp >= kv ? tp % kv === 0 : kv % tp === 0;
}

function largestAllowedTp(model: ModelArchitecture, max: number): number {
  for (let tp = max; tp >= 1; tp--) if (tensorParallelAllowed(model, tp)) return tp;
  return 1;
}

/** Catches the SizingError `fn` throws (fails the test when it returns or throws something else). */
function sizingError(fn: () => unknown): SizingError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SizingError);
    const e = error as SizingError;
    expect(e.field).toEqual(expect.any(String));
    expect(e.suggestions.length).toBeGreaterThan(0);
    return e;
  }
  throw new Error('expected a SizingError, but the call returned');
}

describe('weights of Llama-3.1-8B (facts C derived checks, D4, D6)', () => {
  const llama8b = lookupModel('meta-llama/Llama-3.1-8B');

  test('bf16 weights = 8,030,261,248 x 2 B = 14.96 GiB (+-1%)', () => {
    expectWithin(weightBytes(llama8b, 'none') / GiB, 14.96, 0.01);
  });

  test('KV cache = 131,072 B per token (2 x 32 layers x 8 KV heads x 128 x 2 B)', () => {
    expect(kvCacheBytesPerToken(llama8b)).toBe(131_072);
  });

  test.each<[Quantization, number, number, string]>([
    // D6: AWQ-INT4 g128 = 6,979,321,856 linear params x 4.156/8 + 1,050,673,152 fp16 emb/head params x 2
    ['awq', 5.73 * GB, 0.05, 'AWQ-INT4 5.73 GB (D6)'],
    // D4 llama.cpp tools/quantize/README.md table
    ['gguf-q4_k_m', 4.58 * GiB, 0.05, 'GGUF Q4_K_M 4.58 GiB (D4)'],
    ['gguf-q8_0', 7.95 * GiB, 0.05, 'GGUF Q8_0 7.95 GiB (D4)'],
  ])('%s weights', (quantization, expected, tolerance) => {
    expectWithin(weightBytes(llama8b, quantization), expected, tolerance);
  });
});

describe('the measured vLLM A10G case (facts D4, D7)', () => {
  // awslabs/data-on-eks ray-vllm-deepseek.md: DeepSeek-R1-Distill-Llama-8B (Llama-3.1-8B architecture),
  // bf16, g5.4xlarge, --gpu-memory-utilization 0.90: total 22.30 GiB x 0.90 = 20.07 GiB; weights
  // 14.99 GiB; activation 0.85 GiB; KV cache 4.17 GiB.
  // The guide's image is ray-2.41.0-py310-cu118-vllm0.7.0: planned for that release (V0 engine).
  const plan = planModel({ model: 'deepseek-ai/DeepSeek-R1-Distill-Llama-8B', instanceType: 'g5.4xlarge', gpuMemoryUtilization: 0.9, engineVersion: '0.7.0' });

  test('runs on the single A10G of g5.4xlarge', () => {
    expect(plan.instanceType?.name).toBe('g5.4xlarge');
    expect(plan.accelerator.id).toBe('A10G');
    expect(plan.tensorParallel).toBe(1);
    expect(plan.pipelineParallel).toBe(1);
  });

  test('usable memory = 22.30 GiB x 0.90 (+-0.5%)', () => {
    expectWithin(plan.memory.usableBytesPerAccelerator, 22.3 * GiB * 0.9, 0.005);
  });

  test('weights are vLLM\'s "Loading model weights took 14.99 GiB" (+-1%)', () => {
    expectWithin(plan.memory.weightsBytes, 14.99 * GiB, 0.01);
  });

  test('KV cache capacity = measured 4.17 GiB (+-10%)', () => {
    expectWithin(plan.memory.kvCacheCapacityBytes, 4.17 * GiB, 0.1);
  });

  test('vLLM gives the KV cache everything left: usable = weights + overhead + KV capacity', () => {
    const { weightsBytes, overheadBytes, kvCacheCapacityBytes, usableBytesPerAccelerator } = plan.memory;
    expect(Math.abs(weightsBytes + overheadBytes + kvCacheCapacityBytes - usableBytesPerAccelerator)).toBeLessThanOrEqual(1);
  });

  test('KV tokens = capacity / 131,072 B is the measured ~34,160 tokens (+-10%)', () => {
    expect(plan.memory.kvCacheBytesPerToken).toBe(131_072);
    expectWithin(plan.memory.kvCacheCapacityBytes / plan.memory.kvCacheBytesPerToken, 34_160, 0.1);
  });
});

describe('KV cache per token (facts C, D1)', () => {
  test('the catalog covers every model of table C', () => {
    expect(MODELS.map((m) => m.id).sort()).toEqual(Object.keys(KV_BYTES_PER_TOKEN_FACTS).sort());
  });

  test.each(Object.entries(KV_BYTES_PER_TOKEN_FACTS))('%s: %d B/token in bf16, half with an fp8 KV cache', (id, bytes) => {
    const model = lookupModel(id);
    expect(kvCacheBytesPerToken(model, 'auto')).toBe(bytes);
    expect(kvCacheBytesPerToken(model, 'fp8')).toBe(bytes / 2); // D1: fp8 KV = 1 byte per element
  });

  test('DeepSeek-V3 (MLA): 61 x (512 + 64) x 2 B = 70,272 B; 35,136 B with an fp8 KV cache', () => {
    const v3 = lookupModel('deepseek-ai/DeepSeek-V3');
    expect(kvCacheBytesPerToken(v3)).toBe(70_272);
    expect(kvCacheBytesPerToken(v3, 'fp8')).toBe(35_136);
  });

  test('DeepSeek-V3 through the planner with kvCacheDtype fp8 reports 35,136 B per token', () => {
    const plan = planModel({ model: 'deepseek-ai/DeepSeek-V3', quantization: 'fp8', kvCacheDtype: 'fp8', accelerator: 'H200', maxContextLength: 4096 });
    expect(plan.tensorParallel).toBeGreaterThanOrEqual(1);
    // Every TP rank holds the whole latent; each pipeline stage holds its share of the 61 layers.
    expect(plan.memory.kvCacheBytesPerToken).toBe(Math.ceil(61 / plan.pipelineParallel) * 576);
    if (plan.pipelineParallel === 1) expect(plan.memory.kvCacheBytesPerToken).toBe(35_136);
  });
});

describe('TP sharding of the KV cache (facts C "TP sharding", D1 per-rank KV heads)', () => {
  const llama70b = lookupModel('meta-llama/Llama-3.1-70B');

  test.each([2, 4, 8])('Llama-3.1-70B at TP %d holds 327,680 / TP bytes per token per rank', (tp) => {
    expect(kvCacheBytesPerToken(llama70b, 'auto', tp)).toBe(327_680 / tp);
  });

  test('Llama-3.1-70B at TP 16 (> 8 KV heads): one replicated head per rank = 327,680 / 8', () => {
    expect(kvCacheBytesPerToken(llama70b, 'auto', 16)).toBe(327_680 / 8);
  });

  test('per-rank KV heads = max(1, kvHeads / TP) for every catalog model and every valid TP', () => {
    for (const model of MODELS) {
      if (model.mla) continue;
      const whole = KV_BYTES_PER_TOKEN_FACTS[model.id];
      for (let tp = 1; tp <= 64; tp++) {
        if (!tensorParallelAllowed(model, tp)) continue;
        const heads = Math.max(1, Math.floor(model.kvHeads / tp));
        expect([model.id, tp, kvCacheBytesPerToken(model, 'auto', tp)]).toEqual([model.id, tp, (whole * heads) / model.kvHeads]);
      }
    }
  });

  test.each([1, 2, 4, 8, 16, 32])('MLA (DeepSeek-V3) does not shrink with TP %d: every rank caches the latent', (tp) => {
    expect(kvCacheBytesPerToken(lookupModel('deepseek-ai/DeepSeek-V3'), 'auto', tp)).toBe(70_272);
  });

  test('pipeline parallel splits the layers: PP 2 halves Llama-3.1-8B KV per rank', () => {
    expect(kvCacheBytesPerToken(lookupModel('meta-llama/Llama-3.1-8B'), 'auto', 1, 2)).toBe(131_072 / 2);
  });
});

describe('weight formats never grow the weights (facts D3, D6)', () => {
  test.each(MODELS.map((m) => [m.id, m] as const))('%s', (_id, model) => {
    const full = weightBytes(model, 'none');
    // D3/D6: 2 bytes per parameter in fp16/bf16 ('none' = 16-bit weights; fp32 checkpoints are served in 16 bits).
    expect(full).toBe(model.totalParams * 2);
    // MXFP4 exists for MoE experts only: a dense model refuses it (modelQuantizationIncompatibility).
    for (const quantization of QUANTIZATIONS.filter((q) => modelQuantizationIncompatibility(model, q) === undefined)) {
      const bytes = weightBytes(model, quantization);
      expect([quantization, bytes <= full]).toEqual([quantization, true]);
      if (quantization !== 'none') expect([quantization, bytes < full]).toEqual([quantization, true]);
      expect(bytes).toBeGreaterThan(0);
    }
    // 4-bit formats are smaller than 8-bit ones (D6 bytes per parameter: ~0.5-0.61 vs 1-1.06).
    expect(weightBytes(model, 'gguf-q4_k_m')).toBeLessThan(weightBytes(model, 'gguf-q8_0'));
    expect(weightBytes(model, 'awq')).toBeLessThan(weightBytes(model, 'fp8'));
    expect(weightBytes(model, 'gptq')).toBeLessThan(weightBytes(model, 'int8'));
  });
});

describe('required memory grows with context and concurrency, KV linearly (every model, several engines)', () => {
  // Engines that keep a KV cache; TEI (embeddings) has none.
  const ENGINES: readonly Engine[] = ['vllm', 'fastchat-vllm', 'tgi', 'triton-trtllm', 'llama-cpp', 'ollama', 'tgi-neuron'];
  const h200 = lookupAccelerator('H200');
  const inferentia2 = lookupAccelerator('inferentia2');

  function estimate(model: ModelArchitecture, engine: Engine, context: number, concurrency: number, tp: number) {
    const profile = ENGINE_PROFILES[engine];
    const neuron = profile.hardware === 'neuron';
    return estimateMemory({
      model,
      profile,
      quantization: profile.defaultQuantization,
      kvCacheDtype: 'auto',
      // One rank: a whole GPU, or one of the 2 NeuronCores of an Inferentia2 device (facts A3: 16 GiB each).
      rankMemoryBytes: neuron ? inferentia2.usableMemoryBytes / 2 : h200.usableMemoryBytes,
      utilization: profile.defaultUtilization,
      tensorParallel: profile.tensorParallel ? tp : 1,
      pipelineParallel: 1,
      maxContextLength: context,
      concurrency,
    });
  }

  const cases = MODELS.flatMap((model) => ENGINES.map((engine) => [model.id, engine, model] as const));

  test.each(cases)('%s on %s', (_id, engine, model) => {
    const contexts = [...new Set([128, 512, 1024, 4096, 32768, model.maxContextLength])].filter((c) => c <= model.maxContextLength).sort((a, b) => a - b);
    for (const tp of [1, largestAllowedTp(model, 8)]) {
      const perToken = estimate(model, engine, 1, 1, tp).kvCacheBytesPerToken;
      expect(perToken).toBeGreaterThan(0);
      // Strictly growing with the context.
      for (let i = 1; i < contexts.length; i++) {
        const shorter = estimate(model, engine, contexts[i - 1], 2, tp);
        const longer = estimate(model, engine, contexts[i], 2, tp);
        expect(longer.requiredBytesPerAccelerator).toBeGreaterThan(shorter.requiredBytesPerAccelerator);
        expect(longer.kvCacheBytes).toBeGreaterThan(shorter.kvCacheBytes);
      }
      // Strictly growing with the concurrency.
      const context = contexts[0];
      for (const [fewer, more] of [
        [1, 2],
        [2, 4],
        [4, 16],
        [16, 256],
      ]) {
        expect(estimate(model, engine, context, more, tp).requiredBytesPerAccelerator).toBeGreaterThan(estimate(model, engine, context, fewer, tp).requiredBytesPerAccelerator);
      }
      // Linear: KV = tokens x bytes per token, doubling the context doubles it.
      for (const c of contexts) {
        const m = estimate(model, engine, c, 3, tp);
        expect(m.kvCacheBytes).toBe(c * 3 * perToken);
        if (2 * c <= model.maxContextLength) expect(estimate(model, engine, 2 * c, 3, tp).kvCacheBytes).toBe(2 * m.kvCacheBytes);
        // What is not KV is independent of the context: weights and overhead stay put.
        expect(m.weightsBytes).toBe(estimate(model, engine, contexts[0], 1, tp).weightsBytes);
        expect(m.overheadBytes).toBe(estimate(model, engine, contexts[0], 1, tp).overheadBytes);
      }
    }
  });

  test('every engine accounts for its whole budget: usable = weights + overhead + KV capacity when weights fit', () => {
    for (const model of MODELS) {
      for (const engine of ENGINES) {
        const m = estimate(model, engine, 1024, 1, largestAllowedTp(model, 8));
        if (m.weightsBytes + m.overheadBytes >= m.usableBytesPerAccelerator) continue;
        expect(Math.abs(m.weightsBytes + m.overheadBytes + m.kvCacheCapacityBytes - m.usableBytesPerAccelerator)).toBeLessThanOrEqual(1);
        expect(m.maxConcurrentSequences).toBe(Math.floor(m.kvCacheCapacityBytes / (m.kvCacheBytesPerToken * 1024)));
      }
    }
  });

  // The same property through planModel on fixed hardware: an on-prem node of 8 H200 with the
  // tensor-parallel size forced, so that the layout cannot change between requests.
  test.each(MODELS.map((m) => [m.id, m] as const))('planModel on 8 x H200: %s needs more per GPU for longer contexts and more sequences', (id, model) => {
    const tp = largestAllowedTp(model, 8);
    // DeepSeek-V3's 1.34 TB of bf16 weights exceed 8 x H200: serve it in fp8 (H200 has FP8, facts A1).
    const quantization: Quantization = model.totalParams * 2 > 8 * h200.usableMemoryBytes * 0.92 ? 'fp8' : 'none';
    const plan = (maxContextLength: number, concurrency: number) =>
      planModel({ model: id, accelerator: 'H200', acceleratorsPerNode: 8, tensorParallel: tp, pipelineParallel: 1, quantization, maxContextLength, concurrency });
    const contexts = [256, 512, 1024, 4096].filter((c) => c <= model.maxContextLength);
    for (const concurrency of [1, 4]) {
      const required = contexts.map((c) => plan(c, concurrency).memory.requiredBytesPerAccelerator);
      for (let i = 1; i < required.length; i++) expect(required[i]).toBeGreaterThan(required[i - 1]);
    }
    for (const context of contexts.slice(0, 2)) {
      const required = [1, 2, 8].map((n) => plan(context, n).memory.requiredBytesPerAccelerator);
      expect(required[1]).toBeGreaterThan(required[0]);
      expect(required[2]).toBeGreaterThan(required[1]);
    }
  });
});

describe('what does not fit (facts C, D6, D7)', () => {
  // Mistral-7B-v0.3: 7,248,023,552 x 2 B = 13.5 GiB of bf16 weights; a T4 exposes 14.75 GiB (D7), of which
  // vLLM may use 92% (D2): the weights alone nearly fill it, leaving no room for overhead and KV.
  test('a 7B model in bf16 does not fit one T4 under vLLM at TP 1', () => {
    const error = sizingError(() => planModel({ model: 'mistralai/Mistral-7B-v0.3', engine: 'vllm', instanceType: 'g4dn.xlarge', tensorParallel: 1 }));
    expect(error.code).toBe('does-not-fit');
    expect(error.suggestions.join('\n')).toMatch(/quantization|more accelerators/);
  });

  test('a 7B model in bf16 does not fit one T4 even when the planner may pick any T4 instance at TP 1 x PP 1', () => {
    const error = sizingError(() => planModel({ model: 'mistralai/Mistral-7B-v0.3', accelerator: 'T4', tensorParallel: 1, pipelineParallel: 1 }));
    expect(error.code).toBe('does-not-fit');
    expect(error.field).toBe('accelerator');
  });

  // Mixtral-8x7B: 46,702,792,704 params x 2 B = 93.4 GB: more than one 80 GB H100.
  test('Mixtral-8x7B in bf16 needs about 100 GB and more than one H100', () => {
    const plan = planModel({ model: 'mistralai/Mixtral-8x7B-v0.1', instanceType: 'p5.48xlarge' });
    expect(plan.memory.totalWeightsBytes).toBeGreaterThan(85e9);
    expect(plan.memory.totalWeightsBytes).toBeLessThan(100e9);
    expect(plan.tensorParallel).toBeGreaterThanOrEqual(2);
    expect(plan.acceleratorsPerReplica).toBeGreaterThanOrEqual(2);
    const error = sizingError(() => planModel({ model: 'mistralai/Mixtral-8x7B-v0.1', instanceType: 'p5.48xlarge', tensorParallel: 1, pipelineParallel: 1 }));
    expect(error.code).toBe('does-not-fit');
  });

  // Llama-3.2-90B-Vision: 88.6B x 2 B = 177 GB > 141 GB of one H200.
  test('Llama-3.2-90B-Vision does not fit one H200', () => {
    const plan = planModel({ model: 'meta-llama/Llama-3.2-90B-Vision', accelerator: 'H200' });
    expect(plan.accelerator.id).toBe('H200-SXM-141GB');
    expect(plan.acceleratorsPerReplica).toBeGreaterThanOrEqual(2);
    const error = sizingError(() => planModel({ model: 'meta-llama/Llama-3.2-90B-Vision', accelerator: 'H200', tensorParallel: 1, pipelineParallel: 1 }));
    expect(error.code).toBe('does-not-fit');
  });
});
