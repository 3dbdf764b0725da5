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

  it('missing torch_dtype asks for options.dtype', () => {
    const gptOss = FIXTURES.find((x) => x.id === 'openai/gpt-oss-20b')!;
    expect(() => modelFromConfig(gptOss.id, gptOss.config)).toThrow(/torch_dtype is missing[\s\S]*dtype: 'bfloat16'/);
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
