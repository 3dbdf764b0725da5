/**
 * planModel(): the issue's example, the cheapest choice against an independent exhaustive search,
 * determinism, hardware limits and bad input. Facts: test/fixtures/catalog-facts/catalog-facts.md (A1 compute
 * capabilities, A3 NeuronCores, B prices, C architectures, D2 engine budgets, D5 TP rules, D6 formats,
 * D7 usable memory).
 */
import { ACCELERATORS, lookupAccelerator } from '../lib/catalog/accelerators';
import { INSTANCE_TYPES } from '../lib/catalog/instance-types';
import { lookupModel } from '../lib/catalog/models';
import type { Accelerator, InstanceType, ModelArchitecture } from '../lib/catalog/types';
import { SizingError } from '../lib/errors';
import { interconnectOf } from '../lib/performance/hardware';
import { ENGINE_PROFILES } from '../lib/sizing/engine-profiles';
import { estimateMemory } from '../lib/sizing/memory';
import { PINNED_VLLM_VERSION, parseVersion } from '../lib/sizing/engine-version';
import { vllmBatchDefaults, vllmGraphCaptureCeiling } from '../lib/sizing/vllm-accounting';
import { planModel } from '../lib/sizing/planner';
import type { Engine, KvCacheDtype, ModelPlan, PlanRequest, Quantization } from '../lib/sizing/types';

const GiB = 2 ** 30;

function expectWithin(actual: number, expected: number, tolerance: number): void {
  const deviation = Math.abs(actual - expected) / expected;
  if (deviation > tolerance) {
    throw new Error(`expected ${actual} to be within ${tolerance * 100}% of ${expected} (off by ${(deviation * 100).toFixed(2)}%)`);
  }
}

/**
 * Runs `fn`, which must throw a SizingError (never a TypeError or nothing), with suggestions, and a
 * field unless the whole request is at fault.
 */
function sizingError(fn: () => unknown, wholeRequest = false): SizingError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error('expected a SizingError, but the call returned');
  if (!(thrown instanceof SizingError)) throw new Error(`expected a SizingError, got ${String(thrown)}`);
  if (!wholeRequest) expect(thrown.field).toEqual(expect.any(String));
  expect(thrown.suggestions.length).toBeGreaterThan(0);
  for (const suggestion of thrown.suggestions) expect(suggestion.trim()).not.toBe('');
  return thrown;
}

// --- The issue's example -------------------------------------------------------------------------

describe('the issue example: Llama-3.1-70B-Instruct on A100-80GB, 8192 tokens x 32 sequences', () => {
  const request: PlanRequest = { model: 'meta-llama/Llama-3.1-70B-Instruct', accelerator: 'A100-80GB', maxContextLength: 8192, concurrency: 32 };
  const plan = planModel(request);

  test('runs on p4de.24xlarge (8 x A100-SXM4-80GB, facts B)', () => {
    expect(plan.instanceType?.name).toBe('p4de.24xlarge');
    expect(plan.accelerator.id).toBe('A100-SXM4-80GB');
    expect(plan.engine).toBe('vllm');
  });

  test('the split accounts for every GPU and is a valid D5 size', () => {
    expect(plan.tensorParallel * plan.pipelineParallel).toBe(plan.acceleratorsPerReplica);
    expect([1, 2, 4, 8]).toContain(plan.tensorParallel); // D5: Llama-3.1-70B (64/8) within one 8-GPU node
    expect(plan.nodesPerReplica).toBe(1);
  });

  test('it fits: required <= usable, and the KV cache holds the 32 sequences', () => {
    expect(plan.memory.requiredBytesPerAccelerator).toBeLessThanOrEqual(plan.memory.usableBytesPerAccelerator);
    expect(plan.maxConcurrentSequences).toBeGreaterThanOrEqual(32);
    expect(plan.memory.kvCacheCapacityBytes).toBeGreaterThanOrEqual(plan.memory.kvCacheBytes);
  });

  test('memory figures follow the facts', () => {
    // C: 70,553,706,496 params x 2 B (bf16); split over TP x PP ranks.
    expect(plan.memory.totalWeightsBytes).toBe(70_553_706_496 * 2);
    expectWithin(plan.memory.weightsBytes, (70_553_706_496 * 2) / plan.acceleratorsPerReplica, 1e-6);
    // C: 327,680 B/token for the whole model, 8 KV heads sharded over TP.
    expect(plan.memory.kvCacheBytesPerToken).toBe(327_680 / plan.tensorParallel);
    expect(plan.memory.kvCacheBytes).toBe((327_680 / plan.tensorParallel) * 8192 * 32);
    // D7: A100-SXM4-80GB PyTorch total 79.26 GiB; D2: vLLM gpu_memory_utilization default 0.92.
    expectWithin(plan.memory.usableBytesPerAccelerator, 79.26 * GiB * 0.92, 0.005);
    expect(plan.gpuMemoryUtilization).toBe(0.92);
  });

  test('costs the facts price of p4de.24xlarge ($27.4471/h) per node', () => {
    expect(plan.hourlyCostUsd).toBeCloseTo(27.4471 * plan.nodesPerReplica, 4);
  });

  test('is deterministic: the same request twice gives deep-equal plans', () => {
    expect(planModel(request)).toEqual(plan);
    expect(planModel({ ...request })).toEqual(planModel({ ...request }));
  });
});

