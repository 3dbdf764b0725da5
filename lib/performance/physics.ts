/**
 * First-order physics of one replica serving a closed-loop load: how many bytes and FLOPs a decode
 * step and a prefill cost, and what those take at the datasheet's bandwidth and peak TFLOPS (efficiency
 * 1). The calibration (./model.ts) turns these raw terms into predicted times with fitted efficiencies.
 */
import type { ModelArchitecture } from '../catalog/types';
import type { ModelPlan } from '../sizing/types';
import { vllmBatchDefaults } from '../sizing/vllm-accounting';
import { computeFormat, interconnectOf, isFourBit, peakTflops, type ComputeFormat } from './hardware';
import type { Load } from './types';

/** Raw terms, in milliseconds at 100 % efficiency unless said otherwise. */
export interface PhysicsTerms {
  /** Sequences decoded together (the load, capped by what the KV cache holds and by max_num_seqs). */
  readonly batch: number;
  /** Sequences the KV cache holds at this input + output length. */
  readonly kvCapacitySequences: number;
  /** Reading the weights one decode step touches (MoE: the experts the batch routes to). */
  readonly weightReadMs: number;
  /** Reading the batch's KV cache (MLA: the latent) at its mean context. */
  readonly kvReadMs: number;
  /** Matrix multiplies and attention of one decode step. */
  readonly decodeComputeMs: number;
  /** Prefills of arriving requests per decode step (batch / output tokens); each stalls decoding. */
  readonly prefillsPerStep: number;
  /** All-reduces per decode step (2 per layer with TP > 1, else 0). */
  readonly allReduces: number;
  /** Bytes the decode step's all-reduces move, over the interconnect. */
  readonly allReduceMs: number;
  /** Decoder layers (fixed kernel-launch costs scale with them). */
  readonly layers: number;
  /** Mixture-of-experts layers (routing, permutation and grouped GEMMs add launches). */
  readonly moeLayers: number;
  /** Tensor-core format of the matrix multiplies (achieved fractions of peak differ by format). */
  readonly computeFormat: ComputeFormat;
  /** 4-bit weights multiplied in 16 bits (weight-only kernels dequantize as they read: int4, FP4 on Hopper). */
  readonly dequantizes: boolean;
  /** One request's prefill compute. */
  readonly prefillMs: number;
  /** One request's prefill all-reduces over the interconnect. */
  readonly prefillAllReduceMs: number;
  /** Weight reads of one prefill: once per chunk of the engine's batch-token budget. */
  readonly prefillWeightMs: number;
  /** Chunks one prefill is split into. */
  readonly prefillChunks: number;
}

/** TensorRT-LLM's max_num_tokens default (tokens one engine step takes in: the chunked-prefill budget). */
const TRTLLM_MAX_NUM_TOKENS = 8192;

/**
 * Tokens one engine step takes in (the chunked-prefill budget): the plan's vLLM
 * --max-num-batched-tokens (vLLM's default for the GPU, lib/sizing/vllm-accounting.ts
 * `vllmBatchDefaults`, unless the request set it); TensorRT-LLM's max_num_tokens 8192; other engines
 * vLLM's default rule for the GPU.
 */
function chunkTokens(plan: ModelPlan): number {
  if (plan.engine === 'triton-trtllm') return TRTLLM_MAX_NUM_TOKENS;
  return plan.maxNumBatchedTokens ?? vllmBatchDefaults(plan.accelerator.usableMemoryBytes, plan.accelerator.id).maxNumBatchedTokens;
}

/** Sequences the engine schedules per step: vLLM's --max-num-seqs of the plan; unbounded elsewhere. */
function maxRunning(plan: ModelPlan): number {
  return plan.maxNumSeqs ?? Number.POSITIVE_INFINITY;
}

/** Parameters of the routed experts (all of them) and the rest, from total and active counts. */
export function expertSplit(model: ModelArchitecture): { expertParams: number; denseParams: number } {
  if (!model.moe || model.activeParams === undefined) return { expertParams: 0, denseParams: model.totalParams };
  const { experts, expertsPerToken } = model.moe;
  const perExpert = (model.totalParams - model.activeParams) / (experts - expertsPerToken);
  return { expertParams: perExpert * experts, denseParams: model.totalParams - perExpert * experts };
}

/** Expected distinct experts (of E) that `tokens` tokens choosing k each route to, per layer (uniform routing). */
export function expertsTouched(model: ModelArchitecture, tokens: number): number {
  if (!model.moe) return 1;
  const { experts: e, expertsPerToken: k } = model.moe;
  return e * (1 - Math.pow(1 - k / e, tokens));
}

/**
 * Attention FLOPs per (query, key) pair and layer: 2 x (QK dim + V dim) per head. MLA decodes in the
 * absorbed form (queries against the 576-wide latent, values of 512) and prefills in the expanded one
 * (QK 192, V 128 per head).
 */
