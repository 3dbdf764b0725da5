/**
 * Decoder-only text models (and the text half of multimodal ones): config.json -> layer layout and
 * parameter count. One table row per `model_type`, each citing the transformers class it follows.
 */
import type { MlaConfig, ModelArchitecture } from '../types';
import { attentionParams, gatedMlpParams, mlaParams, moeParams, type AttentionShape, type MoeShape } from './blocks';
import type { ConfigSection, Json } from './read';

/** What a decoder config says, normalized; the attention-layout and MoE fields as the architecture holds them. */
export interface DecoderLayout extends Pick<ModelArchitecture, 'moe' | 'mla' | 'slidingWindow' | 'slidingWindowLayers' | 'attentionChunkSize' | 'chunkedAttentionLayers' | 'attentionSinks'> {
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly vocab: number;
  readonly tied: boolean;
  readonly maxContext: number;
  /** Dense MLP size (`intermediate_size`), or the per-expert size for all-MoE models. */
  readonly intermediate?: number;
  /** Parameters: the main model, the part a token uses, and multi-token-prediction layers. */
  readonly params: number;
  readonly activeParams: number;
  readonly mtpParams: number;
  /** Weights of the routed experts' projections (what MXFP4 checkpoints quantize). */
  readonly expertWeights: number;
}

interface Family {
  /** transformers config defaults for keys real config.json files omit (Gemma 3 omits most). */
  readonly defaults?: Json;
  readonly tiedDefault: boolean;
  /** RMSNorm weights per layer, in units of hidden_size (Gemma: 4, pre/post attention and MLP). */
  readonly normsPerLayer: 2 | 4;
  readonly attention: (c: ConfigSection) => Pick<AttentionShape, 'qkvBias' | 'oBias' | 'qkNorm' | 'sinks'>;
  /** The MoE block of layer `i`, or undefined for a dense layer. */
  readonly moe?: (c: ConfigSection) => { shape: Omit<MoeShape, 'hidden'>; isMoe: (layer: number, layers: number) => boolean; denseIntermediate?: number };
  readonly mla?: boolean;
  /** Multi-token-prediction layers stored in the checkpoint (DeepSeek-V3 / GLM-4.5 `num_nextn_predict_layers`). */
  readonly mtpLayers?: (c: ConfigSection) => number;
  readonly attentionLayout?: (c: ConfigSection, layers: number) => Partial<DecoderLayout>;
}

const plain = (bias: (c: ConfigSection) => boolean) => (c: ConfigSection) => ({ qkvBias: bias(c), oBias: bias(c), qkNorm: 'none' as const, sinks: false });
const attentionBias = plain((c) => c.bool('attention_bias', false));
const noBias = plain(() => false);

/** `layer_types` (transformers >= 4.53) when present: how many layers are `sliding_attention`. */
function slidingFromLayerTypes(c: ConfigSection): number | undefined {
  const types = c.list('layer_types');
  return types === undefined ? undefined : types.filter((t) => t === 'sliding_attention').length;
}

/** Mistral/Mixtral/Phi-3: `sliding_window` (when set) applies to every layer. */
function windowOnAllLayers(c: ConfigSection, layers: number): Partial<DecoderLayout> {
  const window = c.optInt('sliding_window');
  const max = c.optInt('max_position_embeddings');
  if (window === undefined || window === 0 || (max !== undefined && window >= max)) return {};
  return { slidingWindow: window, slidingWindowLayers: slidingFromLayerTypes(c) ?? layers };
}

/** Qwen2/Qwen3: a window only with `use_sliding_window`, on layers from `max_window_layers` up. */
function qwenWindow(c: ConfigSection, layers: number): Partial<DecoderLayout> {
  if (!c.bool('use_sliding_window', false)) return {};
  const window = c.int('sliding_window');
  const fromTypes = slidingFromLayerTypes(c);
  return { slidingWindow: window, slidingWindowLayers: fromTypes ?? Math.max(0, layers - (c.optInt('max_window_layers') ?? 0)) };
}

/** Every `pattern`-th layer is global, the others slide (Gemma 2: pattern 2, even layers slide; Gemma 3: 6). */
function patternWindow(defaultPattern: number) {
  return (c: ConfigSection, layers: number): Partial<DecoderLayout> => {
    const window = c.int('sliding_window');
    const pattern = c.optInt('sliding_window_pattern') ?? defaultPattern;
    return { slidingWindow: window, slidingWindowLayers: slidingFromLayerTypes(c) ?? layers - Math.floor(layers / pattern) };
  };
}