// --- Cheapest choice = exhaustive search ----------------------------------------------------------

/**
 * The D5 rule (vLLM), written independently of lib/sizing/parallelism.ts. MLA counts as one KV head
 * per rank (facts C, DeepSeek-V3).
 */
function d5Allows(model: ModelArchitecture, tp: number): boolean {
  const kv = model.mla ? 1 : model.kvHeads;
  return model.attentionHeads % tp === 0 && (tp >= kv ? tp % kv === 0 : kv % tp === 0);
}

/** Whether `engine` runs `quantization` on `accelerator` (facts A1/A3/D6, vLLM/TGI docs). */
function runs(engine: Engine, quantization: Quantization, accelerator: Accelerator): boolean {
  if ((ENGINE_PROFILES[engine].hardware === 'neuron') !== (accelerator.kind === 'neuron')) return false;
  if (quantization === 'fp8') return accelerator.supportsFp8; // FP8 tensor cores: CC >= 8.9 (D6)
  if (quantization === 'awq' || quantization === 'int8') return (accelerator.computeCapability ?? 0) >= 7.5;
  return true;
}

interface Candidate {
  readonly instance: InstanceType;
  readonly tp: number;
  readonly pp: number;
  readonly devices: number;
  readonly nodes: number;
  readonly cost: number; // USD/h, Infinity when unpriced
}

interface SearchRequest {
  readonly model: string;
  readonly engine: Engine;
  readonly quantization: Quantization;
  readonly kvCacheDtype?: KvCacheDtype;
  readonly maxContextLength: number;
  readonly concurrency: number;
  readonly instanceTypes?: readonly string[];
}

const MAX_NODES = 16;

/**
 * Every layout the documented rules allow on `instance`:
 * - GPUs hold one rank each; Neuron devices two NeuronCores (facts A3), and TP uses whole devices;
 * - llama.cpp/Ollama split layers over the GPUs of one node (reported as PP), no TP;
 * - TP engines: any D5-valid TP up to the ranks of one node, PP 1;
 * - vLLM only: pipeline stages inside one node, any D5 TP x PP >= 2 within the node's ranks (vLLM runs
 *   PP on one node with its multiprocessing executor);
 * - vLLM only, and only over EFA (a replica spanning nodes needs a fast interconnect): pipeline stages
 *   of the largest valid TP of a node, PP >= 2, at most 16 nodes;
 * `exhaustive` lifts the last rule's "largest TP" restriction: every D5 TP that tiles a node x every PP.
 */
