/**
 * Catalog models whose layout is not "every layer, full length, text only" plan as issue 14's memory
 * model says: sliding-window layers (Gemma 2/3, gpt-oss), chunked local attention (Llama 4), MLA
 * (DeepSeek, Kimi), vision encoders and multi-token-prediction layers.
 */
import { ALL_MODELS, lookupModel } from '../lib/catalog/models';
import type { ModelArchitecture } from '../lib/catalog/types';
import { planModel } from '../lib/sizing/planner';
import { checkpointBytes, stageWeightBytes, weightBytes } from '../lib/sizing/quantization';

const LAYOUT_FIELDS = ['slidingWindow', 'attentionChunkSize', 'linearAttentionLayers', 'mla', 'visionParams', 'mtpParams'] as const;
const special = ALL_MODELS.filter((m) => LAYOUT_FIELDS.some((f) => m[f] !== undefined));
const cdiv = (a: number, b: number) => Math.ceil(a / b);

describe('every catalog model with a sliding, chunked, linear, MLA, vision or MTP field', () => {
  test('the catalog has such models of each kind', () => {
    for (const field of LAYOUT_FIELDS.filter((f) => f !== 'linearAttentionLayers')) {
      expect({ field, present: special.some((m) => m[field] !== undefined) }).toEqual({ field, present: true });
    }
  });

  test.each(special.map((m) => [m.id, m] as const))('%s plans on vLLM without error and fits what it says', (_id, model) => {
    const plan = planModel({ model: model.id, maxContextLength: Math.min(8192, model.maxContextLength) });
    expect(plan.memory.requiredBytesPerAccelerator).toBeLessThanOrEqual(plan.memory.usableBytesPerAccelerator);
    expect(plan.maxConcurrentSequences).toBeGreaterThanOrEqual(1);
    expect(plan.tensorParallel * plan.pipelineParallel).toBe(plan.acceleratorsPerReplica);
  });

  test('a sliding window is budgeted only where the layers that slide are known', () => {
    for (const m of special.filter((x) => x.slidingWindow !== undefined && x.id !== 'microsoft/Phi-3-mini-4k-instruct')) {
      expect({ id: m.id, slidingWindowLayers: m.slidingWindowLayers }).toEqual({ id: m.id, slidingWindowLayers: expect.any(Number) });
    }
  });
});

describe('Gemma 2: sliding window on every even layer', () => {
  // vLLM: `is_sliding = config.layer_types[layer_idx] == "sliding_attention"` (vllm-project/vllm
  // vllm/model_executor/models/gemma2.py @ 02cda6e420ccbe364f285b71c512780e8589c649); transformers'
  // Gemma2Config defaults layer_types to sliding on even indices (is_sliding = not bool(layer_idx % 2)).
  test.each([
    ['google/gemma-2-9b', 42],
    ['google/gemma-2-9b-it', 42],
    ['google/gemma-2-27b', 46],
    ['google/gemma-2-27b-it', 46],
  ] as const)('%s: %i layers, ceil(layers / 2) slide', (id, layers) => {
    const model = lookupModel(id);
    expect(model.layers).toBe(layers);
    expect(model.slidingWindow).toBe(4096);
    expect(model.slidingWindowLayers).toBe(Math.ceil(layers / 2));
  });

  test("gemma-2-9b-it at 8192 tokens on an L40S: vLLM's hybrid manager holds window - 1 + batch tokens + 1 block on the 21 sliding layers", () => {
    const plan = planModel({ model: 'google/gemma-2-9b-it', accelerator: 'L40S', maxContextLength: 8192, concurrency: 1, tensorParallel: 1 });
    expect(plan.maxNumBatchedTokens).toBe(2048); // < 70 GiB: 2048 batched tokens (arg_utils.py get_batch_defaults)
    const page = 2 * 8 * 256 * 2; // K and V, 8 KV heads x head_dim 256, bf16, per layer and token
    const full = 21 * cdiv(8192, 16) * 16 * page;
    const sliding = 21 * (cdiv(Math.min(4096 - 1 + 2048, 8192), 16) + 1) * 16 * page;
    expect(plan.memory.kvCacheBytes).toBe(full + sliding);
    expect(plan.memory.kvCacheBytes).toBeLessThan(42 * 8192 * page);
  });
});

describe('multi-token-prediction layers are downloaded, not loaded', () => {
  // vLLM's DeepSeek-V2/V3 load_weights: "skip spec decode layers for main model" (vllm-project/vllm
  // vllm/model_executor/models/deepseek_v2.py @ b863fe5bf4e19680572603b4e166faefc5725551).
  test('DeepSeek-R1 (with its MTP layer) loads the weights of DeepSeek-V3 (671B, without it)', () => {
    const r1 = lookupModel('deepseek-ai/DeepSeek-R1');
    const v3 = lookupModel('deepseek-ai/DeepSeek-V3');
    expect(r1.mtpParams).toBeGreaterThan(13e9);
    expect(Math.abs(weightBytes(r1, 'fp8') - weightBytes(v3, 'fp8')) / weightBytes(v3, 'fp8')).toBeLessThan(0.005);
    // The download holds them: one byte per parameter more in FP8.
    expect(checkpointBytes(r1, 'fp8') - weightBytes(r1, 'fp8')).toBe(r1.mtpParams);
  });
});

describe('vision encoders', () => {
  const scout = lookupModel('meta-llama/Llama-4-Scout-17B-16E-Instruct');
  const textOnly: ModelArchitecture = { ...scout, visionParams: undefined, totalParams: scout.totalParams - scout.visionParams! };

  test('the encoder is part of the weights (in 16-bit)', () => {
    expect(weightBytes(scout, 'none') - weightBytes(textOnly, 'none')).toBe(scout.visionParams! * 2);
  });

  test('with pipeline stages the first stage holds the whole encoder', () => {
    for (const tp of [1, 4]) {
      const extra = stageWeightBytes(scout, 'none', tp, 2) - stageWeightBytes(textOnly, 'none', tp, 2);
      expect(Math.abs(extra - (scout.visionParams! * 2) / tp)).toBeLessThanOrEqual(1);
    }
  });
});
