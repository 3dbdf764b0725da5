/**
 * Architectures of the models in the calibration runs (test/fixtures/perf/calibration.csv) that the
 * catalog does not hold as benchmarked, from each model's config.json on the Hugging Face Hub (cited
 * per entry). Catalog models (Llama 3.1, and Qwen3-8B/14B/32B/30B-A3B/235B-A22B of lib/catalog/today,
 * whose exact config counts match the model cards' rounded figures) are looked up in the catalog: one
 * source of truth. Kept here, and why: DeepSeek-R1 (the catalog counts the MTP layer's 13.5B, which
 * serving without speculative decoding never reads), gpt-oss (the catalog counts the MXFP4 block scales
 * and the embedding in the totals; the model cards' 116.8B/5.1B are what the weights move),
 * MiniMax-M2.5, Kimi-K2.5 (INT4 release) and Qwen3-Coder-480B (not in the catalog).
 */
import { lookupModel } from '../../lib/catalog/models';
import type { ModelArchitecture } from '../../lib/catalog/types';

const config = (id: string) => `https://huggingface.co/${id}/blob/main/config.json`;

const DEEPSEEK_V3_MLA = { kvLoraRank: 512, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128, qLoraRank: 1536 } as const;

export const CALIBRATION_MODELS: readonly ModelArchitecture[] = [
  {
    id: 'deepseek-ai/DeepSeek-R1',
    totalParams: 671e9,
    activeParams: 37e9, // DeepSeek-V3 architecture (MTP module excluded)
    layers: 61,
    hiddenSize: 7168,
    intermediateSize: 2048,
    attentionHeads: 128,
    kvHeads: 128,
    headDim: 192,
    vocabSize: 129280,
    maxContextLength: 163840,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    moe: { experts: 256, expertsPerToken: 8, sharedExperts: 1 },
    mla: DEEPSEEK_V3_MLA,
    nativeQuantization: 'fp8',
    sources: [config('deepseek-ai/DeepSeek-R1')],
  },
  {
    id: 'openai/gpt-oss-120b',
    totalParams: 116.8e9,
    activeParams: 5.13e9, // model card: 117B total, 5.1B active
    layers: 36,
    hiddenSize: 2880,
    intermediateSize: 2880,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 64,
    vocabSize: 201088,
    maxContextLength: 131072,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    moe: { experts: 128, expertsPerToken: 4 },
    slidingWindow: 128,
    slidingWindowLayers: 18, // layer_types alternate sliding/full
    attentionSinks: true,
    nativeQuantization: 'mxfp4',
    sources: [config('openai/gpt-oss-120b')],
  },
  {
    id: 'MiniMaxAI/MiniMax-M2.5',
    totalParams: 229e9,
    activeParams: 10e9, // model card: 230B total, 10B active
    layers: 62,
    hiddenSize: 3072,
    intermediateSize: 1536,
    attentionHeads: 48,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 200064,
    maxContextLength: 196608,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    moe: { experts: 256, expertsPerToken: 8 },
    nativeQuantization: 'fp8',
    sources: [config('MiniMaxAI/MiniMax-M2.5')],
  },
  {
    id: 'moonshotai/Kimi-K2.5',
    totalParams: 1.04e12,
    activeParams: 32e9, // model card: 1T total, 32B activated (DeepSeek-V3 architecture)
    layers: 61,
    hiddenSize: 7168,
    intermediateSize: 2048,
    attentionHeads: 64,
    kvHeads: 64,
    headDim: 192,
    vocabSize: 163840,
    maxContextLength: 262144,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    moe: { experts: 384, expertsPerToken: 8, sharedExperts: 1 },
    mla: DEEPSEEK_V3_MLA,
    nativeQuantization: 'int4',
    sources: [config('moonshotai/Kimi-K2.5')],
  },
];

/**
 * More architectures of the same families, for scoring runs of other groups
 * (scripts/validate-performance.ts): not in the calibration fixture.
 */
