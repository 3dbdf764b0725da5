/**
 * `modelFromConfig(id, config, options?)`: a Hugging Face `config.json` object -> a `ModelArchitecture`.
 * Pure: no file or network access. Reads today's architectures (see `SUPPORTED_ARCHITECTURES`);
 * anything else is a SizingError naming the field and what to pass instead.
 */
import { SizingError } from '../../errors';
import { validateModelArchitecture } from '../validate-model';
import type { ModelArchitecture } from '../types';
import { DECODER_FAMILIES, readDecoder, type DecoderLayout } from './decoder';
import { ENCODER_ARCHITECTURES, readEncoder } from './encoder';
import { ConfigSection, isRecord, type Json } from './read';
import { visionParams } from './vision';

export interface ModelFromConfigOptions {
  /** The checkpoint's parameter count (the Hub's `safetensors.total`); computed from the config when omitted. */
  readonly totalParams?: number;
  /** Checkpoint dtype when config.json sets no `torch_dtype` / `dtype`. */
  readonly dtype?: ModelArchitecture['dtype'];
  /**
   * Served as an embedding model (TEI): no KV cache, no lm_head. Encoder-only architectures always are.
   * @default true for Qwen3Model and ids naming an embedding model (`Qwen/Qwen3-Embedding-8B`)
   */
  readonly embedding?: boolean;
  /** Where the config came from (URL at a revision), kept in `sources`. */
  readonly sources?: readonly string[];
}

/** `architectures[0]` values modelFromConfig reads; the `model_type` of the text config picks the layout. */
export const SUPPORTED_ARCHITECTURES: readonly string[] = [
  'LlamaForCausalLM',
  'MistralForCausalLM',
  'MixtralForCausalLM',
  'Qwen2ForCausalLM',
  'Qwen3ForCausalLM',
  'Qwen2MoeForCausalLM',
  'Qwen3MoeForCausalLM',
  'Qwen3Model',
  'Phi3ForCausalLM',
  'GraniteForCausalLM',
  'Gemma2ForCausalLM',
  'Gemma3ForCausalLM',
  'Gemma3ForConditionalGeneration',
  'GptOssForCausalLM',
  'Llama4ForCausalLM',
  'Llama4ForConditionalGeneration',
  'Mistral3ForConditionalGeneration',
  'DeepseekV2ForCausalLM',
  'DeepseekV3ForCausalLM',
  'Glm4MoeForCausalLM',
  'MiniMaxM2ForCausalLM',
  ...ENCODER_ARCHITECTURES,
];

/** Multimodal wrappers: the text model sits in `text_config`. */
const WRAPPERS = new Set(['Gemma3ForConditionalGeneration', 'Llama4ForConditionalGeneration', 'Mistral3ForConditionalGeneration']);

const DTYPES: Readonly<Record<string, ModelArchitecture['dtype']>> = { bfloat16: 'bfloat16', float16: 'float16', float32: 'float32' };

function fail(id: string, field: string, message: string, suggestions: string[]): never {
  throw new SizingError('invalid-model-config', `config.json of ${id}: ${message}`, { field: `config.${field}`, suggestions });
}

function architectureOf(id: string, root: ConfigSection): string {
  const list = root.data.architectures;
  const name = Array.isArray(list) && typeof list[0] === 'string' ? list[0] : undefined;
  if (name === undefined) {
    fail(id, 'architectures', `field architectures is ${list === undefined ? 'missing' : 'not a list of class names'}`, [
      "a config.json with architectures, e.g. ['LlamaForCausalLM'] (the file from the model's Hub repository)",
      'or pass a ModelArchitecture object instead of a config.json',
    ]);
  }
  if (!SUPPORTED_ARCHITECTURES.includes(name)) {
    fail(id, 'architectures', `architecture ${name} is not one modelFromConfig reads`, [
      `one of ${SUPPORTED_ARCHITECTURES.join(', ')}`,
      'or pass a ModelArchitecture object (model: { id, totalParams, layers, hiddenSize, attentionHeads, kvHeads, headDim, ... })',
    ]);
  }
  return name;
}

/**
 * The checkpoint dtype: options.dtype, else config.json's `torch_dtype` (or `dtype`, transformers >= 4.56).
 * When neither is set: encoders were saved in float32 (transformers' default), quantized checkpoints
 * keep their other tensors in bfloat16 (gpt-oss); any other config is an error asking for options.dtype.
 */