/** Qwen-MoE: experts on every `decoder_sparse_step`-th layer except `mlp_only_layers`. */
function qwenMoe(shared: boolean) {
  return (c: ConfigSection) => {
    const step = c.optInt('decoder_sparse_step') ?? 1;
    const mlpOnly = new Set((c.list('mlp_only_layers') ?? []).map(Number));
    return {
      shape: {
        experts: c.int('num_experts'),
        expertsPerToken: c.int('num_experts_per_tok'),
        expertIntermediate: c.int('moe_intermediate_size'),
        sharedIntermediate: shared ? c.int('shared_expert_intermediate_size') : 0,
        routerBias: false,
        expertBias: false,
        sharedExpertGate: shared,
      },
      isMoe: (i: number) => !mlpOnly.has(i) && (i + 1) % step === 0,
    };
  };
}

/** Routed experts of `intermediate_size` on every layer, no shared expert (Mixtral; gpt-oss, whose router and experts carry biases). */
function everyLayerExperts(keys: { readonly experts: readonly string[]; readonly perToken: readonly string[] }, biased: boolean) {
  return (c: ConfigSection) => ({
    shape: {
      experts: c.int(...keys.experts),
      expertsPerToken: c.int(...keys.perToken),
      expertIntermediate: c.int('intermediate_size'),
      sharedIntermediate: 0,
      routerBias: biased,
      expertBias: biased,
      sharedExpertGate: false,
    },
    isMoe: () => true,
  });
}

/** DeepSeek-V3, Kimi K2, GLM-4.5: the first `first_k_dense_replace` layers dense, then experts every `moe_layer_freq`. */
function deepseekMoe(c: ConfigSection) {
  const firstDense = c.optInt('first_k_dense_replace') ?? 0;
  const freq = c.optInt('moe_layer_freq') ?? 1;
  return {
    shape: {
      experts: c.int('n_routed_experts'),
      expertsPerToken: c.int('num_experts_per_tok'),
      expertIntermediate: c.int('moe_intermediate_size'),
      sharedIntermediate: (c.optInt('n_shared_experts') ?? 0) * c.int('moe_intermediate_size'),
      // noaux_tc routing keeps an `e_score_correction_bias` per expert (DeepSeek-V3, Kimi K2, GLM-4.5).
      routerBias: c.str('topk_method') === 'noaux_tc' || c.str('model_type') === 'glm4_moe',
      expertBias: false,
      sharedExpertGate: false,
    },
    isMoe: (i: number) => i >= firstDense && i % freq === 0,
    denseIntermediate: c.int('intermediate_size'),
  };
}

const DEEPSEEK: Family = {
  tiedDefault: false,
  normsPerLayer: 2,
  attention: noBias,
  moe: deepseekMoe,
  mla: true,
  mtpLayers: (c) => c.optInt('num_nextn_predict_layers') ?? 0,
};

