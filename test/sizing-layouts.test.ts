/**
 * KV layouts that are not "every layer, full length", budgeted as vLLM's hybrid KV-cache manager does
 * (vllm/v1/kv_cache_interface.py `max_memory_usage_bytes`, v0.11.0), and the 4-bit formats of today's
 * checkpoints (MXFP4, NVFP4, INT4) with the GPUs that run them.
 */
import { GiB } from '../lib/catalog/units';
import type { ModelArchitecture } from '../lib/catalog/types';
import { sequenceKvBytes } from '../lib/sizing/kv-layout';
import { planModel } from '../lib/sizing/planner';
import { weightBytes } from '../lib/sizing/quantization';
import { SizingError } from '../lib/errors';
import fixture from './fixtures/vllm-logs.json';

const GPT_OSS_120B = fixture.models['openai/gpt-oss-120b'] as unknown as ModelArchitecture;
const GPT_OSS_20B = fixture.models['openai/gpt-oss-20b'] as unknown as ModelArchitecture;
const cdiv = (a: number, b: number) => Math.ceil(a / b);

describe("vLLM's hybrid KV-cache manager", () => {
  test('gpt-oss-20b: 12 full layers hold the context, 12 sliding layers (window 128) hold window - 1 + batch tokens + 1 block', () => {
    const len = 131072;
    const batch = 2048;
    const page = 2 * 8 * 64 * 2; // K and V, 8 KV heads x head_dim 64, bf16, per layer and token
    // FullAttentionSpec: cdiv(max_model_len, 16) blocks; SlidingWindowSpec: cdiv(min(w - 1 + batch, len), 16) + 1 blocks.
    const expected = 12 * cdiv(len, 16) * 16 * page + 12 * (cdiv(Math.min(128 - 1 + batch, len), 16) + 1) * 16 * page;
    const input = { model: GPT_OSS_20B, kvCacheDtype: 'auto' as const, tensorParallel: 1, pipelineParallel: 1, maxContextLength: len, batchTokens: batch };
    expect(sequenceKvBytes({ ...input, hybrid: true })).toBe(expected);
    // Without the hybrid manager (vLLM < 0.10) every layer holds the whole context.
    expect(sequenceKvBytes({ ...input, hybrid: false })).toBe(24 * len * page);
  });

  test('a window longer than the context costs no more than full attention plus one block', () => {
    const model = { ...GPT_OSS_20B, slidingWindow: 1_000_000 };
    const input = { model, kvCacheDtype: 'auto' as const, tensorParallel: 1, pipelineParallel: 1, maxContextLength: 4096, batchTokens: 2048, hybrid: true };
    expect(sequenceKvBytes(input)).toBe(24 * 4096 * 2048 + 12 * 16 * 2048);
  });

  test('linear-attention layers keep one state per sequence, sharded by TP', () => {
    const model: ModelArchitecture = { ...GPT_OSS_20B, slidingWindow: undefined, slidingWindowLayers: undefined, linearAttentionLayers: 18, linearStateBytesPerLayer: 1_000_000 };
    const input = { model, kvCacheDtype: 'auto' as const, tensorParallel: 2, pipelineParallel: 1, maxContextLength: 1024, batchTokens: 2048, hybrid: true };
    expect(sequenceKvBytes(input)).toBe(6 * 1024 * (2 * 4 * 64 * 2) + 18 * 500_000);
  });
});

describe('MXFP4, NVFP4 and INT4 weights', () => {
  test('gpt-oss-120b (MXFP4 experts, intermediate padded 2880 -> 3072) loads ~64.4 GiB, as vLLM logs (issue #33155: 64.38 GiB)', () => {
    expect(weightBytes(GPT_OSS_120B, 'mxfp4') / GiB).toBeGreaterThan(64.38 * 0.97);
    expect(weightBytes(GPT_OSS_120B, 'mxfp4') / GiB).toBeLessThan(64.38 * 1.03);
  });

  test('gpt-oss-120b fits one H100 80GB under vLLM, as its model card says', () => {
    const plan = planModel({ model: GPT_OSS_120B, quantization: 'mxfp4', accelerator: 'H100', maxContextLength: 8192 });
    expect(plan.acceleratorsPerReplica).toBe(1);
    expect(plan.accelerator.id).toMatch(/H100/);
  });

  test('MXFP4 and NVFP4 are refused where vLLM has no kernel (T4: compute capability 7.5 < 8.0) and by TGI', () => {
    expect(() => planModel({ model: GPT_OSS_20B, quantization: 'mxfp4', accelerator: 'T4' })).toThrow(SizingError);
    expect(() => planModel({ model: 'mistralai/Mistral-7B-v0.3', quantization: 'nvfp4', accelerator: 'T4' })).toThrow(/compute capability/);
    expect(() => planModel({ model: 'mistralai/Mistral-7B-v0.3', engine: 'tgi', quantization: 'nvfp4' })).toThrow(/tgi/);
  });

  test('4-bit formats size between 4 and 5 bits per quantized weight', () => {
    const full = weightBytes({ ...GPT_OSS_20B, moe: undefined } as ModelArchitecture, 'none');
    expect(weightBytes({ ...GPT_OSS_20B, moe: undefined } as ModelArchitecture, 'nvfp4')).toBeLessThan(full * (4.6 / 16) + 1.2e9 * 2);
    expect(weightBytes({ ...GPT_OSS_20B, moe: undefined } as ModelArchitecture, 'int4')).toBeLessThan(weightBytes({ ...GPT_OSS_20B, moe: undefined } as ModelArchitecture, 'nvfp4'));
  });
});