function dtypeOf(id: string, sections: readonly ConfigSection[], options: ModelFromConfigOptions, fallback?: ModelArchitecture['dtype']): ModelArchitecture['dtype'] {
  if (options.dtype !== undefined) return options.dtype;
  for (const section of sections) {
    const value = section.str('torch_dtype') ?? section.str('dtype');
    if (value === undefined) continue;
    const dtype = DTYPES[value];
    if (!dtype) section.fail(section.has('torch_dtype') ? 'torch_dtype' : 'dtype', `one of ${Object.keys(DTYPES).join(', ')}, or pass options.dtype`);
    return dtype;
  }
  if (fallback !== undefined) return fallback;
  return fail(id, 'torch_dtype', 'field torch_dtype is missing (and so is dtype)', ["options: { dtype: 'bfloat16' } (the checkpoint's weight dtype)"]);
}

/** The checkpoint's own weight format when it is not 16-bit (`quantization_config`). */
function nativeQuantization(root: ConfigSection): string | undefined {
  const q = root.raw('quantization_config');
  if (!isRecord(q) || typeof q.quant_method !== 'string') return undefined;
  if (q.quant_method === 'compressed-tensors' && isRecord(q.config_groups)) {
    const weights = Object.values(q.config_groups)
      .map((g) => (isRecord(g) && isRecord(g.weights) ? g.weights : undefined))
      .find(Boolean);
    if (weights?.num_bits === 4) return weights.type === 'float' ? 'nvfp4' : 'int4';
    if (weights?.num_bits === 8) return weights.type === 'float' ? 'fp8' : 'int8';
  }
  return q.quant_method;
}

function checkTotal(id: string, total: number | undefined): number | undefined {
  if (total === undefined) return undefined;
  if (!Number.isInteger(total) || total <= 0) {
    throw new SizingError('invalid-model-config', `modelFromConfig(${id}): options.totalParams ${String(total)} is not a positive integer`, {
      field: 'options.totalParams',
      suggestions: ["the Hub's safetensors.total (GET /api/models/<id>), or omit it to count from the config"],
    });
  }
  return total;
}