/** Keyed by `model_type` (of `text_config` for multimodal wrappers). Sources: transformers `models/<type>/modeling_<type>.py`. */
export const DECODER_FAMILIES: Readonly<Record<string, Family>> = {
  llama: { tiedDefault: false, normsPerLayer: 2, attention: attentionBias },
  mistral: { tiedDefault: false, normsPerLayer: 2, attention: noBias, attentionLayout: windowOnAllLayers },
  granite: { tiedDefault: true, normsPerLayer: 2, attention: attentionBias },
  phi3: { tiedDefault: false, normsPerLayer: 2, attention: noBias, attentionLayout: windowOnAllLayers },
  qwen2: { tiedDefault: false, normsPerLayer: 2, attention: () => ({ qkvBias: true, oBias: false, qkNorm: 'none', sinks: false }), attentionLayout: qwenWindow },
  qwen3: { tiedDefault: false, normsPerLayer: 2, attention: (c) => ({ ...attentionBias(c), qkNorm: 'head' }), attentionLayout: qwenWindow },
  qwen2_moe: { tiedDefault: false, normsPerLayer: 2, attention: () => ({ qkvBias: true, oBias: false, qkNorm: 'none', sinks: false }), moe: qwenMoe(true), attentionLayout: qwenWindow },
  qwen3_moe: { tiedDefault: false, normsPerLayer: 2, attention: (c) => ({ ...attentionBias(c), qkNorm: 'head' }), moe: qwenMoe(false), attentionLayout: qwenWindow },
  mixtral: {
    tiedDefault: false,
    normsPerLayer: 2,
    attention: noBias,
    moe: everyLayerExperts({ experts: ['num_local_experts'], perToken: ['num_experts_per_tok'] }, false),
    attentionLayout: windowOnAllLayers,
  },
  gemma2: {
    defaults: { head_dim: 256, sliding_window: 4096 },
    tiedDefault: true,
    normsPerLayer: 4,
    attention: attentionBias,
    attentionLayout: patternWindow(2),
  },
  // transformers models/gemma3/configuration_gemma3.py Gemma3TextConfig defaults (the 4B/12B/27B configs omit them).
  gemma3_text: {
    defaults: { vocab_size: 262208, num_attention_heads: 8, num_key_value_heads: 4, head_dim: 256, max_position_embeddings: 131072, sliding_window: 4096, sliding_window_pattern: 6 },
    tiedDefault: true,
    normsPerLayer: 4,
    attention: (c) => ({ ...attentionBias(c), qkNorm: 'head' }),
    attentionLayout: patternWindow(6),
  },
  // transformers models/gpt_oss/modeling_gpt_oss.py: biased attention with sinks; experts with biases.
  gpt_oss: {
    tiedDefault: false,
    normsPerLayer: 2,
    attention: () => ({ qkvBias: true, oBias: true, qkNorm: 'none', sinks: true }),
    moe: everyLayerExperts({ experts: ['num_local_experts', 'num_experts'], perToken: ['num_experts_per_tok', 'experts_per_token'] }, true),
    attentionLayout: (c, layers) => ({ slidingWindow: c.int('sliding_window'), slidingWindowLayers: slidingFromLayerTypes(c) ?? Math.ceil(layers / 2), attentionSinks: true }),
  },
  // transformers models/llama4/modeling_llama4.py: routed experts + one shared expert on every
  // `interleave_moe_layer_step`-th layer; chunked local attention on RoPE layers, global on NoPE layers.
  llama4_text: {
    tiedDefault: false,
    normsPerLayer: 2,
    attention: attentionBias,
    moe: (c) => {
      const step = c.optInt('interleave_moe_layer_step') ?? 1;
      const listed = c.list('moe_layers');
      return {
        shape: {
          experts: c.int('num_local_experts'),
          expertsPerToken: c.int('num_experts_per_tok'),
          expertIntermediate: c.int('intermediate_size'),
          sharedIntermediate: c.int('intermediate_size'),
          routerBias: false,
          expertBias: false,
          sharedExpertGate: false,
        },
        isMoe: (i: number) => (listed ? listed.map(Number).includes(i) : (i + 1) % step === 0),
        denseIntermediate: c.int('intermediate_size_mlp'),
      };
    },
    attentionLayout: (c, layers) => {
      const chunk = c.optInt('attention_chunk_size');
      if (chunk === undefined) return {};
      const noRope = c.list('no_rope_layers'); // 1 = RoPE (chunked) layer, 0 = NoPE (global) layer
      return { attentionChunkSize: chunk, chunkedAttentionLayers: noRope ? noRope.filter((v) => Number(v) !== 0).length : layers - Math.floor(layers / 4) };
    },
  },
  deepseek_v2: DEEPSEEK,
  deepseek_v3: DEEPSEEK,
  kimi_k2: DEEPSEEK,
  // transformers models/glm4_moe/modeling_glm4_moe.py: qkv bias (`attention_bias`), optional q/k norm.
  glm4_moe: {
    tiedDefault: false,
    normsPerLayer: 2,
    attention: (c) => ({ qkvBias: c.bool('attention_bias', false), oBias: false, qkNorm: c.bool('use_qk_norm', false) ? 'head' : 'none', sinks: false }),
    moe: deepseekMoe,
    mtpLayers: (c) => c.optInt('num_nextn_predict_layers') ?? 0,
  },
  // transformers models/minimax_m2/modeling_minimax_m2.py: q/k RMSNorm over all heads, routing bias.
  minimax_m2: {
    tiedDefault: false,
    normsPerLayer: 2,
    attention: (c) => ({ qkvBias: false, oBias: false, qkNorm: c.bool('use_qk_norm', true) ? 'all-heads' : 'none', sinks: false }),
    moe: (c) => ({
      shape: {
        experts: c.int('num_local_experts'),
        expertsPerToken: c.int('num_experts_per_tok'),
        expertIntermediate: c.int('intermediate_size'),
        sharedIntermediate: 0,
        routerBias: c.bool('use_routing_bias', true),
        expertBias: false,
        sharedExpertGate: false,
      },
      isMoe: () => true,
    }),
  },
};

