import type { ModelArchitecture } from '../catalog/types';
import type { EngineSizingProfile } from './engine-profiles';
import { atLeast, type Version } from './engine-version';
import { sequenceKvBytes } from './kv-layout';
import { vllmOverhead, type VllmSettings } from './vllm-accounting';
import { kvHeadsPerRank } from './parallelism';
import { kvElementBytes, stageWeightBytes, weightBytes } from './quantization';
import type { KvCacheDtype, MemoryBreakdown, OverheadBreakdown, Quantization } from './types';

/** vLLM's hybrid KV-cache manager (window-bounded sliding/chunked layers) is on by default in V1 from 0.10. */
export const HYBRID_KV_FROM: Version = [0, 10, 0];

/**
 * KV-cache bytes per token held by one rank (facts D1):
 *   standard attention: 2 (K and V) x layers x KV heads per rank x head_dim x element bytes
 *   MLA (DeepSeek):     layers x (kv_lora_rank + qk_rope_head_dim) x element bytes, on every TP rank
 * Pipeline parallel gives each stage ceil(layers / PP) layers. Vision models cache text-token KV in
 * their self-attention layers only (`kvCacheLayers`).
 */
export function kvCacheBytesPerToken(model: ModelArchitecture, kvCacheDtype: KvCacheDtype = 'auto', tensorParallel = 1, pipelineParallel = 1): number {
  const layers = Math.ceil((model.kvCacheLayers ?? model.layers) / pipelineParallel);
  const bytes = kvElementBytes(kvCacheDtype);
  if (model.mla) return layers * (model.mla.kvLoraRank + model.mla.qkRopeHeadDim) * bytes;
  return 2 * layers * kvHeadsPerRank(model, tensorParallel) * model.headDim * bytes;
}

/**
 * Peak activation memory of the engine's largest forward pass, per rank: hidden states, residual and
 * attention projections (4 x hidden) plus the MLP's gate/up output (2 x intermediate / TP, times the
 * experts each token visits), in 16 bits, for `batchTokens` tokens; plus fp32 logits and
 * probabilities for `logitsSequences` sequences. An estimate of what vLLM's profile_run measures.
 */
export function activationBytes(model: ModelArchitecture, profile: EngineSizingProfile, usableBytes: number, tensorParallel: number): number {
  const tokens = profile.batchTokens(usableBytes);
  const intermediate = (model.intermediateSize ?? 4 * model.hiddenSize) * (model.moe?.expertsPerToken ?? 1);
  const hidden = tokens * (4 * model.hiddenSize + (2 * intermediate) / tensorParallel) * 2;
  const logits = profile.logitsSequences * model.vocabSize * 4 * 2;
  return Math.round(hidden + logits);
}

export interface MemoryInput {
  readonly model: ModelArchitecture;
  readonly profile: EngineSizingProfile;
  readonly quantization: Quantization;
  readonly kvCacheDtype: KvCacheDtype;
  /** Memory one rank can address: a GPU, or one NeuronCore. */
  readonly rankMemoryBytes: number;
  readonly utilization: number;
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  readonly maxContextLength: number;
  readonly concurrency: number;
  /** vLLM's version and batch settings (engines with `accounting: 'vllm'`). */
  readonly vllm?: VllmSettings;
}

export interface MemoryEstimate extends MemoryBreakdown {
  readonly fits: boolean;
  readonly maxConcurrentSequences: number;
  /** Bytes of KV one full-length sequence needs on one rank (window-bounded layers counted as the engine does). */
  readonly sequenceKvBytes: number;
  /** CUDA-graph memory taken from the 1 - utilization headroom rather than from the budget (vLLM < 0.21). */
  readonly headroomGraphBytes: number;
}

/** The overhead terms of one rank: vLLM's own accounting, or the engine profile's estimate. */
function overheadTerms(input: MemoryInput, free: (overhead: number) => number): { overhead: OverheadBreakdown; headroomGraphBytes: number } {
  const { model, profile, tensorParallel: tp, pipelineParallel: pp } = input;
  if (profile.accounting === 'vllm' && input.vllm) return vllmOverhead(model, input.vllm, tp, pp);
  const activation = activationBytes(model, profile, input.rankMemoryBytes, tp);
  const base = profile.runtimeBytes + activation;
  // Engines that keep back part of the free memory (TGI, TensorRT-LLM): that share is "other".
  const kept = Math.max(0, free(base) - Math.floor(Math.max(0, free(base)) * profile.kvShareOfFree));
  return { overhead: { activationBytes: activation, cudaGraphBytes: 0, nonTorchBytes: profile.runtimeBytes, otherBytes: kept }, headroomGraphBytes: 0 };
}

/** The memory one rank needs for a given split, and how many full-length sequences its KV cache holds. */
export function estimateMemory(input: MemoryInput): MemoryEstimate {
  const { model, profile, tensorParallel: tp, pipelineParallel: pp } = input;
  const totalWeightsBytes = weightBytes(model, input.quantization);
  const weightsBytes = stageWeightBytes(model, input.quantization, tp, pp);
  const usable = Math.floor(input.rankMemoryBytes * input.utilization);
  const free = (overhead: number) => usable - weightsBytes - overhead;
  const { overhead, headroomGraphBytes } = overheadTerms(input, free);
  const overheadBytes = overhead.activationBytes + overhead.cudaGraphBytes + overhead.nonTorchBytes + overhead.otherBytes;
  const kvCacheCapacityBytes = Math.max(0, free(overheadBytes));

  const sequenceBytes = profile.kvCache
    ? sequenceKvBytes({
        model,
        kvCacheDtype: input.kvCacheDtype,
        tensorParallel: tp,
        pipelineParallel: pp,
        maxContextLength: input.maxContextLength,
        batchTokens: input.vllm?.maxNumBatchedTokens ?? profile.batchTokens(input.rankMemoryBytes),
        hybrid: profile.accounting === 'vllm' && input.vllm !== undefined && atLeast(input.vllm.version, HYBRID_KV_FROM),
      })
    : 0;
  const kvPerToken = profile.kvCache ? Math.ceil(sequenceBytes / input.maxContextLength) : 0;
  const kvCacheBytes = sequenceBytes * input.concurrency;
  const maxConcurrentSequences = profile.kvCache ? Math.floor(kvCacheCapacityBytes / sequenceBytes) : Math.floor(profile.batchTokens(input.rankMemoryBytes) / input.maxContextLength);
  const requiredBytesPerAccelerator = weightsBytes + kvCacheBytes + overheadBytes;
  return {
    weightsBytes,
    kvCacheBytes,
    overheadBytes,
    overhead,
    requiredBytesPerAccelerator,
    usableBytesPerAccelerator: usable,
    kvCacheCapacityBytes,
    kvCacheBytesPerToken: kvPerToken,
    totalWeightsBytes,
    fits: free(overheadBytes) > 0 && kvCacheBytes <= kvCacheCapacityBytes && maxConcurrentSequences >= input.concurrency,
    maxConcurrentSequences,
    sequenceKvBytes: sequenceBytes,
    headroomGraphBytes,
  };
}
