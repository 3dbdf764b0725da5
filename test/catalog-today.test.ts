/**
 * The catalog of today against the facts it cites: each entry's published parameter count (Hub
 * safetensors total or the vendor's figure), and what the model cards state (layers, heads, experts,
 * total/active parameters). A wrong config field moves at least one of these.
 */
import { lookupModel } from '../lib/catalog/models';
import { modelFromConfig } from '../lib/catalog/from-config';
import { MODELS_TODAY, TODAY_ENTRIES, configUrl } from '../lib/catalog/today';

const ISSUE_MODELS = [
  'Qwen/Qwen3-0.6B',
  'Qwen/Qwen3-1.7B',
  'Qwen/Qwen3-4B',
  'Qwen/Qwen3-8B',
  'Qwen/Qwen3-14B',
  'Qwen/Qwen3-32B',
  'Qwen/Qwen3-30B-A3B',
  'Qwen/Qwen3-235B-A22B',
  'Qwen/Qwen3-Embedding-0.6B',
  'meta-llama/Llama-4-Scout-17B-16E-Instruct',
  'meta-llama/Llama-4-Maverick-17B-128E-Instruct',
  'openai/gpt-oss-20b',
  'openai/gpt-oss-120b',
  'google/gemma-3-4b-it',
  'google/gemma-3-12b-it',
  'google/gemma-3-27b-it',
  'deepseek-ai/DeepSeek-R1',
  'deepseek-ai/DeepSeek-R1-Distill-Qwen-32B',
  'mistralai/Mistral-Small-3.2-24B-Instruct-2506',
  'microsoft/phi-4',
  'zai-org/GLM-4.5-Air',
  'moonshotai/Kimi-K2-Instruct',
  'MiniMaxAI/MiniMax-M2',
  'BAAI/bge-m3',
  'BAAI/bge-large-en-v1.5',
  'BAAI/bge-base-en-v1.5',
  'intfloat/multilingual-e5-large',
  'nomic-ai/nomic-embed-text-v1.5',
  'BAAI/bge-reranker-v2-m3',
];

/** Model-card facts: [layers, attention heads, KV heads, total params, active params (MoE)], with the card that states them. */
const CARD: Record<string, { layers: number; heads: number; kvHeads: number; total: number; active?: number; experts?: [number, number]; source: string }> = {
  'Qwen/Qwen3-0.6B': { layers: 28, heads: 16, kvHeads: 8, total: 0.6e9, source: 'https://huggingface.co/Qwen/Qwen3-0.6B (0.6B, non-embedding 0.44B, 28 layers, 16 Q / 8 KV)' },
  'Qwen/Qwen3-4B': { layers: 36, heads: 32, kvHeads: 8, total: 4.0e9, source: 'https://huggingface.co/Qwen/Qwen3-4B (4.0B, 36 layers, 32 Q / 8 KV)' },
  'Qwen/Qwen3-8B': { layers: 36, heads: 32, kvHeads: 8, total: 8.2e9, source: 'https://huggingface.co/Qwen/Qwen3-8B (8.2B, 36 layers, 32 Q / 8 KV)' },
  'Qwen/Qwen3-14B': { layers: 40, heads: 40, kvHeads: 8, total: 14.8e9, source: 'https://huggingface.co/Qwen/Qwen3-14B (14.8B, 40 layers, 40 Q / 8 KV)' },
  'Qwen/Qwen3-32B': { layers: 64, heads: 64, kvHeads: 8, total: 32.8e9, source: 'https://huggingface.co/Qwen/Qwen3-32B (32.8B, 64 layers, 64 Q / 8 KV)' },
  'Qwen/Qwen3-30B-A3B': {
    layers: 48,
    heads: 32,
    kvHeads: 4,
    total: 30.5e9,
    active: 3.3e9,
    experts: [128, 8],
    source: 'https://huggingface.co/Qwen/Qwen3-30B-A3B (30.5B total, 3.3B activated, 128 experts, 8 activated)',
  },
  'Qwen/Qwen3-235B-A22B': { layers: 94, heads: 64, kvHeads: 4, total: 235e9, active: 22e9, experts: [128, 8], source: 'https://huggingface.co/Qwen/Qwen3-235B-A22B (235B total, 22B activated)' },
  'openai/gpt-oss-120b': {
    layers: 36,
    heads: 64,
    kvHeads: 8,
    total: 116.83e9 + 3_583_180_800 /* MXFP4 scales */,
    active: 5.13e9 + 201088 * 2880,
    experts: [128, 4],
    source: 'arXiv 2508.10925 table 1 (active excludes the input embedding)',
  },
  'openai/gpt-oss-20b': { layers: 24, heads: 64, kvHeads: 8, total: 20.91e9 + 597_196_800 /* MXFP4 scales */, active: 3.61e9 + 201088 * 2880, experts: [32, 4], source: 'arXiv 2508.10925 table 1' },
  'meta-llama/Llama-4-Scout-17B-16E-Instruct': {
    layers: 48,
    heads: 40,
    kvHeads: 8,
    total: 109e9,
    active: 17e9,
    experts: [16, 1],
    source: 'https://www.llama.com/models/llama-4/ (17B active, 16 experts, 109B total)',
  },
  'meta-llama/Llama-4-Maverick-17B-128E-Instruct': {
    layers: 48,
    heads: 40,
    kvHeads: 8,
    total: 400e9,
    active: 17e9,
    experts: [128, 1],
    source: 'https://www.llama.com/models/llama-4/ (17B active, 128 experts, 400B total)',
  },
  'deepseek-ai/DeepSeek-R1': {
    layers: 61,
    heads: 128,
    kvHeads: 128,
    total: 685e9,
    active: 37e9,
    experts: [256, 8],
    source: 'https://huggingface.co/deepseek-ai/DeepSeek-R1 (671B + 14B MTP = 685B, 37B activated)',
  },
  'moonshotai/Kimi-K2-Instruct': {
    layers: 61,
    heads: 64,
    kvHeads: 64,
    total: 1.04e12,
    active: 32e9,
    experts: [384, 8],
    source: 'https://huggingface.co/moonshotai/Kimi-K2-Instruct (1T total, 32B activated, 384 experts, 8 selected)',
  },
  'zai-org/GLM-4.5-Air': {
    layers: 46,
    heads: 96,
    kvHeads: 8,
    total: 106e9 + 3.62e9,
    active: 12e9,
    experts: [128, 8],
    source: 'https://huggingface.co/zai-org/GLM-4.5-Air (106B total, 12B active; + its MTP layer)',
  },
  'MiniMaxAI/MiniMax-M2': { layers: 62, heads: 48, kvHeads: 8, total: 230e9, active: 10e9, experts: [256, 8], source: 'https://huggingface.co/MiniMaxAI/MiniMax-M2 (230B total, 10B active)' },
  'microsoft/phi-4': { layers: 40, heads: 40, kvHeads: 10, total: 14.7e9, source: 'https://huggingface.co/microsoft/phi-4 (14B; 40 layers)' },
  'google/gemma-3-27b-it': { layers: 62, heads: 32, kvHeads: 16, total: 27.4e9, source: 'Gemma 3 technical report (arXiv 2503.19786) table 1: 27B, 62 layers' },
};