function readMla(c: ConfigSection): MlaConfig {
  const qLoraRank = c.optInt('q_lora_rank');
  return {
    kvLoraRank: c.int('kv_lora_rank'),
    qkRopeHeadDim: c.int('qk_rope_head_dim'),
    qkNopeHeadDim: c.int('qk_nope_head_dim'),
    vHeadDim: c.int('v_head_dim'),
    ...(qLoraRank ? { qLoraRank } : {}),
  };
}

/** Reads a decoder section of a known family and counts its parameters. */
export function readDecoder(c: ConfigSection, family: Family, options: { lmHead: boolean }): DecoderLayout {
  const hidden = c.int('hidden_size');
  const layers = c.int('num_hidden_layers');
  const heads = c.int('num_attention_heads');
  const kvHeads = c.optInt('num_key_value_heads') ?? heads;
  const mla = family.mla ? readMla(c) : undefined;
  const headDim = mla ? mla.qkNopeHeadDim + mla.qkRopeHeadDim : (c.optInt('head_dim') ?? hidden / heads);
  if (!Number.isInteger(headDim)) c.fail('head_dim', `an integer (hidden_size ${hidden} / num_attention_heads ${heads} is not)`);
  const vocab = c.int('vocab_size');
  const tied = c.bool('tie_word_embeddings', family.tiedDefault);
  const maxContext = c.int('max_position_embeddings');

  const attention = mla ? mlaParams(hidden, heads, mla) : attentionParams({ hidden, heads, kvHeads, headDim, ...family.attention(c) });
  const norms = family.normsPerLayer * hidden;
  const moe = family.moe?.(c);
  const moeBlock = moe ? moeParams({ hidden, ...moe.shape }) : undefined;
  const dense = () => gatedMlpParams(hidden, moe?.denseIntermediate ?? c.int('intermediate_size'), c.bool('mlp_bias', false));

  let params = 0;
  let active = 0;
  let moeLayer = 0;
  let expertWeights = 0;
  for (let i = 0; i < layers; i++) {
    const layer = attention + norms;
    if (moeBlock && moe!.isMoe(i, layers)) {
      params += layer + moeBlock.total;
      active += layer + moeBlock.active;
      moeLayer = layer + moeBlock.total;
      expertWeights += moe!.shape.experts * 3 * hidden * moe!.shape.expertIntermediate;
    } else {
      const mlp = dense();
      params += layer + mlp;
      active += layer + mlp;
    }
  }
  const embeddings = vocab * hidden * (tied || !options.lmHead ? 1 : 2);
  params += embeddings + hidden; // + final norm
  active += embeddings + hidden;

  // An MTP layer (DeepSeek-V3 / GLM-4.5) is a full MoE decoder layer plus enorm, hnorm, eh_proj (2H x H),
  // a head norm, and its own copies of embed_tokens and the head.
  const mtpLayers = family.mtpLayers?.(c) ?? 0;
  const mtpParams = mtpLayers * (moeLayer + 3 * hidden + 2 * hidden * hidden + 2 * vocab * hidden);

  const layout = family.attentionLayout?.(c, layers) ?? {};
  return {
    hidden,
    layers,
    heads,
    kvHeads: mla ? heads : kvHeads,
    headDim,
    vocab,
    tied,
    maxContext,
    intermediate: moe && moe.denseIntermediate === undefined ? moe.shape.expertIntermediate : (moe?.denseIntermediate ?? c.optInt('intermediate_size')),
    ...(moe
      ? {
          moe: {
            experts: moe.shape.experts,
            expertsPerToken: moe.shape.expertsPerToken,
            ...(moe.shape.sharedIntermediate > 0 ? { sharedExperts: Math.round(moe.shape.sharedIntermediate / moe.shape.expertIntermediate) } : {}),
          },
        }
      : {}),
    ...(mla ? { mla } : {}),
    ...layout,
    params: params + mtpParams,
    activeParams: active,
    mtpParams,
    expertWeights,
  };
}
