import type { ModelArchitecture } from '../catalog/types';
import { kvHeadsPerRank } from './parallelism';
import { kvElementBytes } from './quantization';
import type { KvCacheDtype } from './types';

/** vLLM's default KV block (tokens per block), vllm/config/cache.py `block_size` 16 on CUDA. */
export const KV_BLOCK_TOKENS = 16;

/** Layer counts of a model by the kind of KV cache they keep (whole model, before pipeline stages). */
export interface KvLayers {
  readonly full: number;
  readonly sliding: number;
  readonly chunked: number;
  readonly linear: number;
}

/**
 * How the model's KV-holding layers split by attention kind (`kvCacheLayers` excludes cross-attention).
 * Window savings are budgeted only where `slidingWindowLayers` says which layers slide: a bare
 * `slidingWindow` (Phi-3 declares one vLLM may not honour) is
 * budgeted as full attention, which can under-promise but never over-promises.
 */
export function kvLayers(model: ModelArchitecture): KvLayers {
  const total = model.kvCacheLayers ?? model.layers;
  const sliding = model.slidingWindow && model.slidingWindowLayers !== undefined ? Math.min(model.slidingWindowLayers, total) : 0;
  const chunked = model.attentionChunkSize ? (model.chunkedAttentionLayers ?? 0) : 0;
  const linear = model.linearAttentionLayers ?? 0;
  return { full: Math.max(0, total - sliding - chunked - linear), sliding, chunked, linear };
}

/** KV bytes one attention layer keeps per token on one rank: K and V per KV head, or one MLA latent. */
export function kvBytesPerLayerToken(model: ModelArchitecture, kvCacheDtype: KvCacheDtype, tensorParallel: number): number {
  const bytes = kvElementBytes(kvCacheDtype);
  if (model.mla) return (model.mla.kvLoraRank + model.mla.qkRopeHeadDim) * bytes;
  return 2 * kvHeadsPerRank(model, tensorParallel) * model.headDim * bytes;
}

export interface SequenceKvInput {
  readonly model: ModelArchitecture;
  readonly kvCacheDtype: KvCacheDtype;
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  readonly maxContextLength: number;
  /** Tokens one scheduler step may add to a sequence (chunked prefill): a window must hold them too. */
  readonly batchTokens: number;
  /**
   * Whether the engine keeps only the window of sliding/chunked layers (vLLM's hybrid KV-cache manager,
   * V1 from 0.10). Otherwise every layer holds the whole context.
   */
  readonly hybrid: boolean;
}

/**
 * KV bytes one sequence of `maxContextLength` tokens needs on one rank, as vLLM's hybrid KV-cache
 * manager budgets it (vllm/v1/kv_cache_interface.py `max_memory_usage_bytes`, v0.11.0):
 *   full attention (and MLA):  max_model_len tokens
 *   sliding window:            min(sliding_window - 1 + max_num_batched_tokens, max_model_len) + 1 block
 *   chunked local attention:   min(attention_chunk_size + max_num_batched_tokens, max_model_len)
 *   linear attention / Mamba:  one fixed state per sequence (MambaSpec), no per-token growth
 * A pipeline stage holds ceil(layers / PP) of each kind (the worst stage).
 */
export function sequenceKvBytes(input: SequenceKvInput): number {
  const { model, maxContextLength: len, batchTokens, pipelineParallel: pp } = input;
  const layers = kvLayers(model);
  const stage = (n: number) => Math.ceil(n / pp);
  const perToken = kvBytesPerLayerToken(model, input.kvCacheDtype, input.tensorParallel);
  // Whole blocks for window-bounded layers: cdiv(tokens, block_size) blocks. Full layers are counted per
  // token (the < 1 block vLLM rounds up is noise, and keeps KV linear in the context).
  const blocks = (tokens: number) => Math.ceil(tokens / KV_BLOCK_TOKENS) * KV_BLOCK_TOKENS;
  if (!input.hybrid) return stage(layers.full + layers.sliding + layers.chunked) * perToken * len + linearStateBytes(input, layers);
  const slidingTokens = layers.sliding ? blocks(Math.min(model.slidingWindow! - 1 + batchTokens, len)) + KV_BLOCK_TOKENS : 0;
  const chunkedTokens = blocks(Math.min((model.attentionChunkSize ?? 0) + batchTokens, len));
  return (
    stage(layers.full) * perToken * len +
    (layers.sliding ? stage(layers.sliding) * perToken * slidingTokens : 0) +
    (layers.chunked ? stage(layers.chunked) * perToken * chunkedTokens : 0) +
    linearStateBytes(input, layers)
  );
}

function linearStateBytes(input: SequenceKvInput, layers: KvLayers): number {
  if (!layers.linear) return 0;
  const state = input.model.linearStateBytesPerLayer ?? 0;
  return Math.ceil(layers.linear / input.pipelineParallel) * Math.ceil(state / input.tensorParallel);
}