function layouts(model: ModelArchitecture, engine: Engine, instance: InstanceType, accelerator: Accelerator, exhaustive: boolean): Array<[number, number]> {
  const profile = ENGINE_PROFILES[engine];
  const coresPerDevice = accelerator.neuronCoresPerDevice ?? 1;
  const ranksPerNode = instance.acceleratorCount * coresPerDevice;
  const split: Array<[number, number]> = [];
  if (profile.layerSplit) {
    for (let pp = 1; pp <= instance.acceleratorCount; pp++) split.push([1, pp]);
    return split;
  }
  if (!profile.tensorParallel) return [[1, 1]];
  const tps: number[] = [];
  for (let tp = 1; tp <= ranksPerNode; tp++) if (d5Allows(model, tp) && tp % coresPerDevice === 0) tps.push(tp);
  for (const tp of tps) split.push([tp, 1]);
  if (!profile.multiNode) return split;
  for (const tp of tps) for (let pp = 2; tp * pp <= ranksPerNode && pp <= model.layers; pp++) split.push([tp, pp]);
  if (instance.efa === 0) return split;
  const stageTps = exhaustive ? tps.filter((tp) => ranksPerNode % tp === 0) : [Math.max(...tps)].filter((tp) => ranksPerNode % tp === 0);
  for (const tp of stageTps) {
    for (let pp = 2; pp <= model.layers; pp++) {
      if (tp * pp <= ranksPerNode) continue; // inside one node: listed above
      if (Math.ceil(Math.ceil((tp * pp) / coresPerDevice) / instance.acceleratorCount) > MAX_NODES) break;
      split.push([tp, pp]);
    }
  }
  return split;
}

/**
 * All fitting layouts over the candidates, best first: one node first, then cost, then TP alone before
 * pipeline stages, then fewer devices, then the larger TP.
 */
function bruteForce(request: SearchRequest, exhaustive = false): Candidate[] {
  const model = lookupModel(request.model);
  const profile = ENGINE_PROFILES[request.engine];
  const instances = request.instanceTypes ? INSTANCE_TYPES.filter((it) => request.instanceTypes!.includes(it.name)) : INSTANCE_TYPES;
  const fits: Candidate[] = [];
  for (const instance of instances) {
    const accelerator = lookupAccelerator(instance.acceleratorId);
    if (!runs(request.engine, request.quantization, accelerator)) continue;
    const coresPerDevice = accelerator.neuronCoresPerDevice ?? 1;
    for (const [tp, pp] of layouts(model, request.engine, instance, accelerator, exhaustive)) {
      const memory = estimateMemory({
        model,
        profile,
        quantization: request.quantization,
        kvCacheDtype: request.kvCacheDtype ?? 'auto',
        rankMemoryBytes: accelerator.usableMemoryBytes / coresPerDevice,
        utilization: profile.defaultUtilization,
        tensorParallel: tp,
        pipelineParallel: pp,
        maxContextLength: request.maxContextLength,
        concurrency: request.concurrency,
        // vLLM plans with the pinned release and vLLM's own batch defaults for the GPU (arg_utils.py).
        vllm:
          profile.accounting === 'vllm'
            ? {
                version: parseVersion(PINNED_VLLM_VERSION)!,
                ...vllmBatchDefaults(accelerator.usableMemoryBytes, accelerator.id),
                enforceEager: false,
                maxCaptureSize: vllmGraphCaptureCeiling(accelerator.computeCapability),
                pcieOnly: interconnectOf(accelerator).kind === 'pcie',
              }
            : undefined,
      });
      if (!memory.fits) continue;
      const devices = Math.ceil((tp * pp) / coresPerDevice);
      const nodes = Math.ceil(devices / instance.acceleratorCount);
      fits.push({ instance, tp, pp, devices, nodes, cost: nodes * (instance.onDemandUsdPerHour ?? Number.POSITIVE_INFINITY) });
    }
  }
  return fits.sort(
    (a, b) =>
      Number(a.nodes > 1) - Number(b.nodes > 1) || a.cost - b.cost || Number(a.pp > 1) - Number(b.pp > 1) || a.devices - b.devices || b.tp - a.tp || a.instance.name.localeCompare(b.instance.name),
  );
}

