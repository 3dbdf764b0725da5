import { SizingError } from '../lib/errors';
import { lookupModel, MODEL_VARIANTS, MODELS, validateModelArchitecture, weightParamSplit } from '../lib/catalog/models';
import type { ModelArchitecture } from '../lib/catalog/types';
import { KV_BYTES_PER_TOKEN_FACTS } from './support/facts';

/** Table C of catalog-facts.md, "Total params" column (exact integers; HF-page figures for the rest). */
const TOTAL_PARAMS_FACTS: Readonly<Record<string, number>> = {
  'mistralai/Mistral-7B-v0.3': 7_248_023_552,
  'mistralai/Mixtral-8x7B-v0.1': 46_702_792_704,
  'mistralai/Mixtral-8x22B-v0.1': 140_630_071_296,
  'mistralai/Codestral-22B-v0.1': 22_247_282_688,
  'meta-llama/Llama-3.1-8B': 8_030_261_248,
  'meta-llama/Llama-3.1-70B': 70_553_706_496,
  'meta-llama/Llama-3.1-405B': 405_853_388_800,
  'meta-llama/Llama-3.2-1B': 1_235_814_400,
  'meta-llama/Llama-3.2-3B': 3_212_749_824,
  'meta-llama/Llama-3.2-11B-Vision': 10.7e9,
  'meta-llama/Llama-3.2-90B-Vision': 88.6e9,
  'meta-llama/Llama-3.3-70B-Instruct': 70_553_706_496,
  'Qwen/Qwen2.5-7B': 7_615_616_512,
  'Qwen/Qwen2.5-32B': 32_763_876_352,
  'Qwen/Qwen2.5-72B': 72_706_203_648,
  'google/gemma-2-9b': 9_241_705_984,
  'google/gemma-2-27b': 27_227_128_320,
  'microsoft/Phi-3-mini-4k-instruct': 3_821_079_552,
  'openai-community/gpt2': 124_439_808,
  'deepseek-ai/DeepSeek-V3': 671e9,
};

/** Table C's "KV bytes/token (bf16)" column, for every model without MLA (DeepSeek-V3 caches a latent). */
const KV_BYTES_PER_TOKEN_NON_MLA = Object.fromEntries(Object.entries(KV_BYTES_PER_TOKEN_FACTS).filter(([id]) => id !== 'deepseek-ai/DeepSeek-V3'));

function model(id: string): ModelArchitecture {
  const found = MODELS.find((entry) => entry.id === id);
  if (found === undefined) throw new Error(`${id} missing from MODELS`);
  return found;
}

/**
 * Parameters of a Llama-style decoder recomputed from its config fields: embedding, per layer the
 * q/k/v/o projections (plus q/k/v biases for Qwen2.5), the gated MLP (gate, up, down = 3 x hidden x I,
 * times the experts plus a hidden x experts router for MoE), `normsPerLayer` RMSNorm weight vectors;
 * the final norm; the lm_head unless tied.
 */
function llamaStyleParams(m: ModelArchitecture, options: { qkvBias?: boolean; normsPerLayer?: number; experts?: number } = {}): number {
  const { hiddenSize: h, attentionHeads: heads, kvHeads, headDim: d, vocabSize: vocab, layers } = m;
  const experts = options.experts ?? 1;
  const attention = h * heads * d + 2 * h * kvHeads * d + heads * d * h + (options.qkvBias ? heads * d + 2 * kvHeads * d : 0);
  const mlp = 3 * h * m.intermediateSize! * experts + (experts > 1 ? h * experts : 0);
  const perLayer = attention + mlp + (options.normsPerLayer ?? 2) * h;
  return vocab * h * (m.tiedEmbeddings ? 1 : 2) + layers * perLayer + h;
}

