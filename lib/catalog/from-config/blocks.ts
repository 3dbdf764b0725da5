/**
 * Parameter counts of the building blocks of today's transformer checkpoints, tensor by tensor as
 * transformers (and vLLM) name them. Each function counts what the checkpoint stores, biases and norm
 * weights included, so that sums match the Hub's safetensors totals.
 */
import type { MlaConfig } from '../types';

export interface AttentionShape {
  readonly hidden: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** Bias on q, k and v (Qwen2, gpt-oss, GLM-4.5, `attention_bias`). */
  readonly qkvBias: boolean;
  /** Bias on o_proj (gpt-oss, Llama/Mistral `attention_bias`). */
  readonly oBias: boolean;
  /** RMSNorm on queries and keys: per head (`head_dim` weights each: Qwen3, Gemma 3) or over all heads (MiniMax-M2). */
  readonly qkNorm: 'none' | 'head' | 'all-heads';
  /** Learned attention sinks, one per query head (gpt-oss). */
  readonly sinks: boolean;
}

/** q/k/v/o projections (+ biases, q/k norms, sinks) of one standard (GQA/MHA) attention layer. */
export function attentionParams(a: AttentionShape): number {
  const q = a.heads * a.headDim;
  const kv = a.kvHeads * a.headDim;
  let params = a.hidden * (q + 2 * kv) + q * a.hidden;
  if (a.qkvBias) params += q + 2 * kv;
  if (a.oBias) params += a.hidden;
  if (a.qkNorm === 'head') params += 2 * a.headDim;
  if (a.qkNorm === 'all-heads') params += q + kv;
  if (a.sinks) params += a.heads;
  return params;
}

/** Multi-head latent attention (DeepSeek-V3 `DeepseekV3Attention`): low-rank q and compressed kv. */
export function mlaParams(hidden: number, heads: number, mla: MlaConfig): number {
  const qHead = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
  const q = mla.qLoraRank
    ? hidden * mla.qLoraRank + mla.qLoraRank + mla.qLoraRank * heads * qHead // q_a_proj, q_a_layernorm, q_b_proj
    : hidden * heads * qHead;
  const kvA = hidden * (mla.kvLoraRank + mla.qkRopeHeadDim) + mla.kvLoraRank; // kv_a_proj_with_mqa, kv_a_layernorm
  const kvB = mla.kvLoraRank * heads * (mla.qkNopeHeadDim + mla.vHeadDim);
  const o = heads * mla.vHeadDim * hidden;
  return q + kvA + kvB + o;
}

/** Gated MLP (gate, up, down: SwiGLU/GeGLU), optionally with biases. */
export function gatedMlpParams(hidden: number, intermediate: number, bias = false): number {
  return 3 * hidden * intermediate + (bias ? 2 * intermediate + hidden : 0);
}

export interface MoeShape {
  readonly hidden: number;
  readonly experts: number;
  readonly expertsPerToken: number;
  /** Intermediate size of one routed expert. */
  readonly expertIntermediate: number;
  /** Intermediate size of all shared experts together (0 when none). */
  readonly sharedIntermediate: number;
  /** A bias of `experts` values beside the router weight (gpt-oss router bias, DeepSeek/GLM `e_score_correction_bias`). */
  readonly routerBias: boolean;
  /** Biases on the expert projections (gpt-oss). */
  readonly expertBias: boolean;
  /** A sigmoid gate on the shared expert (`shared_expert_gate`, Qwen2-MoE). */
  readonly sharedExpertGate: boolean;
}

/** One MoE block: router, routed experts, shared experts; `active` counts only the experts a token visits. */
export function moeParams(m: MoeShape): { total: number; active: number } {
  const expert = gatedMlpParams(m.hidden, m.expertIntermediate, m.expertBias);
  const router = m.hidden * m.experts + (m.routerBias ? m.experts : 0);
  const shared = m.sharedIntermediate > 0 ? gatedMlpParams(m.hidden, m.sharedIntermediate) + (m.sharedExpertGate ? m.hidden : 0) : 0;
  return {
    total: router + shared + m.experts * expert,
    active: router + shared + m.expertsPerToken * expert,
  };
}

/** A BERT-style encoder layer: q/k/v/o with biases, two LayerNorms (weight + bias), up/down with biases. */
export function encoderLayerParams(hidden: number, intermediate: number): number {
  return 4 * (hidden * hidden + hidden) + 2 * 2 * hidden + hidden * intermediate + intermediate + intermediate * hidden + hidden;
}