describe('catalog of today', () => {
  it('has every model the issue lists, resolvable by id', () => {
    for (const id of ISSUE_MODELS) expect(lookupModel(id).id).toBe(id);
  });

  it.each(TODAY_ENTRIES.map((e) => [e.id, e] as const))('%s: cites its config.json and published count; totalParams matches it', (_id, entry) => {
    const model = MODELS_TODAY.find((m) => m.id === entry.id)!;
    expect(model.sources).toEqual([configUrl(entry.id), entry.publishedSource]);
    const computed = modelFromConfig(entry.id, entry.config, { embedding: entry.embedding, dtype: entry.dtype }).totalParams;
    if (entry.totalBasis === 'published') expect(model.totalParams).toBe(entry.published);
    const tiedCopy = entry.caveats?.some((c) => c.includes('also stores lm_head'));
    // A tied checkpoint that also stores lm_head: published = computed + vocab x hidden, exactly.
    if (tiedCopy) expect(computed + model.vocabSize * model.hiddenSize).toBe(entry.published);
    else expect(Math.abs(computed - entry.published) / entry.published).toBeLessThan(0.01);
  });

  it.each(Object.entries(CARD))('%s: layers, heads, experts and parameters as its model card states', (id, card) => {
    const m = lookupModel(id);
    expect([m.layers, m.attentionHeads, m.kvHeads]).toEqual([card.layers, card.heads, card.kvHeads]);
    expect(Math.abs(m.totalParams - card.total) / card.total).toBeLessThan(0.02);
    if (card.active !== undefined) expect(Math.abs(m.activeParams! - card.active) / card.active).toBeLessThan(0.12);
    if (card.experts) expect([m.moe?.experts, m.moe?.expertsPerToken]).toEqual(card.experts);
  });

  it('embedding and rerank models are flagged for TEI (no KV cache)', () => {
    for (const id of [
      'BAAI/bge-m3',
      'BAAI/bge-large-en-v1.5',
      'BAAI/bge-base-en-v1.5',
      'intfloat/multilingual-e5-large',
      'nomic-ai/nomic-embed-text-v1.5',
      'BAAI/bge-reranker-v2-m3',
      'Qwen/Qwen3-Embedding-8B',
    ]) {
      expect([id, lookupModel(id).embedding]).toEqual([id, true]);
    }
    expect(lookupModel('BAAI/bge-m3').maxContextLength).toBe(8192);
  });

  it('native formats and layouts the sizing core reads', () => {
    expect(lookupModel('openai/gpt-oss-120b')).toMatchObject({ nativeQuantization: 'mxfp4', attentionSinks: true, slidingWindow: 128, slidingWindowLayers: 18 });
    expect(lookupModel('deepseek-ai/DeepSeek-R1')).toMatchObject({ nativeQuantization: 'fp8', mla: { kvLoraRank: 512, qkRopeHeadDim: 64 } });
    expect(lookupModel('deepseek-ai/DeepSeek-R1').mtpParams).toBeGreaterThan(13e9);
    expect(lookupModel('google/gemma-3-12b-it')).toMatchObject({ slidingWindow: 1024, slidingWindowLayers: 40 });
    expect(lookupModel('meta-llama/Llama-4-Maverick-17B-128E-Instruct')).toMatchObject({ attentionChunkSize: 8192, chunkedAttentionLayers: 36 });
    expect(lookupModel('google/gemma-3-4b-it').visionParams).toBe(416_866_032 + 2_950_272); // SigLIP tower + projector
  });
});
