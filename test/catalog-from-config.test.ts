import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelFromConfig } from '../lib/catalog/from-config';
import { SizingError } from '../lib/errors';

interface Fixture {
  id: string;
  source: string;
  publishedTotalParams: number;
  publishedTotalSource: string;
  expect: Record<string, number | boolean>;
  config: Record<string, unknown>;
}

const DIR = join(__dirname, 'fixtures', 'hf-configs');
const FIXTURES: Fixture[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Fixture);

/** KV bytes per token by facts D1 (whole model, bf16): the engine's page-size formula. */
function kvBytesPerToken(m: ReturnType<typeof modelFromConfig>): number {
  if (m.mla) return m.layers * (m.mla.kvLoraRank + m.mla.qkRopeHeadDim) * 2;
  return 2 * m.layers * m.kvHeads * m.headDim * 2;
}

function build(f: Fixture) {
  const embedding = f.expect.embedding === true;
  const dtype = f.config.torch_dtype === undefined ? ('bfloat16' as const) : undefined;
  return modelFromConfig(f.id, f.config, { embedding, dtype, sources: [f.source] });
}

describe('modelFromConfig on real config.json files', () => {
  it('has the fixtures the issue lists', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(FIXTURES.map((f) => [f.id, f] as const))('%s: layers, heads, head dim, KV bytes/token as the config says', (_id, f) => {
    const model = build(f);
    for (const key of ['layers', 'attentionHeads', 'kvHeads', 'headDim', 'slidingWindowLayers', 'chunkedAttentionLayers', 'maxContextLength', 'embedding'] as const) {
      if (f.expect[key] !== undefined) expect([key, model[key]]).toEqual([key, f.expect[key]]);
    }
    if (f.expect.kvBytesPerToken !== undefined) expect(kvBytesPerToken(model)).toBe(f.expect.kvBytesPerToken);
  });

  it.each(FIXTURES.map((f) => [f.id, f] as const))('%s: total parameters within 1 %% of the published count', (_id, f) => {
    const model = build(f);
    const error = Math.abs(model.totalParams - f.publishedTotalParams) / f.publishedTotalParams;
    expect(error).toBeLessThan(0.01);
  });
});

describe('modelFromConfig layouts', () => {
  const byId = (id: string) => build(FIXTURES.find((f) => f.id === id)!);

  it('gpt-oss: MoE, alternating sliding window of 128, sinks, MXFP4 checkpoint; 3.61B active as OpenAI publishes', () => {
    const m = byId('openai/gpt-oss-20b');
    expect(m).toMatchObject({ moe: { experts: 32, expertsPerToken: 4 }, slidingWindow: 128, slidingWindowLayers: 12, attentionSinks: true, nativeQuantization: 'mxfp4' });
    // OpenAI (arXiv 2508.10925, table 1) counts 3.61B active without the input embedding (201088 x 2880).
    expect(Math.abs(m.activeParams! - 201088 * 2880 - 3.61e9) / 3.61e9).toBeLessThan(0.01);
  });

  it('Gemma 3: 5 of 6 layers slide (window 1024), vision tower counted, tied embeddings', () => {
    const m = byId('google/gemma-3-27b-it');
    expect(m).toMatchObject({ slidingWindow: 1024, slidingWindowLayers: 52, tiedEmbeddings: true, vocabSize: 262208 });
    expect(m.visionParams).toBeGreaterThan(4e8);
  });

  it('Llama 4 Scout: 16 experts + a shared one on every layer, chunked attention on 3 of 4 layers', () => {
    const m = byId('meta-llama/Llama-4-Scout-17B-16E-Instruct');
    expect(m).toMatchObject({ moe: { experts: 16, expertsPerToken: 1, sharedExperts: 1 }, attentionChunkSize: 8192, chunkedAttentionLayers: 36 });
    expect(Math.abs(m.activeParams! - 17e9) / 17e9).toBeLessThan(0.02); // "17B active"
  });

  it('DeepSeek-R1: MLA, 3 dense layers first, one MTP layer of ~14B not loaded by default, FP8 checkpoint', () => {
    const m = byId('deepseek-ai/DeepSeek-R1');
    expect(m.mla).toEqual({ kvLoraRank: 512, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128, qLoraRank: 1536 });
    expect(m.nativeQuantization).toBe('fp8');
    // DeepSeek: 671B main model + 14B MTP module = 685B; 37B activated per token.
    expect(Math.abs(m.totalParams - m.mtpParams! - 671e9) / 671e9).toBeLessThan(0.005);
    expect(Math.abs(m.activeParams! - 37.5e9) / 37e9).toBeLessThan(0.03);
  });

  it('embedding models have no lm_head and are flagged embedding', () => {
    const m = byId('Qwen/Qwen3-Embedding-0.6B');
    expect(m.embedding).toBe(true);
    expect(m.totalParams).toBe(595_776_512);
  });

  it('an id naming an embedding model marks it so without options (Qwen3-Embedding: a Qwen3ForCausalLM config)', () => {
    const f = FIXTURES.find((x) => x.id === 'Qwen/Qwen3-Embedding-0.6B')!;
    expect(modelFromConfig(f.id, f.config).embedding).toBe(true);
    expect(modelFromConfig(f.id, f.config, { embedding: false }).embedding).toBeUndefined();
    expect(modelFromConfig('Qwen/Qwen3-8B', FIXTURES.find((x) => x.id === 'Qwen/Qwen3-8B')!.config).embedding).toBeUndefined();
  });

  it('an explicit totalParams wins over the computed count', () => {
    const f = FIXTURES.find((x) => x.id === 'Qwen/Qwen3-8B')!;
    expect(modelFromConfig(f.id, f.config, { totalParams: 8_190_735_361 }).totalParams).toBe(8_190_735_361);
  });
});

describe('modelFromConfig errors name the field and what to pass', () => {
  const qwen = FIXTURES.find((x) => x.id === 'Qwen/Qwen3-8B')!.config;

  it('unknown architecture', () => {
    expect(() => modelFromConfig('x/y', { ...qwen, architectures: ['FalconForCausalLM'] })).toThrow(/architecture FalconForCausalLM is not one modelFromConfig reads/);
    try {
      modelFromConfig('x/y', { ...qwen, architectures: ['FalconForCausalLM'] });
    } catch (e) {
      expect(e).toBeInstanceOf(SizingError);
      expect((e as SizingError).field).toBe('config.architectures');
      expect((e as SizingError).suggestions.join(' ')).toMatch(/ModelArchitecture object/);
    }
  });

  it('missing field', () => {
    const { num_hidden_layers: _, ...broken } = qwen;
    expect(() => modelFromConfig('x/y', broken)).toThrow(/field num_hidden_layers is missing, expected a positive integer/);
  });

  it('missing field inside text_config names its path', () => {
    const f = FIXTURES.find((x) => x.id === 'google/gemma-3-4b-it')!;
    const text = { ...(f.config.text_config as object), hidden_size: undefined };
    expect(() => modelFromConfig(f.id, { ...f.config, text_config: text })).toThrow(/text_config\.hidden_size is missing/);
  });

  it('missing torch_dtype asks for options.dtype (quantized checkpoints: bf16; encoders: fp32)', () => {
    const { torch_dtype: _, ...noDtype } = qwen;
    expect(() => modelFromConfig('x/y', noDtype)).toThrow(/torch_dtype is missing[\s\S]*dtype: 'bfloat16'/);
    const gptOss = FIXTURES.find((x) => x.id === 'openai/gpt-oss-20b')!;
    expect(modelFromConfig(gptOss.id, gptOss.config).dtype).toBe('bfloat16'); // no torch_dtype; mxfp4 experts, bf16 rest
    const bge = FIXTURES.find((x) => x.id === 'BAAI/bge-m3')!;
    const { torch_dtype: __, ...bgeNoDtype } = bge.config;
    expect(modelFromConfig(bge.id, bgeNoDtype).dtype).toBe('float32');
  });

  it('DeepSeek-V2-style MLA without q_lora_rank (greedy routing, no score bias)', () => {
    const ds = FIXTURES.find((x) => x.id === 'deepseek-ai/DeepSeek-R1')!.config;
    const lite = { ...ds, architectures: ['DeepseekV2ForCausalLM'], model_type: 'deepseek_v2', q_lora_rank: null, topk_method: 'greedy', quantization_config: undefined };
    const m = modelFromConfig('x/v2', lite);
    expect(m.mla).toEqual({ kvLoraRank: 512, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128 });
    // A full q_proj (7168 x 128 x 192) instead of q_a/q_a_layernorm/q_b, on 61 layers + the MTP layer, and no
    // e_score_correction_bias (256 per MoE layer: 58 + 1).
    const perLayer = 7168 * 128 * 192 - (7168 * 1536 + 1536 + 1536 * 128 * 192);
    expect(m.totalParams - modelFromConfig('x/v3', ds).totalParams).toBe(62 * perLayer - 59 * 256);
  });

  it('not an object, no architectures, bad totalParams', () => {
    expect(() => modelFromConfig('x/y', '{}')).toThrow(/parsed config.json object/);
    expect(() => modelFromConfig('x/y', { hidden_size: 8 })).toThrow(/field architectures is missing/);
    expect(() => modelFromConfig('x/y', qwen, { totalParams: -1 })).toThrow(/options.totalParams -1/);
  });

  it('an unknown vision encoder is an error unless totalParams is given', () => {
    const f = FIXTURES.find((x) => x.id === 'google/gemma-3-4b-it')!;
    const config = { ...f.config, vision_config: { model_type: 'clip_vision_model', hidden_size: 1024 } };
    expect(() => modelFromConfig(f.id, config)).toThrow(/vision_config\.model_type.*totalParams/s);
    expect(modelFromConfig(f.id, config, { totalParams: 4_300_079_472 }).totalParams).toBe(4_300_079_472);
  });
});

describe('modelFromConfig reproduces the exact totals of table C (catalog-facts.md, Hub safetensors counts)', () => {
  const base = (arch: string, type: string, o: Record<string, unknown>) => ({ architectures: [arch], model_type: type, torch_dtype: 'bfloat16', ...o });
  const cases: [string, Record<string, unknown>, number][] = [
    [
      'meta-llama/Llama-3.1-8B',
      base('LlamaForCausalLM', 'llama', {
        hidden_size: 4096,
        num_hidden_layers: 32,
        num_attention_heads: 32,
        num_key_value_heads: 8,
        intermediate_size: 14336,
        vocab_size: 128256,
        max_position_embeddings: 131072,
        tie_word_embeddings: false,
      }),
      8_030_261_248,
    ],
    [
      'meta-llama/Llama-3.2-1B',
      base('LlamaForCausalLM', 'llama', {
        hidden_size: 2048,
        num_hidden_layers: 16,
        num_attention_heads: 32,
        num_key_value_heads: 8,
        head_dim: 64,
        intermediate_size: 8192,
        vocab_size: 128256,
        max_position_embeddings: 131072,
        tie_word_embeddings: true,
      }),
      1_235_814_400,
    ],
    [
      'mistralai/Mixtral-8x7B-v0.1',
      base('MixtralForCausalLM', 'mixtral', {
        hidden_size: 4096,
        num_hidden_layers: 32,
        num_attention_heads: 32,
        num_key_value_heads: 8,
        intermediate_size: 14336,
        num_local_experts: 8,
        num_experts_per_tok: 2,
        vocab_size: 32000,
        max_position_embeddings: 32768,
        sliding_window: null,
      }),
      46_702_792_704,
    ],
    [
      'Qwen/Qwen2.5-7B',
      base('Qwen2ForCausalLM', 'qwen2', {
        hidden_size: 3584,
        num_hidden_layers: 28,
        num_attention_heads: 28,
        num_key_value_heads: 4,
        intermediate_size: 18944,
        vocab_size: 152064,
        max_position_embeddings: 131072,
        tie_word_embeddings: false,
        use_sliding_window: false,
        sliding_window: 131072,
      }),
      7_615_616_512,
    ],
    [
      'google/gemma-2-9b',
      base('Gemma2ForCausalLM', 'gemma2', {
        hidden_size: 3584,
        num_hidden_layers: 42,
        num_attention_heads: 16,
        num_key_value_heads: 8,
        head_dim: 256,
        intermediate_size: 14336,
        vocab_size: 256000,
        max_position_embeddings: 8192,
        sliding_window: 4096,
      }),
      9_241_705_984,
    ],
    [
      'microsoft/Phi-3-mini-4k-instruct',
      base('Phi3ForCausalLM', 'phi3', {
        hidden_size: 3072,
        num_hidden_layers: 32,
        num_attention_heads: 32,
        num_key_value_heads: 32,
        intermediate_size: 8192,
        vocab_size: 32064,
        max_position_embeddings: 4096,
        sliding_window: 2047,
        tie_word_embeddings: false,
      }),
      3_821_079_552,
    ],
  ];
  it.each(cases)('%s', (id, config, total) => {
    const m = modelFromConfig(id, config);
    expect(m.totalParams).toBe(total);
  });

  it('Gemma 2 slides on every other layer, Phi-3 on all (sliding_window 2047 < 4096 positions)', () => {
    expect(modelFromConfig('g', cases[4][1])).toMatchObject({ slidingWindow: 4096, slidingWindowLayers: 21 });
    expect(modelFromConfig('p', cases[5][1])).toMatchObject({ slidingWindow: 2047, slidingWindowLayers: 32 });
    expect(modelFromConfig('q', cases[3][1]).slidingWindow).toBeUndefined(); // use_sliding_window false
  });
});