/** Builds a ModelArchitecture from a Hugging Face config.json object. Throws SizingError on what it cannot read. */
export function modelFromConfig(id: string, config: unknown, options: ModelFromConfigOptions = {}): ModelArchitecture {
  if (typeof id !== 'string' || id.trim() === '') {
    throw new SizingError('invalid-model-config', `modelFromConfig: id must be the model's hub id, got ${String(id)}`, { field: 'id', suggestions: ["modelFromConfig('Qwen/Qwen3-8B', config)"] });
  }
  if (!isRecord(config)) {
    throw new SizingError('invalid-model-config', `modelFromConfig(${id}): config must be the parsed config.json object`, {
      field: 'config',
      suggestions: ["JSON.parse(readFileSync('config.json', 'utf8'))"],
    });
  }
  const root = new ConfigSection(id, config as Json, '');
  const architecture = architectureOf(id, root);
  const totalParams = checkTotal(id, options.totalParams);
  const base = { id, sources: options.sources ? [...options.sources] : undefined };

  if ((ENCODER_ARCHITECTURES as readonly string[]).includes(architecture)) {
    const e = readEncoder(root, architecture);
    return finish({
      ...base,
      totalParams: totalParams ?? e.params,
      layers: e.layers,
      hiddenSize: e.hidden,
      intermediateSize: e.intermediate,
      attentionHeads: e.heads,
      kvHeads: e.heads,
      headDim: e.hidden / e.heads,
      vocabSize: e.vocab,
      maxContextLength: e.maxContext,
      dtype: dtypeOf(id, [root], options, 'float32'),
      tiedEmbeddings: true,
      embedding: true,
    });
  }

  const text = WRAPPERS.has(architecture) ? root.section('text_config') : root;
  if (text === undefined) return root.fail('text_config', `an object (the text model of ${architecture})`);
  const type = text.str('model_type') ?? (text === root ? undefined : root.str('model_type')?.concat('_text'));
  const family = type === undefined ? undefined : DECODER_FAMILIES[type];
  if (!family) {
    return text.fail('model_type', `a model type modelFromConfig reads (${Object.keys(DECODER_FAMILIES).join(', ')}), or pass a ModelArchitecture object`);
  }
  const section = new ConfigSection(id, text.data, text.path, family.defaults);
  // Embedding checkpoints of causal-LM architectures (Qwen3-Embedding) say so only in their name.
  const embedding = options.embedding ?? (architecture === 'Qwen3Model' || /(^|[/_-])embedding([_-]|$)/i.test(id));
  const d: DecoderLayout = readDecoder(section, family, { lmHead: !embedding });

  const vision = WRAPPERS.has(architecture) ? root.section('vision_config') : undefined;
  const vision_ = vision ? countVision(() => visionParams(root, vision, d.hidden), totalParams !== undefined) : undefined;
  const quantization = nativeQuantization(root) ?? nativeQuantization(section);
  // MXFP4 (gpt-oss) stores one U8 scale per 32 expert weights; the Hub's safetensors total counts them.
  const mxfp4Scales = quantization === 'mxfp4' ? d.expertWeights / 32 : 0;
  const computed = d.params + (vision_ ?? 0) + mxfp4Scales;
  const total = totalParams ?? computed;
  const caveats: string[] = [];
  if (d.mtpParams > 0)
    caveats.push(`The checkpoint holds ${(d.mtpParams / 1e9).toFixed(2)}B parameters of multi-token-prediction layers (num_nextn_predict_layers), which engines load only for speculative decoding.`);
  if (vision) caveats.push('Multimodal: the vision encoder is part of totalParams; image tokens add to the KV cache of each request with images.');
  if (quantization) caveats.push(`The checkpoint stores its weights as ${quantization} (config quantization_config).`);
  if (mxfp4Scales > 0)
    caveats.push(
      `totalParams counts the ${mxfp4Scales.toLocaleString('en')} MXFP4 block scales (one U8 per 32 expert weights) as the Hub's safetensors total does; the model has ${(d.params + (vision_ ?? 0)).toLocaleString('en')} parameters.`,
    );

  return finish({
    ...base,
    totalParams: total,
    ...(d.moe ? { activeParams: Math.min(total, d.activeParams) } : {}), // a text token does not run the vision tower
    layers: d.layers,
    hiddenSize: d.hidden,
    ...(d.intermediate ? { intermediateSize: d.intermediate } : {}),
    attentionHeads: d.heads,
    kvHeads: d.kvHeads,
    headDim: d.headDim,
    vocabSize: d.vocab,
    maxContextLength: d.maxContext,
    dtype: dtypeOf(id, [root, section], options, quantization ? 'bfloat16' : undefined),
    tiedEmbeddings: d.tied || embedding,
    ...(d.moe ? { moe: d.moe } : {}),
    ...(d.mla ? { mla: d.mla } : {}),
    ...(d.slidingWindow !== undefined ? { slidingWindow: d.slidingWindow, slidingWindowLayers: d.slidingWindowLayers } : {}),
    ...(d.attentionChunkSize !== undefined ? { attentionChunkSize: d.attentionChunkSize, chunkedAttentionLayers: d.chunkedAttentionLayers } : {}),
    ...(d.attentionSinks ? { attentionSinks: true } : {}),
    ...(vision ? { visionParams: vision_ } : {}),
    ...(d.mtpParams > 0 ? { mtpParams: d.mtpParams } : {}),
    ...(quantization ? { nativeQuantization: quantization } : {}),
    ...(embedding ? { embedding: true } : {}),
    ...(caveats.length > 0 ? { caveats } : {}),
  });
}

/** The vision tower's count; when the caller gave the total, an encoder we cannot count is no error. */
function countVision(count: () => number, totalKnown: boolean): number | undefined {
  try {
    return count();
  } catch (error) {
    if (totalKnown && error instanceof SizingError) return undefined;
    throw error;
  }
}

/** Drops undefined fields, validates like any user-supplied architecture, freezes. */
function finish(arch: Record<string, unknown>): ModelArchitecture {
  for (const key of Object.keys(arch)) if (arch[key] === undefined) delete arch[key];
  return Object.freeze(validateModelArchitecture(arch, 'model')) as ModelArchitecture;
}