describe('model catalog contents', () => {
  it('holds every model of table C with its exact hub id and total parameters', () => {
    expect(MODELS.map((m) => m.id).sort()).toEqual(Object.keys(TOTAL_PARAMS_FACTS).sort());
    for (const [id, total] of Object.entries(TOTAL_PARAMS_FACTS)) expect([id, model(id).totalParams]).toEqual([id, total]);
  });

  it('has unique ids (case-insensitive) across models and variants, and every variant has a base', () => {
    const ids = [...MODELS.map((m) => m.id), ...MODEL_VARIANTS.map((v) => v.id)].map((id) => id.toLowerCase());
    expect(new Set(ids).size).toBe(ids.length);
    for (const variant of MODEL_VARIANTS) expect(MODELS.some((m) => m.id === variant.baseId)).toBe(true);
  });

  it('passes its own validation, cites its config.json, and every variant resolves to a valid architecture', () => {
    for (const m of MODELS) {
      expect(validateModelArchitecture(m)).toBe(m);
      expect(m.sources?.[0]).toBe(`https://huggingface.co/${m.id}/blob/main/config.json`);
    }
    for (const variant of MODEL_VARIANTS) {
      const resolved = lookupModel(variant.id);
      expect(resolved.id).toBe(variant.id);
      expect(validateModelArchitecture(resolved)).toBe(resolved);
      expect(resolved.sources?.[0]).toBe(variant.source);
    }
  });

  it.each([
    ['meta-llama/Llama-3.1-8B', {}],
    ['meta-llama/Llama-3.1-70B', {}],
    ['meta-llama/Llama-3.1-405B', {}],
    ['meta-llama/Llama-3.2-1B', {}],
    ['meta-llama/Llama-3.2-3B', {}],
    ['meta-llama/Llama-3.3-70B-Instruct', {}],
    ['mistralai/Mistral-7B-v0.3', {}],
    ['mistralai/Codestral-22B-v0.1', {}],
    ['Qwen/Qwen2.5-7B', { qkvBias: true }],
    ['Qwen/Qwen2.5-32B', { qkvBias: true }],
    ['Qwen/Qwen2.5-72B', { qkvBias: true }],
    ['microsoft/Phi-3-mini-4k-instruct', {}], // fused qkv / gate_up projections: same counts
    ['google/gemma-2-9b', { normsPerLayer: 4 }], // pre/post attention + pre/post feed-forward norms
    ['google/gemma-2-27b', { normsPerLayer: 4 }],
    ['mistralai/Mixtral-8x7B-v0.1', { experts: 8 }],
    ['mistralai/Mixtral-8x22B-v0.1', { experts: 8 }],
  ] as const)('recomputes totalParams of %s from its config fields', (id, options) => {
    expect(llamaStyleParams(model(id), options)).toBe(TOTAL_PARAMS_FACTS[id]);
  });

  it('recomputes the MoE active parameters (2 of 8 experts per token)', () => {
    const mixtral = model('mistralai/Mixtral-8x7B-v0.1');
    expect(mixtral.activeParams).toBe(12_879_138_816);
    // Table C's active count is the model as if it had only the 2 routed experts (their MLPs and
    // router columns).
    expect(llamaStyleParams(mixtral, { experts: 2 })).toBe(12_879_138_816);
    const big = model('mistralai/Mixtral-8x22B-v0.1');
    const bigActive = llamaStyleParams(big, { experts: 2 });
    expect(big.activeParams).toBe(39.2e9); // table C rounds to 39.2B
    expect(Math.round(bigActive / 1e8) / 10).toBe(39.2);
  });

  it('recomputes GPT-2 (LayerNorm weights and biases, Linear biases, learned position embedding)', () => {
    const gpt2 = model('openai-community/gpt2');
    const h = gpt2.hiddenSize;
    const perLayer = 2 * 2 * h + (3 * h * h + 3 * h) + (h * h + h) + (4 * h * h + 4 * h) + (4 * h * h + h);
    expect(gpt2.vocabSize * h + gpt2.maxContextLength * h + gpt2.layers * perLayer + 2 * h).toBe(124_439_808);
    expect([gpt2.attentionHeads, gpt2.kvHeads, gpt2.headDim, gpt2.maxContextLength, gpt2.dtype]).toEqual([12, 12, 64, 1024, 'float32']);
  });

  it('matches the derived weight sizes of table C (bf16)', () => {
    expect(model('meta-llama/Llama-3.1-8B').totalParams * 2).toBe(16_060_522_496);
    expect(model('Qwen/Qwen2.5-7B').totalParams * 2).toBe(15_231_233_024);
  });

  it('gives the table-C KV bytes per token for every non-MLA model (2 x kvCacheLayers x kvHeads x headDim x 2 B)', () => {
    const nonMla = MODELS.filter((m) => m.mla === undefined);
    expect(nonMla.map((m) => m.id).sort()).toEqual(Object.keys(KV_BYTES_PER_TOKEN_NON_MLA).sort());
    for (const m of nonMla) {
      const bytes = 2 * (m.kvCacheLayers ?? m.layers) * m.kvHeads * m.headDim * 2;
      expect([m.id, bytes]).toEqual([m.id, KV_BYTES_PER_TOKEN_NON_MLA[m.id]]);
    }
  });

  it('describes DeepSeek-V3 MLA: one latent of kvLoraRank + qkRopeHeadDim per layer = 70,272 B/token', () => {
    const ds = model('deepseek-ai/DeepSeek-V3');
    expect(ds.mla).toEqual({ kvLoraRank: 512, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128, qLoraRank: 1536 });
    expect(ds.layers * (ds.mla!.kvLoraRank + ds.mla!.qkRopeHeadDim) * 2).toBe(70_272);
    expect(ds.headDim).toBe(ds.mla!.qkNopeHeadDim + ds.mla!.qkRopeHeadDim);
    expect(ds.moe).toEqual({ experts: 256, expertsPerToken: 8, sharedExperts: 1 });
    expect([ds.activeParams, ds.intermediateSize]).toEqual([37e9, 2048]);
    expect(ds.caveats?.join(' ')).toMatch(/FP8/);
    expect(ds.caveats?.join(' ')).toMatch(/685B/);
  });

  it('records vision KV layers, sliding windows and tied embeddings from the facts', () => {
    expect(model('meta-llama/Llama-3.2-11B-Vision').kvCacheLayers).toBe(32);
    expect(model('meta-llama/Llama-3.2-90B-Vision').kvCacheLayers).toBe(80);
    expect(model('meta-llama/Llama-3.2-11B-Vision').caveats?.join(' ')).toMatch(/image/);
    expect(model('google/gemma-2-9b').slidingWindow).toBe(4096);
    expect(model('google/gemma-2-27b').slidingWindow).toBe(4096);
    expect(model('microsoft/Phi-3-mini-4k-instruct').slidingWindow).toBe(2047);
    const tied = MODELS.filter((m) => m.tiedEmbeddings)
      .map((m) => m.id)
      .sort();
    expect(tied).toEqual(['google/gemma-2-27b', 'google/gemma-2-9b', 'meta-llama/Llama-3.2-1B', 'meta-llama/Llama-3.2-3B', 'openai-community/gpt2']);
  });
});

