/**
 * Model-architecture catalog: the open-weight models llm-constructs knows by hub id.
 *
 * Every figure comes from table C of test/fixtures/catalog-facts/catalog-facts.md (the models' Hugging Face
 * `config.json`, cross-checked against the Hub's safetensors parameter counts); each entry cites its
 * config.json in `sources`. Any other Hugging Face model can be passed as a `ModelArchitecture`
 * object; `validateModelArchitecture()` checks such objects.
 */
import { describe } from '../describe';
import { SizingError } from '../errors';
import { nearestNames } from './nearest';
import { lookupModelRecord, modelsDirectory } from './model-records';
import { MODELS_TODAY } from './today';
import type { ModelArchitecture, ModelVariant } from './types';

/** The config.json of a hub repo (the source cited by table C). */
function config(hubId: string): string {
  return `https://huggingface.co/${hubId}/blob/main/config.json`;
}

const GEMMA2_SLIDING_WINDOW_CAVEAT =
  'Sliding-window attention (window 4096) on every other layer: engines without a hybrid KV-cache ' +
  "allocator reserve full-length KV for all layers, so full-length KV is an upper bound; vLLM's " +
  'hybrid KV-cache manager allocates the sliding-window layers up to the window only.';
/*
 * GEMMA2_LAYER_TYPES_SOURCE: which Gemma 2 layers slide. Gemma 2's config.json has no `layer_types`;
 * vLLM reads `config.layer_types[layer_idx] == "sliding_attention"` (vllm-project/vllm
 * vllm/model_executor/models/gemma2.py @ 02cda6e420ccbe364f285b71c512780e8589c649, Gemma2Attention),
 * and transformers' Gemma2Config defaults it to sliding on every even layer index, as the original
 * Gemma2DecoderLayer `is_sliding = not bool(layer_idx % 2)` did: ceil(layers / 2) sliding layers.
 */
const GEMMA2_FLOAT32_CAVEAT = 'The base checkpoint is stored in float32 (config torch_dtype float32, 4 bytes per parameter as ' + 'downloaded); the -it release is bfloat16.';

/** Text KV of the Llama-3.2 Vision models covers only the self-attention layers. */
function visionKvCaveat(selfAttentionLayers: number, layers: number): string {
  return (
    `KV cache per text token covers the ${selfAttentionLayers} self-attention layers of ${layers}; ` +
    `the ${layers - selfAttentionLayers} cross-attention layers hold KV for the image tokens of each ` +
    'request with images, which comes on top.'
  );
}

/** Llama-3.1-70B; Llama-3.3-70B-Instruct is the same architecture (spread below). */
const LLAMA_3_1_70B: ModelArchitecture = {
  id: 'meta-llama/Llama-3.1-70B',
  gated: true, // https://huggingface.co/meta-llama/Llama-3.1-70B: gated (Llama license; accept it to download)
  totalParams: 70_553_706_496,
  layers: 80,
  hiddenSize: 8192,
  intermediateSize: 28672,
  attentionHeads: 64,
  kvHeads: 8,
  headDim: 128,
  vocabSize: 128256,
  maxContextLength: 131072,
  dtype: 'bfloat16',
  tiedEmbeddings: false,
  sources: [config('meta-llama/Llama-3.1-70B')],
};

