/**
 * Checks of user-supplied architectures (any Hugging Face model, a config.json read by modelFromConfig,
 * a record written by `llm-constructs model add`) and the weight split quantization needs. Kept apart
 * from the catalog data so that modules the catalog is built from can use it.
 */
import { describe } from '../describe';
import { SizingError } from '../errors';
import type { ModelArchitecture } from './types';

// --- Validation of user-supplied architectures ----------------------------------------------------

/** Where each field comes from (mostly a Hugging Face config.json key), for error messages. */
const FIELD_ORIGINS: Readonly<Record<string, string>> = {
  totalParams: 'the parameter count on the Hugging Face model page',
  activeParams: 'the parameters used per token (MoE)',
  layers: 'config.json num_hidden_layers',
  hiddenSize: 'config.json hidden_size',
  intermediateSize: 'config.json intermediate_size',
  attentionHeads: 'config.json num_attention_heads',
  kvHeads: 'config.json num_key_value_heads',
  headDim: 'config.json head_dim, or hidden_size / num_attention_heads',
  vocabSize: 'config.json vocab_size',
  maxContextLength: 'config.json max_position_embeddings',
  dtype: 'config.json torch_dtype',
  tiedEmbeddings: 'config.json tie_word_embeddings',
  kvCacheLayers: 'the number of layers that cache text-token KV',
  slidingWindow: 'config.json sliding_window',
  experts: 'config.json num_local_experts or n_routed_experts',
  expertsPerToken: 'config.json num_experts_per_tok',
  sharedExperts: 'config.json n_shared_experts',
  kvLoraRank: 'config.json kv_lora_rank',
  qkRopeHeadDim: 'config.json qk_rope_head_dim',
  qkNopeHeadDim: 'config.json qk_nope_head_dim',
  vHeadDim: 'config.json v_head_dim',
  qLoraRank: 'config.json q_lora_rank',
};

const DTYPES: readonly string[] = ['bfloat16', 'float16', 'float32'];
/** Optional layer-layout and checkpoint counts (positive integers when present). */
const LAYOUT_COUNTS = ['slidingWindowLayers', 'attentionChunkSize', 'chunkedAttentionLayers', 'linearAttentionLayers', 'linearStateBytesPerLayer', 'visionParams', 'mtpParams'] as const;

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a user-supplied architecture (any Hugging Face model) and returns it. Throws a SizingError
 * `invalid-model-architecture` naming the field (`model.layers`), the bad value and what is expected.
 */