describe('weightParamSplit', () => {
  it('splits Llama-3.1-8B into 16-bit embedding/lm_head and the rest (facts D6)', () => {
    const split = weightParamSplit(lookupModel('meta-llama/Llama-3.1-8B'));
    expect(split.embeddingParams).toBe(1_050_673_152);
    expect(split.embeddingParams + split.linearParams).toBe(8_030_261_248);
    // D6 counts 6,979,321,856 Linear-layer weights; the rest holds also the 2 x 32 + 1 RMSNorm weights.
    expect(split.linearParams - (2 * 32 + 1) * 4096).toBe(6_979_321_856);
  });

  it('counts a tied embedding once', () => {
    const m = lookupModel('meta-llama/Llama-3.2-1B');
    expect(weightParamSplit(m).embeddingParams).toBe(128256 * 2048);
  });
});

describe('lookupModel', () => {
  it('finds base models and variants case-insensitively, with or without the organisation', () => {
    expect(lookupModel('meta-llama/Llama-3.1-70B-Instruct')).toMatchObject({ id: 'meta-llama/Llama-3.1-70B-Instruct', layers: 80, totalParams: 70_553_706_496 });
    expect(lookupModel('META-LLAMA/llama-3.1-8b').id).toBe('meta-llama/Llama-3.1-8B');
    expect(lookupModel('Llama-3.1-8B').id).toBe('meta-llama/Llama-3.1-8B');
    expect(lookupModel('gpt2').id).toBe('openai-community/gpt2');
  });

  it('applies variant overrides from the facts', () => {
    const gemmaIt = lookupModel('google/gemma-2-9b-it');
    expect([gemmaIt.id, gemmaIt.dtype, gemmaIt.slidingWindow]).toEqual(['google/gemma-2-9b-it', 'bfloat16', 4096]);
    expect(lookupModel('google/gemma-2-9b').dtype).toBe('float32');
    const qwen = lookupModel('Qwen/Qwen2.5-7B-Instruct');
    expect([qwen.maxContextLength, qwen.kvHeads]).toEqual([32768, 4]);
    expect(lookupModel('Qwen/Qwen2.5-7B').maxContextLength).toBe(131072);
    const phi128k = lookupModel('microsoft/Phi-3-mini-128k-instruct');
    expect(phi128k.maxContextLength).toBe(131072);
    expect(phi128k.slidingWindow).toBeUndefined();
    const distill = lookupModel('deepseek-ai/DeepSeek-R1-Distill-Llama-8B');
    expect({ ...distill, id: 'x', sources: [] }).toEqual({ ...lookupModel('meta-llama/Llama-3.1-8B'), id: 'x', sources: [] });
  });

  it('rejects an unknown id with SizingError unknown-model and the nearest ids', () => {
    let error: unknown;
    try {
      lookupModel('meta-llama/Llama-3.1-7B');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SizingError);
    const sizing = error as SizingError;
    expect([sizing.code, sizing.field]).toEqual(['unknown-model', 'model']);
    expect(sizing.message).toContain('meta-llama/Llama-3.1-7B');
    expect(sizing.message).toContain('ModelArchitecture');
    expect(sizing.suggestions).toHaveLength(4); // 3 nearest ids + the model add command
    expect(sizing.suggestions).toContain('llm-constructs model add meta-llama/Llama-3.1-7B');
    // 8B and 70B are both one edit away from "7B".
    expect(sizing.suggestions).toContain('meta-llama/Llama-3.1-8B');
  });

  it.each([7, null, undefined, '', '   ', {}])('rejects %p with SizingError invalid-model, never a TypeError', (bad) => {
    expect(() => lookupModel(bad as never)).toThrow(SizingError);
    expect(() => lookupModel(bad as never)).toThrow(expect.objectContaining({ code: 'invalid-model', field: 'model' }));
  });
});