export const MODELS: readonly ModelArchitecture[] = [
  // --- Mistral AI ---------------------------------------------------------------------------------
  {
    id: 'mistralai/Mistral-7B-v0.3',
    gated: true, // https://huggingface.co/mistralai/Mistral-7B-v0.3: gated (Mistral AI terms; accept it to download)
    totalParams: 7_248_023_552,
    layers: 32,
    hiddenSize: 4096,
    intermediateSize: 14336,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 32768,
    maxContextLength: 32768,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    // sliding_window is null in the v0.3 config: no slidingWindow.
    sources: [config('mistralai/Mistral-7B-v0.3')],
  },
  {
    id: 'mistralai/Mixtral-8x7B-v0.1',
    gated: true, // https://huggingface.co/mistralai/Mixtral-8x7B-v0.1: gated (Mistral AI terms; accept it to download)
    totalParams: 46_702_792_704,
    activeParams: 12_879_138_816,
    layers: 32,
    hiddenSize: 4096,
    intermediateSize: 14336, // per expert
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 32000,
    maxContextLength: 32768,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    moe: { experts: 8, expertsPerToken: 2 },
    sources: [config('mistralai/Mixtral-8x7B-v0.1')],
  },
  {
    id: 'mistralai/Mixtral-8x22B-v0.1',
    gated: true, // https://huggingface.co/mistralai/Mixtral-8x22B-v0.1: gated (Mistral AI terms; accept it to download)
    totalParams: 140_630_071_296, // Mistral rounds it to 141B
    activeParams: 39.2e9, // table C gives 39.2B (Mistral: 39B); no exact integer published there
    layers: 56,
    hiddenSize: 6144,
    intermediateSize: 16384, // per expert
    attentionHeads: 48,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 32768, // the mistral-community/Mixtral-8x22B-v0.1 copy has 32000
    maxContextLength: 65536,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    moe: { experts: 8, expertsPerToken: 2 },
    sources: [config('mistralai/Mixtral-8x22B-v0.1')],
  },
  {
    id: 'mistralai/Codestral-22B-v0.1',
    gated: true, // https://huggingface.co/mistralai/Codestral-22B-v0.1: gated (Mistral AI terms; accept it to download)
    totalParams: 22_247_282_688,
    layers: 56,
    hiddenSize: 6144,
    intermediateSize: 16384,
    attentionHeads: 48,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 32768,
    maxContextLength: 32768,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    sources: [config('mistralai/Codestral-22B-v0.1')],
  },

  // --- Meta Llama 3.1 / 3.2 / 3.3 -----------------------------------------------------------------
  {
    id: 'meta-llama/Llama-3.1-8B',
    gated: true, // https://huggingface.co/meta-llama/Llama-3.1-8B: gated (Llama license; accept it to download)
    totalParams: 8_030_261_248,
    layers: 32,
    hiddenSize: 4096,
    intermediateSize: 14336,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 128256,
    maxContextLength: 131072,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    sources: [config('meta-llama/Llama-3.1-8B')],
  },
  LLAMA_3_1_70B,
  {
    id: 'meta-llama/Llama-3.1-405B',
    gated: true, // https://huggingface.co/meta-llama/Llama-3.1-405B: gated (Llama license; accept it to download)
    totalParams: 405_853_388_800,
    layers: 126,
    hiddenSize: 16384,
    intermediateSize: 53248,
    attentionHeads: 128,
    kvHeads: 8, // current official config and the Llama 3 paper (early community copies showed 16)
    headDim: 128,
    vocabSize: 128256,
    maxContextLength: 131072,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    sources: [config('meta-llama/Llama-3.1-405B')],
  },
  {
    id: 'meta-llama/Llama-3.2-1B',
    gated: true, // https://huggingface.co/meta-llama/Llama-3.2-1B: gated (Llama license; accept it to download)
    totalParams: 1_235_814_400,
    layers: 16,
    hiddenSize: 2048,
    intermediateSize: 8192,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 64,
    vocabSize: 128256,
    maxContextLength: 131072,
    dtype: 'bfloat16',
    tiedEmbeddings: true,
    sources: [config('meta-llama/Llama-3.2-1B')],
  },
  {
    id: 'meta-llama/Llama-3.2-3B',
    gated: true, // https://huggingface.co/meta-llama/Llama-3.2-3B: gated (Llama license; accept it to download)
    totalParams: 3_212_749_824,
    layers: 28,
    hiddenSize: 3072,
    intermediateSize: 8192,
    attentionHeads: 24,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 128256,
    maxContextLength: 131072,
    dtype: 'bfloat16',
    tiedEmbeddings: true,
    sources: [config('meta-llama/Llama-3.2-3B')],
  },
  {
    // Figures of the text_config (MllamaForConditionalGeneration). 40 layers = 32 self-attention +
    // 8 cross-attention (layers 3, 8, 13, ..., 38); the vision tower has 32 layers of hidden 1280.
    // The HF weights' embedding has 128264 rows (128256 + the image token); vocabSize is text_config's.
    // intermediate_size is not in the facts: left unset.
    id: 'meta-llama/Llama-3.2-11B-Vision',
    gated: true, // https://huggingface.co/meta-llama/Llama-3.2-11B-Vision: gated (Llama license; accept it to download)
    totalParams: 10.7e9, // HF page (not recomputed: gated config)
    layers: 40,
    kvCacheLayers: 32,
    hiddenSize: 4096,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 128256,
    maxContextLength: 131072,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    caveats: [visionKvCaveat(32, 40)],
    sources: [config('meta-llama/Llama-3.2-11B-Vision'), 'https://huggingface.co/meta-llama/Llama-3.2-11B-Vision'],
  },
  {
    // text_config: 100 layers = 80 self-attention + 20 cross-attention. Layer counts and parameter
    // count were not re-read from the gated config (catalog-facts "Gaps").
    id: 'meta-llama/Llama-3.2-90B-Vision',
    gated: true, // https://huggingface.co/meta-llama/Llama-3.2-90B-Vision: gated (Llama license; accept it to download)
    totalParams: 88.6e9, // HF page
    layers: 100,
    kvCacheLayers: 80,
    hiddenSize: 8192,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 128256,
    maxContextLength: 131072,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    caveats: [visionKvCaveat(80, 100)],
    sources: [config('meta-llama/Llama-3.2-90B-Vision'), 'https://huggingface.co/meta-llama/Llama-3.2-90B-Vision'],
  },
  {
    // Instruct-only release with the Llama-3.1-70B architecture (table C: "same arch as Llama-3.1-70B"):
    // its own id, config, context and licence gate; a base model of its own in table C, so not a MODEL_VARIANTS entry.
    ...LLAMA_3_1_70B,
    id: 'meta-llama/Llama-3.3-70B-Instruct',
    gated: true, // https://huggingface.co/meta-llama/Llama-3.3-70B-Instruct: gated (Llama license; accept it to download)
    maxContextLength: 131072,
    sources: [config('meta-llama/Llama-3.3-70B-Instruct')],
  },

  // --- Qwen 2.5 (q/k/v projections carry biases) ----------------------------------------------------
  {
    id: 'Qwen/Qwen2.5-7B',
    totalParams: 7_615_616_512,
    layers: 28,
    hiddenSize: 3584,
    intermediateSize: 18944,
    attentionHeads: 28,
    kvHeads: 4,
    headDim: 128,
    vocabSize: 152064,
    maxContextLength: 131072,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    sources: [config('Qwen/Qwen2.5-7B')],
  },
  {
    id: 'Qwen/Qwen2.5-32B',
    totalParams: 32_763_876_352,
    layers: 64,
    hiddenSize: 5120,
    intermediateSize: 27648,
    attentionHeads: 40,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 152064,
    maxContextLength: 131072,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    sources: [config('Qwen/Qwen2.5-32B')],
  },
  {
    id: 'Qwen/Qwen2.5-72B',
    totalParams: 72_706_203_648,
    layers: 80,
    hiddenSize: 8192,
    intermediateSize: 29568,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 152064,
    maxContextLength: 131072,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    sources: [config('Qwen/Qwen2.5-72B')],
  },

  // --- Google Gemma 2 -----------------------------------------------------------------------------
  {
    id: 'google/gemma-2-9b',
    gated: true, // https://huggingface.co/google/gemma-2-9b: gated (Gemma terms; accept it to download)
    totalParams: 9_241_705_984,
    layers: 42,
    hiddenSize: 3584,
    intermediateSize: 14336,
    attentionHeads: 16,
    kvHeads: 8,
    headDim: 256, // explicit head_dim, not hidden_size / heads
    vocabSize: 256000,
    maxContextLength: 8192,
    dtype: 'float32',
    tiedEmbeddings: true,
    slidingWindow: 4096,
    slidingWindowLayers: 21, // even layers 0, 2, .. 40 of 42: GEMMA2_LAYER_TYPES_SOURCE
    caveats: [GEMMA2_SLIDING_WINDOW_CAVEAT, GEMMA2_FLOAT32_CAVEAT],
    sources: [config('google/gemma-2-9b')],
  },
  {
    id: 'google/gemma-2-27b',
    gated: true, // https://huggingface.co/google/gemma-2-27b: gated (Gemma terms; accept it to download)
    totalParams: 27_227_128_320,
    layers: 46,
    hiddenSize: 4608,
    intermediateSize: 36864,
    attentionHeads: 32,
    kvHeads: 16,
    headDim: 128,
    vocabSize: 256000,
    maxContextLength: 8192,
    dtype: 'float32',
    tiedEmbeddings: true,
    slidingWindow: 4096,
    slidingWindowLayers: 23, // even layers 0, 2, .. 44 of 46: GEMMA2_LAYER_TYPES_SOURCE
    caveats: [GEMMA2_SLIDING_WINDOW_CAVEAT, GEMMA2_FLOAT32_CAVEAT],
    sources: [config('google/gemma-2-27b')],
  },

  // --- Microsoft Phi-3 ----------------------------------------------------------------------------
  {
    id: 'microsoft/Phi-3-mini-4k-instruct',
    totalParams: 3_821_079_552,
    layers: 32,
    hiddenSize: 3072,
    intermediateSize: 8192,
    attentionHeads: 32,
    kvHeads: 32, // MHA
    headDim: 96,
    vocabSize: 32064,
    maxContextLength: 4096,
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    slidingWindow: 2047,
    caveats: ['config.json sets sliding_window 2047; engines that ignore it reserve full-length KV, which is ' + 'therefore an upper bound.'],
    sources: [config('microsoft/Phi-3-mini-4k-instruct')],
  },

  // --- OpenAI GPT-2 (config keys n_layer / n_embd / n_head / n_positions) ---------------------------
  {
    // intermediate size (n_inner) is not in the facts: left unset.
    id: 'openai-community/gpt2',
    totalParams: 124_439_808,
    layers: 12,
    hiddenSize: 768,
    attentionHeads: 12,
    kvHeads: 12, // MHA
    headDim: 64,
    vocabSize: 50257,
    maxContextLength: 1024,
    dtype: 'float32', // config.json sets no torch_dtype; the weights are fp32
    tiedEmbeddings: true,
    caveats: ['config.json sets no torch_dtype; the weights are stored in float32.'],
    sources: [config('openai-community/gpt2')],
  },

  // --- DeepSeek-V3 (MoE + multi-head latent attention) ----------------------------------------------
  {
    id: 'deepseek-ai/DeepSeek-V3',
    totalParams: 671e9, // main model, MTP module excluded (685B with it)
    activeParams: 37e9,
    layers: 61, // first 3 dense (first_k_dense_replace = 3), the other 58 MoE
    hiddenSize: 7168,
    intermediateSize: 2048, // moe_intermediate_size (per expert); the 3 dense layers' size is not in the facts
    attentionHeads: 128,
    kvHeads: 128, // nominal: MLA caches one latent per layer, not per-head K/V
    headDim: 192, // qk_nope_head_dim 128 + qk_rope_head_dim 64 (query/key head size; v_head_dim is 128)
    vocabSize: 129280,
    maxContextLength: 163840, // YaRN factor 40 over 4096
    dtype: 'bfloat16',
    tiedEmbeddings: false,
    moe: { experts: 256, expertsPerToken: 8, sharedExperts: 1 },
    mla: { kvLoraRank: 512, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128, qLoraRank: 1536 },
    caveats: [
      'Multi-head latent attention: the KV cache holds one latent of kv_lora_rank + qk_rope_head_dim = ' +
        '576 values per layer and token (61 x 576 x 2 B = 70,272 B/token in bf16; 35,136 B with an fp8 ' +
        'KV cache); 2 x layers x kvHeads x headDim does not apply. vLLM counts MLA as 1 KV head per rank.',
      'The checkpoint ships FP8 (e4m3) weights, block-quantized 128x128 (config quantization_config), ' + 'although torch_dtype is bfloat16.',
      'totalParams is the 671B main model; the checkpoint also holds a 14B multi-token-prediction (MTP) ' + 'module, 685B in all.',
    ],
    sources: [config('deepseek-ai/DeepSeek-V3'), 'vllm-project/vllm vllm/v1/kv_cache_interface.py (MLAAttentionSpec)'],
  },
];