export const OTHER_MODELS: readonly ModelArchitecture[] = [
  {
    id: 'openai/gpt-oss-20b',
    totalParams: 20.9e9,
    activeParams: 3.61e9, // model card: 21B total, 3.6B active
    layers: 24,
    hiddenSize: 2880,
    intermediateSize: 2880,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 64,
    vocabSize: 201088,
    maxContextLength: 131072,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    moe: { experts: 32, expertsPerToken: 4 },
    slidingWindow: 128,
    slidingWindowLayers: 12,
    attentionSinks: true,
    nativeQuantization: 'mxfp4',
    sources: [config('openai/gpt-oss-20b')],
  },
  {
    id: 'Qwen/Qwen3-Coder-480B-A35B-Instruct',
    totalParams: 480e9,
    activeParams: 35e9, // model card: 480B total, 35B activated
    layers: 62,
    hiddenSize: 6144,
    intermediateSize: 2560,
    attentionHeads: 96,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 151936,
    maxContextLength: 262144,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    moe: { experts: 160, expertsPerToken: 8 },
    sources: [config('Qwen/Qwen3-Coder-480B-A35B-Instruct')],
  },
];

/** Checkpoint ids that name another release of an architecture above (same config.json shapes). */
const ALIASES: Readonly<Record<string, string>> = {
  'deepseek-ai/DeepSeek-V3': 'deepseek-ai/DeepSeek-R1',
  'deepseek-ai/DeepSeek-V3-0324': 'deepseek-ai/DeepSeek-R1',
  'deepseek-ai/DeepSeek-V3.1': 'deepseek-ai/DeepSeek-R1', // same architecture as V3/R1
  'deepseek-ai/DeepSeek-R1-0528': 'deepseek-ai/DeepSeek-R1',
  'Qwen/Qwen3-235B-A22B-Instruct-2507': 'Qwen/Qwen3-235B-A22B',
  'Qwen/Qwen3-235B-A22B-Thinking-2507': 'Qwen/Qwen3-235B-A22B',
  'Qwen/Qwen3-30B-A3B-Instruct-2507': 'Qwen/Qwen3-30B-A3B',
  'moonshotai/Kimi-K2-Instruct': 'moonshotai/Kimi-K2.5',
  'moonshotai/Kimi-K2-Thinking': 'moonshotai/Kimi-K2.5',
  'MiniMaxAI/MiniMax-M2': 'MiniMaxAI/MiniMax-M2.5',
  'MiniMaxAI/MiniMax-M2.1': 'MiniMaxAI/MiniMax-M2.5',
};

/** `nvidia/Qwen3-32B-NVFP4` -> `Qwen3-32B`: the model name of a pre-quantized export. */
function exportedName(modelPath: string): string {
  return (modelPath.split('/').pop() ?? modelPath).replace(/-(FP8|NVFP4|FP4|MXFP4|INT4|W4A16|AWQ)$/i, '');
}

/** The architecture of a run's `model_path`, or undefined when neither these tables nor the catalog knows it. */
export function calibrationModel(modelPath: string): ModelArchitecture | undefined {
  const all = [...CALIBRATION_MODELS, ...OTHER_MODELS];
  const byId = (id: string) => all.find((m) => m.id.toLowerCase() === id.toLowerCase());
  const byName = (name: string) => {
    const aliased = Object.keys(ALIASES).find((k) => k.split('/')[1].toLowerCase() === name.toLowerCase());
    return byId(aliased ? ALIASES[aliased] : '') ?? all.find((m) => m.id.split('/')[1].toLowerCase() === name.toLowerCase());
  };
  const own = byId(ALIASES[modelPath] ?? modelPath) ?? byName(exportedName(modelPath));
  if (own) return own;
  const aliasOfName = Object.keys(ALIASES).find((k) => k.split('/')[1].toLowerCase() === exportedName(modelPath).toLowerCase());
  for (const id of [ALIASES[modelPath], modelPath, aliasOfName && ALIASES[aliasOfName], exportedName(modelPath)]) {
    if (id === undefined) continue;
    try {
      return lookupModel(id);
    } catch {
      // not in the catalog either
    }
  }
  return undefined;
}