function attentionFlopsPerPair(model: ModelArchitecture, phase: 'prefill' | 'decode'): number {
  const mla = model.mla;
  if (!mla) return 2 * model.attentionHeads * 2 * model.headDim;
  return phase === 'decode' ? 2 * model.attentionHeads * (mla.kvLoraRank + mla.qkRopeHeadDim + mla.kvLoraRank) : 2 * model.attentionHeads * (mla.qkNopeHeadDim + mla.qkRopeHeadDim + mla.vHeadDim);
}

/** Keys one query attends to, averaged over layers (sliding-window layers see at most the window). */
function attendedKeys(model: ModelArchitecture, context: number): number {
  const layers = model.layers;
  const windowed = model.slidingWindow ? (model.slidingWindowLayers ?? layers) : 0;
  const window = model.slidingWindow ?? context;
  return ((layers - windowed) * context + windowed * Math.min(context, window)) / layers;
}

/** The raw terms of `plan` under `load`. */
export function physicsTerms(plan: ModelPlan, load: Load): PhysicsTerms {
  const { model, accelerator, tensorParallel: tp, pipelineParallel: pp } = plan;
  // A rank is a GPU, or one NeuronCore of a Neuron device (which shares the device's figures).
  const ranksPerDevice = accelerator.neuronCoresPerDevice ?? 1;
  const bandwidth = (accelerator.memoryBandwidthGBps * 1e6) / ranksPerDevice; // bytes per ms
  const flops = (peakTflops(accelerator, plan.quantization) * 1e9) / ranksPerDevice; // FLOPs per ms
  const link = interconnectOf(accelerator).gbps * 1e6;
  const layers = model.layers;

  // Paged KV cache: a running sequence holds its prompt and the tokens generated so far, on average
  // half its output (requests are staggered in steady state).
  const meanContext = load.inputTokens + load.outputTokens / 2;
  const kvPerToken = plan.memory.kvCacheBytesPerToken * pp; // one TP group holds every layer across its stages
  const kvCapacitySequences = Math.max(1, Math.floor((plan.memory.kvCacheCapacityBytes * pp) / (kvPerToken * meanContext)));
  // Running sequences: the load, capped by the KV cache's room and by the scheduler's max_num_seqs;
  // the rest wait (the closed-loop queue of ./model.ts `kvQueueMs`).
  const batch = Math.max(1, Math.min(load.concurrency, kvCapacitySequences, maxRunning(plan)));

  // Weights: the input embedding is looked up, not read; MoE reads only the experts the batch routes to.
  const bytesPerParam = plan.memory.totalWeightsBytes / model.totalParams;
  const { expertParams, denseParams } = expertSplit(model);
  const embedding = model.vocabSize * model.hiddenSize * bytesPerParam;
  const experts = model.moe ? expertsTouched(model, batch) / model.moe.experts : 0;
  const weightBytes = (denseParams * bytesPerParam - (model.tiedEmbeddings ? 0 : embedding) + expertParams * bytesPerParam * experts) / tp;
  const weightReadMs = weightBytes / bandwidth;

  const kvRead = batch * kvPerToken * attendedKeys(model, meanContext);
  const kvReadMs = kvRead / bandwidth;

  const activeParams = model.activeParams ?? model.totalParams;
  const decodeFlops = (batch * (2 * activeParams + attentionFlopsPerPair(model, 'decode') * layers * attendedKeys(model, meanContext))) / tp;
  const decodeComputeMs = decodeFlops / flops;

  const allReduces = tp > 1 ? 2 * layers : 0;
  const ring = tp > 1 ? (2 * (tp - 1)) / tp : 0;
  const allReduceMs = (allReduces * ring * batch * model.hiddenSize * 2) / link;

  // Prefill: 2 x active params per token, causal attention over isl^2/2 pairs, all-reduces of isl tokens.
  const isl = load.inputTokens;
  const prefillFlops = (2 * activeParams * isl + (attentionFlopsPerPair(model, 'prefill') * layers * isl * attendedKeys(model, isl)) / 2) / tp;
  const prefillAllReduceMs = (allReduces * ring * isl * model.hiddenSize * 2) / link;
  const prefillMs = prefillFlops / flops;
  const prefillChunks = Math.ceil(isl / chunkTokens(plan));
  const allWeights = (model.totalParams * bytesPerParam) / tp;
  const prefillWeightMs = (prefillChunks * allWeights) / bandwidth;

  // Closed loop: each request prefills once per `outputTokens` decode steps, so a step carries
  // batch / outputTokens prefills on average.
  const prefillsPerStep = batch / load.outputTokens;

  return {
    batch,
    kvCapacitySequences,
    weightReadMs,
    kvReadMs,
    decodeComputeMs,
    prefillsPerStep,
    allReduces,
    allReduceMs,
    layers,
    moeLayers: model.moe ? layers : 0,
    computeFormat: computeFormat(accelerator, plan.quantization),
    dequantizes: isFourBit(plan.quantization) && computeFormat(accelerator, plan.quantization) === '16-bit',
    prefillMs,
    prefillAllReduceMs,
    prefillWeightMs,
    prefillChunks,
  };
}