/**
 * Every catalog model: table C (`MODELS`, 2024 and before) and the catalog of today (`MODELS_TODAY`,
 * built from config.json files by modelFromConfig in ./today). Lookups and `llm-constructs catalog` use this.
 */
export const ALL_MODELS: readonly ModelArchitecture[] = [...MODELS, ...MODELS_TODAY];
export { MODELS_TODAY };

const QWEN_INSTRUCT_OVERRIDES = {
  maxContextLength: 32768,
  caveats: ['The -Instruct config sets max_position_embeddings 32768; YaRN rope scaling to 128K is optional.'],
} as const;
const GEMMA_IT_OVERRIDES = { dtype: 'bfloat16', caveats: [GEMMA2_SLIDING_WINDOW_CAVEAT] } as const;

/**
 * Instruct / -it releases that share an architecture with a catalog entry. Overrides only where table
 * C says their config differs; the other variants' configs are the same as their base's.
 */
export const MODEL_VARIANTS: readonly ModelVariant[] = [
  { id: 'mistralai/Mistral-7B-Instruct-v0.3', baseId: 'mistralai/Mistral-7B-v0.3', source: config('mistralai/Mistral-7B-Instruct-v0.3') },
  { id: 'mistralai/Mixtral-8x7B-Instruct-v0.1', baseId: 'mistralai/Mixtral-8x7B-v0.1', source: config('mistralai/Mixtral-8x7B-Instruct-v0.1') },
  { id: 'mistralai/Mixtral-8x22B-Instruct-v0.1', baseId: 'mistralai/Mixtral-8x22B-v0.1', source: config('mistralai/Mixtral-8x22B-Instruct-v0.1') },
  { id: 'meta-llama/Llama-3.1-8B-Instruct', baseId: 'meta-llama/Llama-3.1-8B', source: config('meta-llama/Llama-3.1-8B-Instruct') },
  { id: 'meta-llama/Llama-3.1-70B-Instruct', baseId: 'meta-llama/Llama-3.1-70B', source: config('meta-llama/Llama-3.1-70B-Instruct') },
  { id: 'meta-llama/Llama-3.1-405B-Instruct', baseId: 'meta-llama/Llama-3.1-405B', source: config('meta-llama/Llama-3.1-405B-Instruct') },
  { id: 'meta-llama/Llama-3.2-1B-Instruct', baseId: 'meta-llama/Llama-3.2-1B', source: config('meta-llama/Llama-3.2-1B-Instruct') },
  { id: 'meta-llama/Llama-3.2-3B-Instruct', baseId: 'meta-llama/Llama-3.2-3B', source: config('meta-llama/Llama-3.2-3B-Instruct') },
  {
    id: 'meta-llama/Llama-3.2-11B-Vision-Instruct',
    baseId: 'meta-llama/Llama-3.2-11B-Vision',
    source: config('meta-llama/Llama-3.2-11B-Vision-Instruct'),
  },
  {
    id: 'meta-llama/Llama-3.2-90B-Vision-Instruct',
    baseId: 'meta-llama/Llama-3.2-90B-Vision',
    source: config('meta-llama/Llama-3.2-90B-Vision-Instruct'),
  },
  { id: 'Qwen/Qwen2.5-7B-Instruct', baseId: 'Qwen/Qwen2.5-7B', overrides: QWEN_INSTRUCT_OVERRIDES, source: config('Qwen/Qwen2.5-7B-Instruct') },
  { id: 'Qwen/Qwen2.5-32B-Instruct', baseId: 'Qwen/Qwen2.5-32B', overrides: QWEN_INSTRUCT_OVERRIDES, source: config('Qwen/Qwen2.5-32B-Instruct') },
  { id: 'Qwen/Qwen2.5-72B-Instruct', baseId: 'Qwen/Qwen2.5-72B', overrides: QWEN_INSTRUCT_OVERRIDES, source: config('Qwen/Qwen2.5-72B-Instruct') },
  { id: 'google/gemma-2-9b-it', baseId: 'google/gemma-2-9b', overrides: GEMMA_IT_OVERRIDES, source: config('google/gemma-2-9b-it') },
  { id: 'google/gemma-2-27b-it', baseId: 'google/gemma-2-27b', overrides: GEMMA_IT_OVERRIDES, source: config('google/gemma-2-27b-it') },
  {
    // Table C gives only max_position_embeddings for the 128k config. The 4k config's sliding_window
    // 2047 (and its caveat) are not carried over: without the 128k value, full-length KV is the safe
    // estimate.
    id: 'microsoft/Phi-3-mini-128k-instruct',
    baseId: 'microsoft/Phi-3-mini-4k-instruct',
    overrides: { maxContextLength: 131072, slidingWindow: undefined, caveats: undefined },
    source: config('microsoft/Phi-3-mini-128k-instruct'),
  },
  {
    // Facts D4: "DeepSeek-R1-Distill-Llama-8B (Llama-3.1-8B architecture)", measured on vLLM.
    id: 'deepseek-ai/DeepSeek-R1-Distill-Llama-8B',
    baseId: 'meta-llama/Llama-3.1-8B',
    source: 'https://github.com/awslabs/data-on-eks/blob/203430549f008325cf24fa6d5410d18ec42e860c/website/docs/gen-ai/inference/GPUs/ray-vllm-deepseek.md',
  },
];