export function validateModelArchitecture(arch: unknown, field = 'model'): ModelArchitecture {
  const fail = (name: string, value: unknown, expected: string): never => {
    const key = name.slice(name.lastIndexOf('.') + 1);
    const origin = FIELD_ORIGINS[key];
    throw new SizingError('invalid-model-architecture', `${name} is ${describe(value, 'json')}; expected ${expected}${origin ? ` (from ${origin})` : ''}.`, {
      field: name,
      suggestions: [`${name}: ${expected}${origin ? ` (from ${origin})` : ''}`],
    });
  };
  if (!isRecord(arch)) {
    return fail(field, arch, 'a ModelArchitecture object (id, totalParams, layers, hiddenSize, ...) or a catalog id');
  }
  const positiveInteger = (record: Record<string, unknown>, key: string, prefix: string, optional = false): void => {
    const value = record[key];
    if (optional && value === undefined) return;
    if (!isPositiveInteger(value)) fail(`${prefix}.${key}`, value, 'a positive integer');
  };

  if (typeof arch.id !== 'string' || arch.id.trim() === '') fail(`${field}.id`, arch.id, 'a non-empty string (the hub id)');
  for (const key of ['totalParams', 'layers', 'hiddenSize', 'attentionHeads', 'kvHeads', 'headDim', 'vocabSize', 'maxContextLength']) {
    positiveInteger(arch, key, field);
  }
  for (const key of ['activeParams', 'intermediateSize', 'kvCacheLayers', 'slidingWindow', ...LAYOUT_COUNTS]) {
    positiveInteger(arch, key, field, true);
  }
  if (typeof arch.dtype !== 'string' || !DTYPES.includes(arch.dtype)) {
    fail(`${field}.dtype`, arch.dtype, `one of ${DTYPES.map((dtype) => `'${dtype}'`).join(', ')}`);
  }
  if (typeof arch.tiedEmbeddings !== 'boolean') fail(`${field}.tiedEmbeddings`, arch.tiedEmbeddings, 'true or false');
  if (arch.embedding !== undefined && typeof arch.embedding !== 'boolean') fail(`${field}.embedding`, arch.embedding, 'true or false');
  if (arch.gated !== undefined && typeof arch.gated !== 'boolean') fail(`${field}.gated`, arch.gated, 'true or false');
  if (arch.attentionSinks !== undefined && typeof arch.attentionSinks !== 'boolean') fail(`${field}.attentionSinks`, arch.attentionSinks, 'true or false');
  if (arch.nativeQuantization !== undefined && typeof arch.nativeQuantization !== 'string') {
    fail(`${field}.nativeQuantization`, arch.nativeQuantization, "a format name such as 'mxfp4' or 'fp8'");
  }
  for (const key of ['caveats', 'sources']) {
    const list = arch[key];
    if (list !== undefined && !(Array.isArray(list) && list.every((entry) => typeof entry === 'string'))) {
      fail(`${field}.${key}`, list, 'an array of strings');
    }
  }

  const numbers = arch as Record<string, number>;
  if (arch.moe !== undefined) {
    if (!isRecord(arch.moe)) fail(`${field}.moe`, arch.moe, 'an object { experts, expertsPerToken, sharedExperts? }');
    const moe = arch.moe as Record<string, unknown>;
    positiveInteger(moe, 'experts', `${field}.moe`);
    positiveInteger(moe, 'expertsPerToken', `${field}.moe`);
    if ((moe.expertsPerToken as number) > (moe.experts as number)) {
      fail(`${field}.moe.expertsPerToken`, moe.expertsPerToken, `at most moe.experts (${moe.experts as number})`);
    }
    const shared = moe.sharedExperts;
    if (shared !== undefined && !(typeof shared === 'number' && Number.isInteger(shared) && shared >= 0)) {
      fail(`${field}.moe.sharedExperts`, shared, 'a non-negative integer');
    }
  }
  if (arch.mla !== undefined) {
    if (!isRecord(arch.mla)) {
      fail(`${field}.mla`, arch.mla, 'an object { kvLoraRank, qkRopeHeadDim, qkNopeHeadDim, vHeadDim, qLoraRank? }');
    }
    const mla = arch.mla as Record<string, unknown>;
    for (const key of ['kvLoraRank', 'qkRopeHeadDim', 'qkNopeHeadDim', 'vHeadDim']) positiveInteger(mla, key, `${field}.mla`);
    positiveInteger(mla, 'qLoraRank', `${field}.mla`, true);
  }

  if (numbers.kvHeads > numbers.attentionHeads) {
    fail(`${field}.kvHeads`, numbers.kvHeads, `at most attentionHeads (${numbers.attentionHeads})`);
  }
  if (arch.mla === undefined && numbers.attentionHeads % numbers.kvHeads !== 0) {
    fail(`${field}.kvHeads`, numbers.kvHeads, `a divisor of attentionHeads (${numbers.attentionHeads})`);
  }
  for (const key of ['slidingWindowLayers', 'chunkedAttentionLayers', 'linearAttentionLayers'] as const) {
    if (arch[key] !== undefined && numbers[key] > numbers.layers) fail(`${field}.${key}`, numbers[key], `at most layers (${numbers.layers})`);
  }
  if (arch.kvCacheLayers !== undefined && numbers.kvCacheLayers > numbers.layers) {
    fail(`${field}.kvCacheLayers`, numbers.kvCacheLayers, `at most layers (${numbers.layers})`);
  }
  if (arch.activeParams !== undefined && numbers.activeParams > numbers.totalParams) {
    fail(`${field}.activeParams`, numbers.activeParams, `at most totalParams (${numbers.totalParams})`);
  }
  return arch as unknown as ModelArchitecture;
}

// --- Weights ---------------------------------------------------------------------------------------

/**
 * Splits the parameters into the token embedding + lm_head (`vocab x hidden`, once when tied, twice
 * when not) and the rest. Weight-only quantization (AWQ/GPTQ) packs the rest and keeps the embedding
 * and lm_head in 16-bit (facts D6). `linearParams` is `totalParams - embeddingParams`, so it also holds
 * the small norm weights (and biases, and GPT-2's position embedding), which such formats keep in 16-bit
 * too: Llama-3.1-8B has 266,240 of them beside its 6,979,321,856 Linear-layer weights.
 */
export function weightParamSplit(model: ModelArchitecture): { embeddingParams: number; linearParams: number } {
  const embeddingParams = model.vocabSize * model.hiddenSize * (model.tiedEmbeddings ? 1 : 2);
  if (embeddingParams > model.totalParams) {
    throw new SizingError(
      'invalid-model-architecture',
      `model.totalParams is ${model.totalParams}, fewer than the ${embeddingParams} embedding/lm_head ` +
        `parameters of vocabSize x hiddenSize${model.tiedEmbeddings ? '' : ' x 2 (untied)'} for ${model.id}.`,
      { field: 'model.totalParams', suggestions: [`model.totalParams: at least ${embeddingParams} (all parameters, embeddings included)`] },
    );
  }
  return { embeddingParams, linearParams: model.totalParams - embeddingParams };
}
