import { GiB, MiB } from '../catalog/units';
import type { ModelArchitecture } from '../catalog/types';
import { atLeast, type Version } from './engine-version';
import type { OverheadBreakdown } from './types';

/**
 * How vLLM (V1 engine, 0.10 and later) decides the KV cache of one rank, term by term:
 *
 *   requested  = total GPU memory x gpu_memory_utilization
 *   KV cache   = requested - weights - peak activation - non-torch increase [- CUDA graphs]
 *
 * vllm/v1/worker/gpu_worker.py `determine_available_memory` (v0.10.0 .. v0.11.0): a baseline snapshot
 * is taken in `init_device` BEFORE the distributed environment starts, so NCCL and custom all-reduce
 * buffers count as non-torch memory; `profile_run` runs one forward pass of `max_num_batched_tokens`
 * tokens spread over min(max_num_seqs, tokens) requests and a dummy sampler pass on their logits, and
 * the torch peak of that run is the activation term. CUDA graphs are captured AFTER the KV cache is
 * allocated up to v0.20 (they come out of the 1 - utilization headroom); from v0.21.0 their memory is
 * estimated during profiling and subtracted ("CUDA graph memory profiling is enabled (default since
 * v0.21.0)", gpu_worker.py; vllm-project/vllm issue #43308 era logs).
 *
 * The constants marked "calibrated" are fitted on the logs of test/fixtures/vllm-logs.json; the rest is
 * arithmetic on the model's config.
 *
 * Releases after 0.24 (the pinned image is 0.31.0; its source tag could not be read here, see
 * test/fixtures/engine-contracts/vllm-0.31.0.json): the newest log in the fixture is 0.24.0, so 0.25 ..
 * 0.31 are planned with the >= 0.21 rules, which later sources and logs keep:
 * - batch defaults: unchanged in a later arg_utils.py than 99d7eb5 (the copy with `human_readable_int_or_auto`
 *   and `_set_default_max_num_seqs_and_batched_tokens_args`; the code index gives no commit for it);
 * - CUDA graphs inside the budget: v0.29.0 made Model Runner V2 the default and gave it the same CUDA-graph
 *   memory profiling (release notes, vllm-project/vllm PR #53306); 2026 logs print "CUDA graph memory
 *   profiling is enabled (default since v0.21.0)";
 * - sampler: v0.29.0's "batch-sharded sampling" (PR #50465) is said to cut per-step logits memory by 1/TP;
 *   not modelled (no log to calibrate on): at TP > 1 the sampler term may be up to TP x too large, which
 *   under-promises, never over-promises;
 * - non-torch memory: the V1 figures, not re-measured after 0.24.
 */

/** vLLM's engine settings that move the memory plan. */
export interface VllmSettings {
  readonly version: Version;
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  readonly enforceEager: boolean;
  /** Largest CUDA-graph capture size before max_num_seqs caps it (`vllmGraphCaptureCeiling`); 512 when absent. */
  readonly maxCaptureSize?: number;
  /** The GPUs reach each other over PCIe only (no NVLink); unknown counts as NVLink (the larger non-torch term). */
  readonly pcieOnly?: boolean;
}

/**
 * Defaults of the OpenAI server (`vllm serve`), vllm/engine/arg_utils.py `get_batch_defaults` at
 * v0.10.0 .. v0.11.0 (commit 99d7eb5d6a512cfcc5a2b104f24ebf2d6cda772b) and unchanged in a later copy of
 * that file (see the header; V0 releases < 0.8 are planned with the same figures): GPUs with >= 70 GiB that are not A100s get max_num_batched_tokens 8192 and
 * max_num_seqs 1024; every other GPU 2048 and 256 ("Setting large max_num_batched_tokens for A100
 * reduces throughput, see PR #17885"). max_num_seqs is then capped at max_num_batched_tokens.
 */
export function vllmBatchDefaults(totalMemoryBytes: number, acceleratorId: string): { maxNumBatchedTokens: number; maxNumSeqs: number } {
  const large = totalMemoryBytes >= 70 * GiB && !/a100/i.test(acceleratorId);
  return large ? { maxNumBatchedTokens: 8192, maxNumSeqs: 1024 } : { maxNumBatchedTokens: 2048, maxNumSeqs: 256 };
}