// --- Lookup ---------------------------------------------------------------------------------------

/** A variant as a full architecture: base fields, then its overrides, with its own id and source first. */
function resolveVariant(variant: ModelVariant, base: ModelArchitecture): ModelArchitecture {
  const merged: Record<string, unknown> = {
    ...base,
    ...variant.overrides,
    id: variant.id,
    sources: [variant.source, ...(base.sources ?? [])],
  };
  // An override of `undefined` removes the base's field.
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return Object.freeze(merged) as unknown as ModelArchitecture;
}

interface ModelIndex {
  /** Lowercased full hub id -> architecture. */
  readonly byId: ReadonlyMap<string, ModelArchitecture>;
  /** Lowercased repo name without the org -> every architecture with that name. */
  readonly byName: ReadonlyMap<string, readonly ModelArchitecture[]>;
  /** All known ids (base and variants), for suggestions. */
  readonly ids: readonly string[];
}

function buildIndex(): ModelIndex {
  const byId = new Map<string, ModelArchitecture>();
  const byName = new Map<string, ModelArchitecture[]>();
  const add = (model: ModelArchitecture): void => {
    const key = model.id.toLowerCase();
    if (byId.has(key)) throw new Error(`llm-constructs catalog: duplicate model id ${model.id}`);
    byId.set(key, model);
    const name = key.slice(key.lastIndexOf('/') + 1);
    byName.set(name, [...(byName.get(name) ?? []), model]);
  };
  for (const model of ALL_MODELS) add(Object.freeze(model));
  for (const variant of MODEL_VARIANTS) {
    const base = byId.get(variant.baseId.toLowerCase());
    if (base === undefined) throw new Error(`llm-constructs catalog: variant ${variant.id} has unknown base ${variant.baseId}`);
    add(resolveVariant(variant, base));
  }
  return { byId, byName, ids: [...byId.values()].map((model) => model.id) };
}

