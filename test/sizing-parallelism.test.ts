/**
 * Tensor- and pipeline-parallel rules of the sizing core, against facts D5 (vLLM's TP constraints and
 * their consequences per model) and section B/A3 (GPUs per instance, NeuronCores per device).
 */
import { lookupInstanceType } from '../lib/catalog/instance-types';
import { MODELS, lookupModel } from '../lib/catalog/models';
import type { ModelArchitecture } from '../lib/catalog/types';
import { SizingError } from '../lib/errors';
import { tensorParallelIncompatibility, validTensorParallelSizes } from '../lib/sizing/parallelism';
import { planModel } from '../lib/sizing/planner';
import type { Engine, PlanRequest } from '../lib/sizing/types';

/**
 * Facts D5 "Consequences (heads/KV)", copied verbatim: the valid TP sizes up to the number of KV heads
 * (no replication), plus the sizes above it that the facts name as valid with replication.
 * Source: test/fixtures/catalog-facts/catalog-facts.md D5 (derived from table C + vllm/config/model.py and
 * vllm/model_executor/layers/linear.py QKVParallelLinear).
 */
const D5_VALID_TP: ReadonlyArray<{ ids: readonly string[]; heads: number; kvHeads: number; upToKv: readonly number[]; alsoValid?: readonly number[]; invalid?: readonly number[] }> = [
  { ids: ['meta-llama/Llama-3.1-8B'], heads: 32, kvHeads: 8, upToKv: [1, 2, 4, 8] },
  { ids: ['meta-llama/Llama-3.1-70B'], heads: 64, kvHeads: 8, upToKv: [1, 2, 4, 8], alsoValid: [16] },
  { ids: ['meta-llama/Llama-3.1-405B'], heads: 128, kvHeads: 8, upToKv: [1, 2, 4, 8], alsoValid: [16] },
  { ids: ['Qwen/Qwen2.5-7B'], heads: 28, kvHeads: 4, upToKv: [1, 2, 4], invalid: [8] },
  { ids: ['Qwen/Qwen2.5-32B'], heads: 40, kvHeads: 8, upToKv: [1, 2, 4, 8] },
  { ids: ['google/gemma-2-9b'], heads: 16, kvHeads: 8, upToKv: [1, 2, 4, 8] },
  { ids: ['google/gemma-2-27b'], heads: 32, kvHeads: 16, upToKv: [1, 2, 4, 8, 16] },
  { ids: ['mistralai/Mistral-7B-v0.3', 'mistralai/Mixtral-8x7B-v0.1'], heads: 32, kvHeads: 8, upToKv: [1, 2, 4, 8] },
  { ids: ['mistralai/Mixtral-8x22B-v0.1', 'mistralai/Codestral-22B-v0.1'], heads: 48, kvHeads: 8, upToKv: [1, 2, 4, 8] },
  { ids: ['microsoft/Phi-3-mini-4k-instruct'], heads: 32, kvHeads: 32, upToKv: [1, 2, 4, 8, 16, 32] },
  { ids: ['openai-community/gpt2'], heads: 12, kvHeads: 12, upToKv: [1, 2, 3, 4, 6, 12] },
];

/**
 * The D5 rule, written here independently: attention heads % TP == 0, and for the KV heads
 * TP >= kv ? TP % kv == 0 : kv % TP == 0. MLA (DeepSeek-V3) caches one latent per layer that vLLM
 * counts as one KV head per rank (facts C), so only the attention-head rule binds there.
 */