const SEARCH_REQUESTS: readonly SearchRequest[] = [
  { model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'vllm', quantization: 'none', maxContextLength: 8192, concurrency: 1 },
  { model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'vllm', quantization: 'awq', maxContextLength: 32768, concurrency: 8 },
  { model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'vllm', quantization: 'none', kvCacheDtype: 'fp8', maxContextLength: 131072, concurrency: 4 },
  { model: 'meta-llama/Llama-3.1-70B-Instruct', engine: 'vllm', quantization: 'none', maxContextLength: 8192, concurrency: 32 },
  { model: 'meta-llama/Llama-3.3-70B-Instruct', engine: 'vllm', quantization: 'fp8', maxContextLength: 4096, concurrency: 4 },
  { model: 'meta-llama/Llama-3.1-70B-Instruct', engine: 'fastchat-vllm', quantization: 'none', maxContextLength: 16384, concurrency: 8 },
  { model: 'meta-llama/Llama-3.1-405B-Instruct', engine: 'vllm', quantization: 'none', maxContextLength: 8192, concurrency: 1 },
  { model: 'deepseek-ai/DeepSeek-V3', engine: 'vllm', quantization: 'fp8', kvCacheDtype: 'fp8', maxContextLength: 8192, concurrency: 1 },
  { model: 'microsoft/Phi-3-mini-4k-instruct', engine: 'vllm', quantization: 'none', maxContextLength: 4096, concurrency: 64 },
  { model: 'Qwen/Qwen2.5-72B-Instruct', engine: 'vllm', quantization: 'gptq', maxContextLength: 32768, concurrency: 16 },
  { model: 'Qwen/Qwen2.5-7B-Instruct', engine: 'tgi', quantization: 'none', maxContextLength: 4096, concurrency: 16 },
  { model: 'mistralai/Mixtral-8x7B-Instruct-v0.1', engine: 'tgi', quantization: 'awq', maxContextLength: 8192, concurrency: 4 },
  { model: 'google/gemma-2-27b-it', engine: 'tgi', quantization: 'none', maxContextLength: 8192, concurrency: 8 },
  { model: 'meta-llama/Llama-3.2-90B-Vision-Instruct', engine: 'triton-trtllm', quantization: 'fp8', maxContextLength: 8192, concurrency: 2 },
  { model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'llama-cpp', quantization: 'gguf-q4_k_m', maxContextLength: 8192, concurrency: 1 },
  { model: 'meta-llama/Llama-3.1-70B-Instruct', engine: 'llama-cpp', quantization: 'gguf-q8_0', maxContextLength: 4096, concurrency: 2 },
  { model: 'openai-community/gpt2', engine: 'ollama', quantization: 'gguf-q8_0', maxContextLength: 1024, concurrency: 4 },
  { model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi-neuron', quantization: 'none', maxContextLength: 4096, concurrency: 4 },
  { model: 'meta-llama/Llama-3.1-70B-Instruct', engine: 'tgi-neuron', quantization: 'none', maxContextLength: 4096, concurrency: 1 },
  {
    model: 'meta-llama/Llama-3.1-70B-Instruct',
    engine: 'vllm',
    quantization: 'none',
    maxContextLength: 8192,
    concurrency: 4,
    instanceTypes: ['g5.12xlarge', 'g5.48xlarge', 'g6e.12xlarge', 'p4d.24xlarge'],
  },
  { model: 'mistralai/Mixtral-8x22B-Instruct-v0.1', engine: 'vllm', quantization: 'none', maxContextLength: 8192, concurrency: 1, instanceTypes: ['g6e.12xlarge', 'g6e.24xlarge', 'p4d.24xlarge'] },
  // Multi-node answers: no single candidate node holds the model.
  {
    model: 'meta-llama/Llama-3.1-405B-Instruct',
    engine: 'vllm',
    quantization: 'none',
    maxContextLength: 8192,
    concurrency: 4,
    instanceTypes: ['p4d.24xlarge', 'p4de.24xlarge', 'p5.48xlarge', 'g6e.48xlarge'],
  },
  {
    model: 'meta-llama/Llama-3.1-70B-Instruct',
    engine: 'vllm',
    quantization: 'none',
    maxContextLength: 8192,
    concurrency: 1,
    instanceTypes: ['g5.xlarge', 'g6e.2xlarge', 'g6e.8xlarge', 'p5.4xlarge'],
  },
];

function planFor(request: SearchRequest): ModelPlan {
  return planModel({
    model: request.model,
    engine: request.engine,
    quantization: request.quantization,
    kvCacheDtype: request.kvCacheDtype,
    maxContextLength: request.maxContextLength,
    concurrency: request.concurrency,
    instanceTypes: request.instanceTypes,
  });
}

function describeRequest(r: SearchRequest): string {
  const where = r.instanceTypes ? ` among ${r.instanceTypes.join(',')}` : '';
  return `${r.model} ${r.engine} ${r.quantization}${r.kvCacheDtype ? ` kv ${r.kvCacheDtype}` : ''} ${r.maxContextLength} x ${r.concurrency}${where}`;
}

describe('the cheapest plan equals an independent exhaustive search', () => {
  const cases = SEARCH_REQUESTS.map((r) => [describeRequest(r), r] as const);

  test('the requests span engines, formats and single- and multi-node answers', () => {
    expect(new Set(SEARCH_REQUESTS.map((r) => r.engine)).size).toBeGreaterThanOrEqual(6);
    expect(SEARCH_REQUESTS.length).toBeGreaterThanOrEqual(10);
    const multiNode = SEARCH_REQUESTS.filter((r) => bruteForce(r)[0]?.nodes > 1);
    expect(multiNode.length).toBeGreaterThanOrEqual(1);
  });

  test.each(cases)('%s', (_name, request) => {
    const expected = bruteForce(request)[0];
    expect(expected).toBeDefined();
    const plan = planFor(request);
    expect({
      instance: plan.instanceType?.name,
      tp: plan.tensorParallel,
      pp: plan.pipelineParallel,
      devices: plan.acceleratorsPerReplica,
      nodes: plan.nodesPerReplica,
    }).toEqual({ instance: expected.instance.name, tp: expected.tp, pp: expected.pp, devices: expected.devices, nodes: expected.nodes });
    if (Number.isFinite(expected.cost)) expect(plan.hourlyCostUsd).toBeCloseTo(expected.cost, 4);
    else expect(plan.hourlyCostUsd).toBeUndefined();
    // The plan fits what it says it fits.
    expect(plan.memory.requiredBytesPerAccelerator).toBeLessThanOrEqual(plan.memory.usableBytesPerAccelerator);
    expect(plan.maxConcurrentSequences).toBeGreaterThanOrEqual(request.concurrency);
  });

  test.each(cases)('no layout of any TP x PP is cheaper: %s', (_name, request) => {
    const plan = planFor(request);
    const best = bruteForce(request, true)[0];
    expect(Number(plan.nodesPerReplica > 1)).toBeLessThanOrEqual(Number(best.nodes > 1));
    if (plan.nodesPerReplica > 1 === best.nodes > 1) {
      expect(plan.hourlyCostUsd ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(best.cost + 1e-9);
    }
  });
});

// --- Hardware limits ------------------------------------------------------------------------------

describe('hardware limits', () => {
  test('a bf16 model on a T4 (no bf16, facts A1) warns that it runs in fp16', () => {
    const plan = planModel({ model: 'meta-llama/Llama-3.2-1B-Instruct', instanceType: 'g4dn.xlarge' });
    expect(plan.accelerator.id).toBe('T4');
    expect(plan.warnings.join('\n')).toMatch(/fp16/);
    expect(plan.warnings.join('\n')).toMatch(/bf16/);
    // The same model on an A10G (bf16 capable) carries no such warning.
    expect(planModel({ model: 'meta-llama/Llama-3.2-1B-Instruct', instanceType: 'g5.xlarge' }).warnings.join('\n')).not.toMatch(/fp16/);
  });

  test('fp8 weights on an A10G (CC 8.6) are refused: FP8 needs compute capability 8.9', () => {
    const error = sizingError(() => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', quantization: 'fp8', accelerator: 'A10G' }));
    expect(error.code).toBe('unsupported-hardware');
    expect(error.field).toBe('accelerator');
    expect(error.message).toMatch(/8\.9/);
    expect(error.suggestions.join('\n')).toMatch(/L4|L40S|H100/);
  });

  test('fp8 weights on an L4 (CC 8.9) work, at about 1 byte per parameter (D6)', () => {
    const plan = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', quantization: 'fp8', accelerator: 'L4' });
    expect(plan.accelerator.id).toBe('L4');
    expect(plan.quantization).toBe('fp8');
    expect(plan.memory.totalWeightsBytes).toBeGreaterThan(8_030_261_248 * 1);
    expect(plan.memory.totalWeightsBytes).toBeLessThan(8_030_261_248 * 1.2);
  });

  test('AWQ in vLLM on a V100 (CC 7.0) is refused, naming the 7.5 it needs', () => {
    const error = sizingError(() => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', quantization: 'awq', accelerator: 'V100-SXM2-16GB' }));
    expect(error.code).toBe('unsupported-hardware');
    expect(error.field).toBe('accelerator');
    expect(error.message).toMatch(/7\.5/);
  });

  test('GGUF in vLLM runs on one GPU only: TP 2 is refused, pointing at llama-cpp', () => {
    const error = sizingError(() => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', quantization: 'gguf-q4_k_m', tensorParallel: 2, instanceType: 'g5.12xlarge' }));
    expect(error.code).toBe('gguf-tensor-parallel');
    expect(error.field).toBe('tensorParallel');
    expect(error.suggestions.join('\n')).toMatch(/llama-cpp/);
    const single = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', quantization: 'gguf-q4_k_m', instanceType: 'g5.12xlarge' });
    expect(single.tensorParallel * single.pipelineParallel).toBe(1);
    expect(single.warnings.join('\n')).toMatch(/experimental/);
  });

  test("'gguf-q4_k_m' on TGI is refused with a suggestion naming llama-cpp", () => {
    const error = sizingError(() => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'tgi', quantization: 'gguf-q4_k_m' }));
    expect(error.code).toBe('unsupported-quantization');
    expect(error.field).toBe('quantization');
    expect(error.suggestions.join('\n')).toMatch(/llama-cpp/);
  });

  test('tgi-neuron on a GPU is refused', () => {
    const error = sizingError(() => planModel({ model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi-neuron', accelerator: 'A10G' }));
    expect(error.code).toBe('unsupported-hardware');
    expect(error.field).toBe('accelerator');
    expect(error.suggestions.join('\n')).toMatch(/inferentia2|inf2/);
  });

  test('vLLM on an Inferentia2 instance is refused', () => {
    const error = sizingError(() => planModel({ model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'vllm', instanceType: 'inf2.xlarge' }));
    expect(error.code).toBe('unsupported-hardware');
    expect(error.field).toBe('instanceType');
    expect(error.suggestions.join('\n')).toMatch(/tgi-neuron/);
  });

  test('without a named accelerator the planner skips hardware that cannot run the format', () => {
    const plan = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', quantization: 'fp8' });
    expect(plan.accelerator.supportsFp8).toBe(true);
    expect(plan.accelerator.computeCapability).toBeGreaterThanOrEqual(8.9);
  });
});

// --- Bad input -----------------------------------------------------------------------------------

interface BadInput {
  readonly name: string;
  readonly request: unknown;
  /** The field named by `error.field`; undefined for errors about the whole request. */
  readonly field: string | undefined;
  /** What the message says about the field or value. */
  readonly message: RegExp;
  /** What the suggestions say would work. */
  readonly suggestion: RegExp;
  readonly code?: string;
}

const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';

const BAD_INPUTS: readonly BadInput[] = [
  {
    name: 'unknown model (typo)',
    request: { model: 'meta-llama/Llama-3.1-8B-Instruc' },
    field: 'model',
    code: 'unknown-model',
    message: /Llama-3\.1-8B-Instruc/,
    suggestion: /^meta-llama\/Llama-3\.1-8B-Instruct$/m,
  },
  {
    name: 'unknown model (other org)',
    request: { model: 'mistral/Mistral-7B-Instruct-v0.3' },
    field: 'model',
    code: 'unknown-model',
    message: /Unknown model/,
    suggestion: /mistralai\/Mistral-7B-Instruct-v0\.3/,
  },
  { name: 'empty model id', request: { model: '' }, field: 'model', code: 'invalid-model', message: /model/, suggestion: /model/ },
  { name: 'model as a number', request: { model: 42 }, field: 'model', code: 'invalid-model', message: /42/, suggestion: /model: '/ },
  {
    name: 'model architecture missing fields',
    request: { model: { id: 'acme/my-model' } },
    field: 'model.totalParams',
    code: 'invalid-model-architecture',
    message: /totalParams/,
    suggestion: /totalParams/,
  },
  { name: 'unknown accelerator', request: { model: LLAMA, accelerator: 'L40X' }, field: 'accelerator', code: 'unknown-accelerator', message: /L40X/, suggestion: /^L40S$/m },
  {
    name: 'ambiguous accelerator A100',
    request: { model: LLAMA, accelerator: 'A100' },
    field: 'accelerator',
    code: 'ambiguous-accelerator',
    message: /ambiguous/,
    suggestion: /A100-SXM4-40GB[\s\S]*A100-SXM4-80GB|A100-SXM4-80GB[\s\S]*A100-SXM4-40GB/,
  },
  { name: 'accelerator as a number', request: { model: LLAMA, accelerator: 5 }, field: 'accelerator', message: /5/, suggestion: /A10G/ },
  { name: 'unknown instance type', request: { model: LLAMA, instanceType: 'g5.xlarg' }, field: 'instanceType', code: 'unknown-instance-type', message: /g5\.xlarg/, suggestion: /^g5\.xlarge$/m },
  { name: 'empty instanceTypes', request: { model: LLAMA, instanceTypes: [] }, field: 'instanceTypes', message: /instanceTypes/, suggestion: /instanceTypes: \[/ },
  ...[0, -1, Number.NaN, '4', 1.5, Number.POSITIVE_INFINITY].map((value) => ({
    name: `concurrency ${String(value)} (${typeof value})`,
    request: { model: LLAMA, concurrency: value },
    field: 'concurrency',
    code: 'invalid-number',
    message: /concurrency must be a positive integer/,
    suggestion: /concurrency: 1/,
  })),
  ...[0, -8192, Number.NaN, '8192', 1024.5].map((value) => ({
    name: `maxContextLength ${String(value)} (${typeof value})`,
    request: { model: LLAMA, maxContextLength: value },
    field: 'maxContextLength',
    code: 'invalid-number',
    message: /maxContextLength must be a positive integer/,
    suggestion: /maxContextLength: \d+/,
  })),
  // C: GPT-2 n_positions 1024.
  {
    name: 'context above the model maximum',
    request: { model: 'openai-community/gpt2', maxContextLength: 2048 },
    field: 'maxContextLength',
    code: 'context-too-long',
    message: /1024/,
    suggestion: /1024/,
  },
  // D5: Llama-3.1-8B has 32 heads / 8 KV heads: TP 1, 2, 4, 8 (16 with replication).
  {
    name: 'TP that does not divide the heads',
    request: { model: LLAMA, tensorParallel: 3 },
    field: 'tensorParallel',
    code: 'invalid-tensor-parallel',
    message: /32 attention heads/,
    suggestion: /1, 2, 4, 8/,
  },
  { name: 'TP as a string', request: { model: LLAMA, tensorParallel: '2' }, field: 'tensorParallel', code: 'invalid-number', message: /tensorParallel/, suggestion: /tensorParallel/ },
  { name: 'pipelineParallel 0', request: { model: LLAMA, pipelineParallel: 0 }, field: 'pipelineParallel', code: 'invalid-number', message: /pipelineParallel/, suggestion: /pipelineParallel/ },
  { name: 'unknown engine', request: { model: LLAMA, engine: 'vllm2' }, field: 'engine', code: 'invalid-engine', message: /engine must be one of/, suggestion: /engine: 'vllm'/ },
  {
    name: 'unknown quantization',
    request: { model: LLAMA, quantization: 'int3' },
    field: 'quantization',
    code: 'invalid-quantization',
    message: /quantization must be one of/,
    suggestion: /quantization: '/,
  },
  { name: 'unknown KV-cache dtype', request: { model: LLAMA, kvCacheDtype: 'int4' }, field: 'kvCacheDtype', message: /kvCacheDtype/, suggestion: /kvCacheDtype: 'auto'/ },
  { name: 'fp8 KV cache on an engine without one', request: { model: LLAMA, engine: 'tgi-neuron', kvCacheDtype: 'fp8' }, field: 'kvCacheDtype', message: /fp8/, suggestion: /auto/ },
  // D2: vLLM gpu_memory_utilization default 0.92.
  { name: 'gpuMemoryUtilization 0', request: { model: LLAMA, gpuMemoryUtilization: 0 }, field: 'gpuMemoryUtilization', code: 'invalid-number', message: /gpuMemoryUtilization/, suggestion: /0\.92/ },
  { name: 'gpuMemoryUtilization 1.5', request: { model: LLAMA, gpuMemoryUtilization: 1.5 }, field: 'gpuMemoryUtilization', code: 'invalid-number', message: /1\.5/, suggestion: /0\.92/ },
  { name: 'gpuMemoryUtilization NaN', request: { model: LLAMA, gpuMemoryUtilization: Number.NaN }, field: 'gpuMemoryUtilization', code: 'invalid-number', message: /NaN/, suggestion: /0\.92/ },
  {
    name: 'instanceType and accelerator conflict',
    request: { model: LLAMA, instanceType: 'g5.xlarge', accelerator: 'H100' },
    field: 'instanceType',
    code: 'conflicting-hardware',
    message: /g5\.xlarge[\s\S]*A10G[\s\S]*H100/,
    suggestion: /A10G|drop accelerator/,
  },
  {
    name: 'acceleratorsPerNode conflicts with the instance type',
    request: { model: LLAMA, instanceType: 'g5.xlarge', acceleratorsPerNode: 4 },
    field: 'acceleratorsPerNode',
    code: 'conflicting-hardware',
    message: /acceleratorsPerNode 4/,
    suggestion: /acceleratorsPerNode/,
  },
  {
    name: 'acceleratorsPerNode 0',
    request: { model: LLAMA, accelerator: 'MI300X', acceleratorsPerNode: 0 },
    field: 'acceleratorsPerNode',
    code: 'invalid-number',
    message: /acceleratorsPerNode/,
    suggestion: /acceleratorsPerNode: 8/,
  },
  { name: 'no candidate carries the accelerator', request: { model: LLAMA, instanceTypes: ['g5.xlarge'], accelerator: 'L4' }, field: 'instanceTypes', message: /L4/, suggestion: /L4/ },
  { name: 'no candidate runs the engine', request: { model: LLAMA, instanceTypes: ['inf2.xlarge'] }, field: 'instanceTypes', message: /GPU/, suggestion: /tgi-neuron/ },
  {
    name: 'nothing fits the forced hardware',
    request: { model: 'meta-llama/Llama-3.1-70B-Instruct', instanceType: 'g5.xlarge', pipelineParallel: 1 },
    field: 'instanceType',
    code: 'does-not-fit',
    message: /does not fit/,
    suggestion: /quantization|more accelerators|other hardware/,
  },
];

describe('bad input: a SizingError naming the field and what would work, never a TypeError', () => {
  test.each(BAD_INPUTS.map((b) => [b.name, b] as const))('%s', (_name, bad) => {
    const error = sizingError(() => planModel(bad.request as PlanRequest), bad.field === undefined);
    expect(error.field).toBe(bad.field);
    if (bad.code) expect(error.code).toBe(bad.code);
    expect(error.message).toMatch(bad.message);
    expect(error.suggestions.join('\n')).toMatch(bad.suggestion);
  });

  test.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'meta-llama/Llama-3.1-8B'],
    ['a number', 7],
  ])('a request that is %s is refused as a whole', (_name, request) => {
    const error = sizingError(() => planModel(request as unknown as PlanRequest), true);
    expect(error.code).toBe('invalid-request');
    expect(error.suggestions.join('\n')).toMatch(/planModel\(\{ model:/);
  });

  test('unknown accelerator suggestions are catalog accelerators', () => {
    const error = sizingError(() => planModel({ model: LLAMA, accelerator: 'H1000' }));
    const ids = ACCELERATORS.map((a) => a.id);
    for (const suggestion of error.suggestions) expect(ids).toContain(suggestion);
  });
});