const INDEX = buildIndex();

/**
 * The catalog architecture of a hub id: case-insensitive on the full id (`meta-llama/Llama-3.1-8B`),
 * or the repo name alone (`Llama-3.1-8B`) when only one catalog model has it. Variants (`-Instruct`,
 * `-it`) resolve to their base's architecture with their own id and overrides.
 */
export function lookupModel(id: string): ModelArchitecture {
  if (typeof id !== 'string' || id.trim() === '') {
    throw new SizingError('invalid-model', `model must be a non-empty Hugging Face hub id such as "meta-llama/Llama-3.1-8B", or a ModelArchitecture object; got ${describe(id)}.`, {
      field: 'model',
      suggestions: ["model: 'meta-llama/Llama-3.1-8B-Instruct'", 'a ModelArchitecture object with the fields of its config.json'],
    });
  }
  const wanted = id.trim().toLowerCase();
  const exact = INDEX.byId.get(wanted);
  if (exact !== undefined) return exact;
  if (!wanted.includes('/')) {
    const named = INDEX.byName.get(wanted) ?? [];
    if (named.length === 1) return named[0];
    if (named.length > 1) {
      throw new SizingError('unknown-model', `model "${id}" matches several catalog models; give the full hub id (organisation/name).`, {
        field: 'model',
        suggestions: named.map((model) => model.id),
      });
    }
  }
  const recorded = lookupModelRecord(id.trim());
  if (recorded !== undefined) return recorded;
  throw new SizingError(
    'unknown-model',
    `Unknown model "${id}": it is not in the llm-constructs catalog, nor recorded in ${modelsDirectory()}. ` +
      'Any Hugging Face model can be added with `llm-constructs model add <hub id>` (writes a record there), or ' +
      'passed as a ModelArchitecture object (modelFromConfig(id, configJson) builds one).',
    {
      field: 'model',
      suggestions: [...nearestNames(id, INDEX.ids, 3), ...(id.includes('/') ? [`llm-constructs model add ${id.trim()}`] : [])],
    },
  );
}

export { validateModelArchitecture, weightParamSplit } from './validate-model';
