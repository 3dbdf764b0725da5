import type { ModelArchitecture } from '../catalog/types';
import type { EngineSizingProfile } from './engine-profiles';
import { kvHeadsPerRank } from './parallelism';
import { kvElementBytes, weightBytes } from './quantization';
import type { KvCacheDtype, MemoryBreakdown, Quantization } from './types';

/**
 * KV-cache bytes per token held by one rank (facts D1):
 *   standard attention: 2 (K and V) x layers x KV heads per rank x head_dim x element bytes
 *   MLA (DeepSeek):     layers x (kv_lora_rank + qk_rope_head_dim) x element bytes, on every TP rank
 * Pipeline parallel gives each stage ceil(layers / PP) layers. Vision models cache text-token KV in
 * their self-attention layers only (`kvCacheLayers`).
 */
export function kvCacheBytesPerToken(
  model: ModelArchitecture,
  kvCacheDtype: KvCacheDtype = 'auto',
  tensorParallel = 1,
  pipelineParallel = 1,
): number {
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
}

export interface MemoryEstimate extends MemoryBreakdown {
  readonly fits: boolean;
  readonly maxConcurrentSequences: number;
}

/** The memory one rank needs for a given split, and how many full-length sequences its KV cache holds. */
export function estimateMemory(input: MemoryInput): MemoryEstimate {
  const { model, profile, tensorParallel: tp, pipelineParallel: pp } = input;
  const totalWeightsBytes = weightBytes(model, input.quantization);
  const weightsBytes = Math.ceil(totalWeightsBytes / (tp * pp));
  const usable = Math.floor(input.rankMemoryBytes * input.utilization);
  const kvPerToken = profile.kvCache ? kvCacheBytesPerToken(model, input.kvCacheDtype, tp, pp) : 0;

  const baseOverhead = profile.runtimeBytes + activationBytes(model, profile, input.rankMemoryBytes, tp);
  const free = usable - weightsBytes - baseOverhead;
  const kvCacheCapacityBytes = Math.max(0, Math.floor(free * profile.kvShareOfFree));
  const overheadBytes = baseOverhead + Math.max(0, free - kvCacheCapacityBytes);
  const kvCacheBytes = kvPerToken * input.maxContextLength * input.concurrency;
  const sequenceBytes = kvPerToken * input.maxContextLength;
  const maxConcurrentSequences = profile.kvCache
    ? Math.floor(kvCacheCapacityBytes / sequenceBytes)
    : Math.floor(profile.batchTokens(input.rankMemoryBytes) / input.maxContextLength);
  const requiredBytesPerAccelerator = weightsBytes + kvCacheBytes + overheadBytes;
  return {
    weightsBytes,
    kvCacheBytes,
    overheadBytes,
    requiredBytesPerAccelerator,
    usableBytesPerAccelerator: usable,
    kvCacheCapacityBytes,
    kvCacheBytesPerToken: kvPerToken,
    totalWeightsBytes,
    fits: free > 0 && kvCacheBytes <= kvCacheCapacityBytes && maxConcurrentSequences >= input.concurrency,
    maxConcurrentSequences,
  };
}