/** Non-torch memory of one rank alone: cuBLAS/cuDNN workspaces after the baseline (issue 14 logs: ~0.25 GiB). Calibrated. */
export const NON_TORCH_SINGLE_BYTES = 0.25 * GiB;
/**
 * With TP or PP > 1 on the V1 engine: NCCL communicators and custom all-reduce buffers, created after
 * the baseline snapshot (issue 14 logs: ~2.1 GiB per GPU). Calibrated. The V0 engine (< 0.8) set up
 * NCCL before its baseline and logged ~0.2 GiB at TP 2..4 (vllm issue #13061, PR #14447 logs).
 */
export const NON_TORCH_DISTRIBUTED_BYTES = 2.1 * GiB;

/**
 * Whether vLLM runs its custom all-reduce (and allocates its IPC buffers) for a TP group: not on more than
 * two PCIe-only GPUs (vllm/distributed/device_communicators/custom_all_reduce.py: "Custom allreduce is
 * disabled because it's not supported on more than two PCIe-only GPUs"). Without it only NCCL's own
 * buffers remain: Qwen3-235B-A22B-FP8 on 8 x L40S, vLLM 0.10.2, logged 0.21 GiB of non-torch memory per
 * GPU (test/fixtures/vllm-logs.json), so such ranks are planned with the single-GPU figure.
 */
export function vllmCustomAllReduce(settings: Pick<VllmSettings, 'pcieOnly'>, tensorParallel: number): boolean {
  return !(settings.pcieOnly === true && tensorParallel > 2);
}
/**
 * fp32 copies of the [requests x vocab] logits alive at the sampler's peak. Which top-k/top-p
 * implementation runs decides it (v1/sample/ops/topk_topp_sampler.py: FlashInfer, Triton or the
 * PyTorch-native sort, chosen by VLLM_USE_FLASHINFER_SAMPLER / VLLM_USE_TRITON_SAMPLER and by release;
 * the library sets neither, so the release's default applies). Up to 0.1x the dummy sampler
 * run sets top_k = vocab - 1 and top_p = 0.9 (gpu_model_runner.py `_dummy_sampler_run`), so the full sort
 * (fp32 values + int64 indices), softmax, cumsum and the scattered result are all alive: calibrated 9.5
 * copies on gpt-oss-120b on one H100 (1024 requests x 201,088 vocab: ~7.2 GiB of activation in vllm
 * issues #23278 and #27508). Later runners skip top-k/top-p while profiling ("the sampler may skip top_k,
 * top_p, and logprobs"): calibrated 4.7 copies on the 0.19 and 0.24 logs. Which release in between made
 * the switch is not pinned down; releases before 0.19 are planned with the heavier (safer) figure.
 */
export function samplerLogitCopies(version: Version): number {
  if (!atLeast(version, V1_DEFAULT_FROM)) return 5; // V0 engine: calibrated on the 0.7.0 A10G log (facts D4)
  return atLeast(version, LIGHT_SAMPLER_FROM) ? 4.7 : 9.5;
}
/** vLLM's V1 engine is the default from 0.8.0 (V0 before). */
export const V1_DEFAULT_FROM: Version = [0, 8, 0];
/** First release whose logs show the lighter profiling sampler (see `samplerLogitCopies`). */
export const LIGHT_SAMPLER_FROM: Version = [0, 19, 0];
/** Memory of one piecewise CUDA graph per decoder layer and capture size. Calibrated (Llama-3.1-8B: 0.84 GiB for 67 sizes x 32 layers). */
export const CUDA_GRAPH_BYTES_PER_LAYER_AND_SIZE = 0.4 * MiB;
/** First release that subtracts CUDA-graph memory before sizing the KV cache. */
export const GRAPHS_PROFILED_FROM: Version = [0, 21, 0];

/**
 * Batch sizes vLLM captures CUDA graphs for: 1, 2, 4 and every multiple of 8 up to
 * min(2 x max_num_seqs, 512) (vllm/config/__init__.py `_set_cudagraph_sizes`, v0.10). Later releases
 * capture [1, 2, 4] + range(8, 256, 8) + range(256, max + 1, 16) piecewise graphs (51 at 512) plus FULL
 * decode graphs up to max_num_seqs (FULL_AND_PIECEWISE, the default mode; vLLM engine-args docs of
 * `--max-cudagraph-capture-size`, and logs "Profiling CUDA graph memory: PIECEWISE=51, FULL=35"): 86
 * captures sharing one memory pool. The 67-size count is kept because the per-size constant is
 * calibrated with it, and checked against the 0.24.0 log (test/fixtures/vllm-logs.json, -0.5 % KV).
 */