function d5Allows(model: ModelArchitecture, tp: number): boolean {
  const kv = model.mla ? 1 : model.kvHeads;
  return model.attentionHeads % tp === 0 && (tp >= kv ? tp % kv === 0 : kv % tp === 0);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

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

describe('valid tensor-parallel sizes of facts D5', () => {
  const rows = D5_VALID_TP.flatMap((row) => row.ids.map((id) => [id, row] as const));

  test.each(rows)('%s', (id, row) => {
    const model = lookupModel(id);
    // The architecture the facts derive from (table C).
    expect([model.attentionHeads, model.kvHeads]).toEqual([row.heads, row.kvHeads]);
    expect(validTensorParallelSizes(model, row.kvHeads)).toEqual(row.upToKv);
    for (const tp of row.alsoValid ?? []) expect([tp, tensorParallelIncompatibility(model, tp)]).toEqual([tp, undefined]);
    for (const tp of row.invalid ?? []) expect(tensorParallelIncompatibility(model, tp)).toEqual(expect.any(String));
  });

  test('catalog models that D5 does not list are exactly those checked by the rule alone', () => {
    const listed = new Set(D5_VALID_TP.flatMap((row) => row.ids));
    const unlisted = MODELS.map((m) => m.id).filter((id) => !listed.has(id));
    expect(unlisted.sort()).toEqual(
      [
        'Qwen/Qwen2.5-72B',
        'deepseek-ai/DeepSeek-V3',
        'meta-llama/Llama-3.2-11B-Vision',
        'meta-llama/Llama-3.2-1B',
        'meta-llama/Llama-3.2-3B',
        'meta-llama/Llama-3.2-90B-Vision',
        'meta-llama/Llama-3.3-70B-Instruct',
      ].sort(),
    );
  });

  test.each(MODELS.map((m) => [m.id, m] as const))('%s follows the D5 rule for TP 1..64', (_id, model) => {
    const expected = range(1, 64).filter((tp) => d5Allows(model, tp));
    expect(validTensorParallelSizes(model, 64)).toEqual(expected);
    for (const tp of range(1, 64)) {
      expect([tp, tensorParallelIncompatibility(model, tp) === undefined]).toEqual([tp, d5Allows(model, tp)]);
    }
  });

  test('Qwen2.5-7B with tensorParallel 8 is refused with the valid sizes as suggestions', () => {
    const error = sizingError(() => planModel({ model: 'Qwen/Qwen2.5-7B', tensorParallel: 8 }));
    expect(error.code).toBe('invalid-tensor-parallel');
    expect(error.field).toBe('tensorParallel');
    expect(error.message).toMatch(/28 attention heads/);
    const listed = error.suggestions.join(' ');
    expect(listed).toMatch(/\b1, 2, 4\b/);
    expect(listed).not.toMatch(/\b8\b/);
  });

  test('TP 16 for Llama-3.1-70B is accepted (KV heads replicated) and warned about', () => {
    const plan = planModel({ model: 'meta-llama/Llama-3.1-70B', accelerator: 'H200', acceleratorsPerNode: 16, tensorParallel: 16 });
    expect(plan.tensorParallel).toBe(16);
    expect(plan.memory.kvCacheBytesPerToken).toBe(327_680 / 8); // one KV head per rank (facts C "TP sharding")
    expect(plan.warnings.join('\n')).toMatch(/replicated/);
  });
});

describe('the planner keeps tensor parallelism inside one node', () => {
  const models = ['meta-llama/Llama-3.1-8B', 'meta-llama/Llama-3.1-70B', 'Qwen/Qwen2.5-7B', 'mistralai/Mixtral-8x7B-v0.1', 'google/gemma-2-27b', 'openai-community/gpt2'];
  const gpuInstances = ['g4dn.12xlarge', 'g5.12xlarge', 'g5.48xlarge', 'g6e.12xlarge', 'p3.8xlarge', 'p4d.24xlarge', 'p5.48xlarge', 'p5.4xlarge'];
  const neuronInstances = ['inf2.xlarge', 'inf2.24xlarge', 'inf2.48xlarge', 'trn1.32xlarge'];
  const cases: Array<[string, string, Engine]> = [
    ...models.flatMap((m) => gpuInstances.map((it) => [m, it, 'vllm'] as [string, string, Engine])),
    ...models.flatMap((m) => gpuInstances.slice(0, 4).map((it) => [m, it, 'tgi'] as [string, string, Engine])),
    ...models.flatMap((m) => neuronInstances.map((it) => [m, it, 'tgi-neuron'] as [string, string, Engine])),
  ];

  test.each(cases)('%s on %s with %s', (model, instanceType, engine) => {
    const instance = lookupInstanceType(instanceType);
    // NeuronCores are the TP ranks on Neuron: 2 per device (facts A3); one rank per GPU.
    const ranksPerDevice = instance.acceleratorId === 'inferentia2' || instance.acceleratorId === 'trainium' ? 2 : 1;
    let plan;
    try {
      plan = planModel({ model, instanceType, engine, maxContextLength: Math.min(2048, lookupModel(model).maxContextLength) });
    } catch (error) {
      expect(error).toBeInstanceOf(SizingError);
      expect((error as SizingError).code).toBe('does-not-fit');
      return;
    }
    expect(plan.tensorParallel).toBeLessThanOrEqual(instance.acceleratorCount * ranksPerDevice);
    expect(d5Allows(plan.model, plan.tensorParallel)).toBe(true);
    expect(plan.acceleratorsPerNode).toBe(instance.acceleratorCount);
    expect(plan.acceleratorsPerReplica).toBe(Math.ceil((plan.tensorParallel * plan.pipelineParallel) / ranksPerDevice));
    expect(plan.nodesPerReplica).toBe(Math.ceil(plan.acceleratorsPerReplica / instance.acceleratorCount));
    if (ranksPerDevice === 2) expect(plan.tensorParallel % 2).toBe(0); // whole Neuron devices
    if (engine !== 'vllm') expect(plan.nodesPerReplica).toBe(1);
  });

  test("a forced TP larger than the instance's GPUs is refused, naming both numbers", () => {
    const error = sizingError(() => planModel({ model: 'meta-llama/Llama-3.1-8B', instanceType: 'g5.12xlarge', tensorParallel: 8 }));
    expect(['tensorParallel', 'instanceType']).toContain(error.field);
    expect(error.message).toMatch(/tensorParallel/);
    expect(error.message).toMatch(/g5\.12xlarge/);
    expect(error.message).toMatch(/\b8\b/);
    expect(error.message).toMatch(/\b4\b/);
    // What would work: an instance type with 8 GPUs.
    expect(error.suggestions.join('\n')).toMatch(/g5\.48xlarge|8 x /);
  });

  test('a forced TP larger than any catalog node does not claim that no hardware holds the model', () => {
    const error = sizingError(() => planModel({ model: 'meta-llama/Llama-3.1-70B', instanceType: 'p5.48xlarge', tensorParallel: 16 }));
    expect(error.message).toMatch(/16/);
    expect(error.suggestions.join('\n')).not.toMatch(/no catalog hardware holds it/);
    expect(error.suggestions.join('\n')).toMatch(/tensorParallel/);
  });

  test('Llama-3.1-405B on p5.48xlarge: TP 8 inside each node, pipeline stages across 2 nodes', () => {
    // 405,853,388,800 x 2 B = 812 GB of bf16 weights > 8 x 80 GB H100.
    const plan = planModel({ model: 'meta-llama/Llama-3.1-405B', instanceType: 'p5.48xlarge' });
    expect(plan.nodesPerReplica).toBe(2);
    expect(plan.tensorParallel).toBe(8);
    expect(plan.pipelineParallel).toBeGreaterThanOrEqual(2);
    expect(plan.acceleratorsPerReplica).toBe(plan.tensorParallel * plan.pipelineParallel);
    expect(plan.hourlyCostUsd).toBeCloseTo(2 * 55.04, 4); // facts B: p5.48xlarge $55.0400/h per node
    expect(plan.warnings.join('\n')).toMatch(/2 nodes/);
  });

  test('Neuron: Mistral-7B-Instruct-v0.3 on inf2.xlarge uses TP 2 over the 2 NeuronCores of 1 device', () => {
    const plan = planModel({ model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi-neuron', instanceType: 'inf2.xlarge' });
    expect(plan.tensorParallel).toBe(2); // NeuronCores
    expect(plan.acceleratorsPerReplica).toBe(1); // aws.amazon.com/neuron devices
    expect(plan.nodesPerReplica).toBe(1);
    expect(plan.accelerator.id).toBe('inferentia2');
    // Each NeuronCore-v2 addresses 16 GiB of the device's 32 GiB (facts A3).
    expect(plan.memory.usableBytesPerAccelerator).toBeLessThanOrEqual(16 * 2 ** 30);
  });

  test.each<[PlanRequest, RegExp]>([
    [{ model: 'meta-llama/Llama-3.1-8B', engine: 'llama-cpp', tensorParallel: 2 }, /tensorParallel/],
    [{ model: 'meta-llama/Llama-3.1-8B', engine: 'tgi', pipelineParallel: 2 }, /pipelineParallel/],
    [{ model: 'meta-llama/Llama-3.1-8B', pipelineParallel: 33 }, /32 layers/],
  ])('engines without the split refuse it: %j', (request, message) => {
    const error = sizingError(() => planModel(request));
    expect(error.message).toMatch(message);
    expect(error.field).toMatch(/Parallel$/);
  });
});