describe('layouts the engine budgets by window or chunk', () => {
  const base = { kvCacheDtype: 'auto' as const, tensorParallel: 1, pipelineParallel: 1, maxContextLength: 131072, batchTokens: 8192, hybrid: true };

  test('a bare slidingWindow without slidingWindowLayers is budgeted as full attention (never over-promises)', () => {
    const model = { ...GPT_OSS_20B, slidingWindowLayers: undefined } as ModelArchitecture;
    expect(sequenceKvBytes({ ...base, model })).toBe(24 * 131072 * 2048);
  });

  test('Llama 4 style chunked local attention: 3 of 4 layers hold min(chunk + batch tokens, context)', () => {
    // ChunkedLocalAttentionSpec.max_memory_usage_bytes (vllm/v1/kv_cache_interface.py, v0.11.0).
    const model = { ...GPT_OSS_20B, slidingWindow: undefined, slidingWindowLayers: undefined, attentionChunkSize: 8192, chunkedAttentionLayers: 18 } as ModelArchitecture;
    expect(sequenceKvBytes({ ...base, model })).toBe(6 * 131072 * 2048 + 18 * (8192 + 8192) * 2048);
  });

  test('MLA keeps one latent (kv_lora_rank + rope dim) per layer and token on every TP rank', () => {
    const model = { ...GPT_OSS_20B, slidingWindow: undefined, slidingWindowLayers: undefined, mla: { kvLoraRank: 512, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128 } } as ModelArchitecture;
    // facts C: DeepSeek-V3 caches 576 values per layer and token (70,272 B over 61 layers in bf16).
    expect(sequenceKvBytes({ ...base, model, tensorParallel: 8, maxContextLength: 1000 })).toBe(24 * 1000 * 576 * 2);
  });
});

describe('vision models include the encoder', () => {
  test("a model's vision encoder adds its profiling pass to the activation term", async () => {
    const { vllmActivationBytes } = await import('../lib/sizing/vllm-accounting');
    const text = { ...GPT_OSS_20B, vocabSize: 1000 } as ModelArchitecture;
    const vision = { ...text, visionParams: 5_000_000_000 } as ModelArchitecture;
    const settings = { version: [0, 11, 0] as const, maxNumSeqs: 256, maxNumBatchedTokens: 2048, enforceEager: false };
    expect(vllmActivationBytes(vision, settings, 1)).toBeGreaterThan(vllmActivationBytes(text, settings, 1));
    expect(vllmActivationBytes(vision, settings, 1)).toBe(2 * 5_000_000_000 * 2);
  });
});

describe('pipeline stages', () => {
  test('the worst stage holds ceil(decoder / PP) plus one vocab x hidden matrix (embedding on the first, lm_head on the last)', async () => {
    const { stageWeightBytes } = await import('../lib/sizing/quantization');
    const { lookupModel } = await import('../lib/catalog/models');
    const llama405 = lookupModel('meta-llama/Llama-3.1-405B');
    const matrix = llama405.vocabSize * llama405.hiddenSize * 2; // bf16, untied: one of the two per stage
    const decoder = llama405.totalParams * 2 - 2 * matrix;
    expect(stageWeightBytes(llama405, 'none', 8, 2)).toBe(Math.ceil((decoder / 2 + matrix) / 8));
    expect(stageWeightBytes(llama405, 'none', 8, 1)).toBe(Math.ceil((llama405.totalParams * 2) / 8));
    // Tied embeddings: the last stage keeps its own copy for the lm_head, so a stage holds more than 1 / PP.
    const gemma = lookupModel('google/gemma-2-27b');
    expect(gemma.tiedEmbeddings).toBe(true);
    expect(stageWeightBytes(gemma, 'none', 1, 2)).toBeGreaterThan((gemma.totalParams * 2) / 2);
  });
});

describe('NVFP4 below Blackwell', () => {
  test('plans on an H100 with a warning that the weights run through Marlin, not FP4 tensor cores', () => {
    const plan = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', quantization: 'nvfp4', accelerator: 'H100' });
    expect(plan.warnings.join('\n')).toMatch(/FP4 tensor cores.*Marlin/);
    expect(plan.memory.weightsBytes).toBeLessThan(planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', quantization: 'fp8', accelerator: 'H100' }).memory.weightsBytes);
  });
});