export function cudaGraphCaptureSizes(maxNumSeqs: number, ceiling = 512): number {
  const largest = Math.min(2 * maxNumSeqs, ceiling);
  return [1, 2, 4].filter((s) => s <= largest).length + Math.floor(largest / 8);
}

/**
 * The default ceiling of the capture sizes: 1024 on data-center Blackwell (compute capability 10.x),
 * 512 elsewhere (vllm/config/vllm.py `_set_cudagraph_sizes`: `default_max_graph_size = 1024 if
 * current_platform.is_device_capability_family(100) else 512`; docs.vllm.ai CompilationConfig
 * `max_cudagraph_capture_size`). The release that raised it is not pinned down: every release is
 * planned with it, which can only over-count graphs on older ones.
 */
export function vllmGraphCaptureCeiling(computeCapability: number | undefined): number {
  return computeCapability !== undefined && Math.floor(computeCapability) === 10 ? 1024 : 512;
}

/** Bytes per token of the profiling forward pass on one rank, in 16 bits. */
function forwardBytesPerToken(model: ModelArchitecture, tensorParallel: number): number {
  const intermediate = model.intermediateSize ?? 4 * model.hiddenSize;
  // Dense MLP: gate_up output (2 I) and the activated half (I), sharded by TP. Fused MoE:
  // intermediate caches of tokens x top-k x (2 I + I) / TP plus tokens x top-k x hidden.
  const mlp = model.moe ? model.moe.expertsPerToken * ((3 * intermediate) / tensorParallel + model.hiddenSize) : (3 * intermediate) / tensorParallel;
  // Residual, normed hidden states, QKV output and attention output.
  const attention = 4 * model.hiddenSize;
  return (mlp + attention) * 2;
}

/**
 * Peak torch memory of `profile_run` on one rank: the larger of the decoder forward pass over
 * `max_num_batched_tokens` tokens and the sampler over min(max_num_seqs, tokens) fp32 logits of the full
 * vocabulary (the vocab-parallel lm_head gathers them on every rank), and, for multimodal models, the
 * encoder's profiling pass (estimate: twice the encoder's weights).
 */
export function vllmActivationBytes(model: ModelArchitecture, settings: VllmSettings, tensorParallel: number): number {
  const tokens = settings.maxNumBatchedTokens;
  const requests = Math.min(settings.maxNumSeqs, tokens);
  const forward = tokens * forwardBytesPerToken(model, tensorParallel);
  const sampler = requests * model.vocabSize * 4 * samplerLogitCopies(settings.version);
  const encoder = model.visionParams ? (2 * model.visionParams * 2) / tensorParallel : 0;
  return Math.round(Math.max(forward, sampler, encoder));
}

/** CUDA-graph memory of one rank (0 with enforce-eager). */
export function vllmCudaGraphBytes(model: ModelArchitecture, settings: VllmSettings, pipelineParallel: number): number {
  if (settings.enforceEager) return 0;
  const layers = Math.ceil(model.layers / pipelineParallel);
  return Math.round(cudaGraphCaptureSizes(settings.maxNumSeqs, settings.maxCaptureSize) * layers * CUDA_GRAPH_BYTES_PER_LAYER_AND_SIZE);
}

/**
 * The overhead vLLM subtracts before the KV cache, term by term, and the CUDA-graph memory it takes
 * from the headroom instead (versions before 0.21).
 */
export function vllmOverhead(model: ModelArchitecture, settings: VllmSettings, tensorParallel: number, pipelineParallel: number): { overhead: OverheadBreakdown; headroomGraphBytes: number } {
  const graphs = vllmCudaGraphBytes(model, settings, pipelineParallel);
  const profiled = atLeast(settings.version, GRAPHS_PROFILED_FROM);
  return {
    overhead: {
      activationBytes: vllmActivationBytes(model, settings, tensorParallel),
      cudaGraphBytes: profiled ? graphs : 0,
      nonTorchBytes:
        tensorParallel * pipelineParallel > 1 && atLeast(settings.version, V1_DEFAULT_FROM) && vllmCustomAllReduce(settings, tensorParallel) ? NON_TORCH_DISTRIBUTED_BYTES : NON_TORCH_SINGLE_BYTES,
      otherBytes: 0,
    },
    headroomGraphBytes: profiled ? 0 : graphs,
  };
}