describe('validateModelArchitecture', () => {
  const valid = (): Record<string, unknown> => ({ ...lookupModel('meta-llama/Llama-3.1-8B'), id: 'my-org/my-model' });

  function rejection(arch: unknown): SizingError {
    try {
      validateModelArchitecture(arch);
    } catch (error) {
      expect(error).toBeInstanceOf(SizingError);
      expect((error as SizingError).code).toBe('invalid-model-architecture');
      return error as SizingError;
    }
    throw new Error('expected a SizingError');
  }

  it('returns a valid user-supplied object', () => {
    const arch = valid();
    expect(validateModelArchitecture(arch)).toBe(arch);
  });

  it('rejects a negative layer count, naming the field and the value', () => {
    const error = rejection({ ...valid(), layers: -4 });
    expect(error.field).toBe('model.layers');
    expect(error.message).toContain('model.layers');
    expect(error.message).toContain('-4');
    expect(error.message).toContain('positive integer');
  });

  it('rejects a string hiddenSize', () => {
    const error = rejection({ ...valid(), hiddenSize: '4096' });
    expect(error.field).toBe('model.hiddenSize');
    expect(error.message).toContain('"4096"');
  });

  it('rejects KV heads that do not divide the attention heads', () => {
    const error = rejection({ ...valid(), kvHeads: 5 });
    expect(error.field).toBe('model.kvHeads');
    expect(error.message).toMatch(/model\.kvHeads is 5; expected a divisor of attentionHeads \(32\)/);
  });

  it('rejects other inconsistent fields', () => {
    expect(rejection({ ...valid(), kvHeads: 64 }).field).toBe('model.kvHeads');
    expect(rejection({ ...valid(), kvCacheLayers: 33 }).field).toBe('model.kvCacheLayers');
    expect(rejection({ ...valid(), activeParams: 9e9 }).field).toBe('model.activeParams');
    expect(rejection({ ...valid(), dtype: 'fp16' }).field).toBe('model.dtype');
    expect(rejection({ ...valid(), id: '' }).field).toBe('model.id');
    expect(rejection({ ...valid(), totalParams: Number.NaN }).field).toBe('model.totalParams');
    expect(rejection({ ...valid(), tiedEmbeddings: undefined }).field).toBe('model.tiedEmbeddings');
    expect(rejection({ ...valid(), moe: { experts: 8, expertsPerToken: 9 } }).field).toBe('model.moe.expertsPerToken');
    expect(rejection(null).field).toBe('model');
    expect(rejection('meta-llama/Llama-3.1-8B').field).toBe('model');
  });

  it('uses the given field prefix', () => {
    expect(() => validateModelArchitecture({ ...valid(), layers: 0 }, 'props.model')).toThrow(expect.objectContaining({ field: 'props.model.layers' }));
  });
});
