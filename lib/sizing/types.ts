import type { Accelerator, InstanceType, ModelArchitecture } from '../catalog/types';
import type { PerformanceEstimate, PlanCandidate, Workload } from '../performance/types';

/** Model servers the library can size and deploy. */
export const ENGINES = ['vllm', 'tgi', 'tgi-neuron', 'fastchat-vllm', 'llama-cpp', 'ollama', 'tei', 'triton-trtllm'] as const;
export type Engine = (typeof ENGINES)[number];

/** Weight formats. `none` = the model's 16-bit weights (fp32 checkpoints are served in 16 bits). */
export const QUANTIZATIONS = [
  'none',
  'fp8',
  'int8',
  'eetq',
  'bitsandbytes-8bit',
  'bitsandbytes-nf4',
  'awq',
  'gptq',
  'gguf-q4_k_m',
  'gguf-q8_0',
  // MXFP4 (gpt-oss MoE experts), NVFP4 (ModelOpt/compressed-tensors FP4), INT4 W4A16 (compressed-tensors).
  'mxfp4',
  'nvfp4',
  'int4',
] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];

/** KV-cache element type: `auto` = the served weight dtype (2 bytes), `fp8` = 1 byte. */
export const KV_CACHE_DTYPES = ['auto', 'fp8'] as const;
export type KvCacheDtype = (typeof KV_CACHE_DTYPES)[number];

/** "Can I serve this model on this hardware, and how?" */
export interface PlanRequest {
  /** A catalog hub id (`meta-llama/Llama-3.1-8B-Instruct`) or any model's architecture. */
  readonly model: string | ModelArchitecture;
  /** @default 'vllm' */
  readonly engine?: Engine;
  /** e.g. `A10G`, `A100-40GB`, `H200`, `inferentia2`. @default any accelerator of the candidates */
  readonly accelerator?: string | Accelerator; // or an Accelerator object (validated field by field)
  /** e.g. `g5.12xlarge`: implies the accelerator and the accelerators per node. */
  readonly instanceType?: string;
  /** Candidate instance types (a node pool's choice). @default the whole catalog */
  readonly instanceTypes?: readonly string[];
  /**
   * `auto`: with a `workload`, the search compares the formats each GPU runs (16-bit, FP8, FP4 where
   * it has FP4 tensor cores, the checkpoint's own) and keeps the cheapest per token; without one, the
   * checkpoint's own format. Resolved by the root `planModel` (lib/performance).
   * @default 'none' ('gguf-q4_k_m' for llama-cpp and ollama)
   */
  readonly quantization?: Quantization | 'auto';
  /** Tokens per sequence (prompt + output). @default min(model maximum, 8192) */
  readonly maxContextLength?: number;
  /** Sequences of `maxContextLength` held in the KV cache at once. @default 1 */
  readonly concurrency?: number;
  /** Force the tensor-parallel size. @default the smallest valid size that fits */
  readonly tensorParallel?: number;
  /** Force the pipeline-parallel size. @default 1 unless one node is not enough */
  readonly pipelineParallel?: number;
  /** Fraction of accelerator memory the engine may use. @default the engine's (vLLM 0.92) */
  readonly gpuMemoryUtilization?: number;
  /** KV-cache dtype. @default 'auto' */
  readonly kvCacheDtype?: KvCacheDtype;
  /**
   * Accelerators per node when no instance type is known (on-prem servers).
   * @default 8 (the usual HGX/DGX server)
   */
  readonly acceleratorsPerNode?: number;
  /**
   * What the deployment must serve (lengths, rate or concurrency, SLO): the root `planModel` then
   * predicts performance, sizes replicas and searches hardware by cost per token (lib/performance).
   */
  readonly workload?: Workload;
  /**
   * Release of the engine the plan is for, e.g. `'0.11.0'` (vLLM's memory accounting changes across
   * releases). LlmWorker derives it from `image` when the image's tag is a version.
   * @default the version of the pinned image (vLLM: lib/engines/common.ts `VLLM_IMAGE`)
   */
  readonly engineVersion?: string;
  /**
   * vLLM `--max-num-seqs`: sequences scheduled per step (and the sampler batch vLLM profiles).
   * @default vLLM's default for the GPU: 1024 on GPUs of 70 GiB or more other than A100, else 256
   */
  readonly maxNumSeqs?: number;
  /**
   * vLLM `--max-num-batched-tokens`: tokens per step (the profiling forward pass).
   * @default vLLM's default for the GPU: 8192 on GPUs of 70 GiB or more other than A100, else 2048
   */
  readonly maxNumBatchedTokens?: number;
  /** vLLM `--enforce-eager`: no CUDA graphs (less memory, slower decoding). @default false */
  readonly enforceEager?: boolean;
}

/** What the overhead of one accelerator is made of (the terms of `MemoryBreakdown.overheadBytes`). */
export interface OverheadBreakdown {
  /** Peak activation and logits of the engine's profiling forward pass. */
  readonly activationBytes: number;
  /** CUDA graphs captured by the engine (0 with enforce-eager or engines without graphs). */
  readonly cudaGraphBytes: number;
  /** Memory outside the framework's allocator: CUDA context, NCCL and all-reduce buffers. */
  readonly nonTorchBytes: number;
  /** Engine reserves and margins not given to the KV cache (e.g. TGI's held-back share). */
  readonly otherBytes: number;
}

export interface MemoryBreakdown {
  /** Weights held by one accelerator (one NeuronCore on Neuron). */
  readonly weightsBytes: number;
  /** KV cache for `concurrency` sequences of `maxContextLength`, per accelerator. */
  readonly kvCacheBytes: number;
  /** Activations, CUDA graphs, non-torch memory and the engine's safety margins, per accelerator. */
  readonly overheadBytes: number;
  /** `overheadBytes` term by term (issue 14 fills it for every engine). */
  readonly overhead?: OverheadBreakdown;
  /** weights + KV cache + overhead. */
  readonly requiredBytesPerAccelerator: number;
  /** Software-visible memory x utilization. */
  readonly usableBytesPerAccelerator: number;
  /** What the engine will give the KV cache: usable - weights - overhead (may exceed `kvCacheBytes`). */
  readonly kvCacheCapacityBytes: number;
  /** KV bytes per token on one accelerator (after tensor/pipeline sharding). */
  readonly kvCacheBytesPerToken: number;
  /** Weights of the whole model in the served format. */
  readonly totalWeightsBytes: number;
}

export interface ModelPlan {
  readonly model: ModelArchitecture;
  readonly engine: Engine;
  readonly quantization: Quantization;
  readonly kvCacheDtype: KvCacheDtype;
  readonly accelerator: Accelerator;
  readonly instanceType?: InstanceType;
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  /** Devices one replica requests (GPUs; Neuron devices, each of 2 NeuronCores). */
  readonly acceleratorsPerReplica: number;
  readonly nodesPerReplica: number;
  /** Devices per node of the chosen instance type (or `acceleratorsPerNode`). */
  readonly acceleratorsPerNode: number;
  readonly maxContextLength: number;
  readonly concurrency: number;
  readonly gpuMemoryUtilization: number;
  /** Engine release the memory plan is for (vLLM, FastChat's vLLM worker). */
  readonly engineVersion?: string;
  /** `--max-num-seqs` the plan was made with (vLLM engines). */
  readonly maxNumSeqs?: number;
  /** `--max-num-batched-tokens` the plan was made with (vLLM engines). */
  readonly maxNumBatchedTokens?: number;
  /** `--enforce-eager` (vLLM engines). */
  readonly enforceEager?: boolean;
  readonly memory: MemoryBreakdown;
  /** Sequences of `maxContextLength` the KV cache holds at once. */
  readonly maxConcurrentSequences: number;
  /** On-demand USD per hour of the nodes one replica occupies, when an instance type is known. */
  readonly hourlyCostUsd?: number;
  readonly warnings: string[];
  /** Predicted latency and throughput at the workload's load per replica (when a workload is given). */
  readonly performance?: PerformanceEstimate;
  /** Fewest replicas that meet the workload's SLO at its load (when a workload is given). */
  readonly replicas?: number;
  /** USD per million output tokens at the predicted throughput (when priced and a workload is given). */
  readonly costPerMillionTokensUsd?: number;
  /** Every configuration the search compared for a workload (GPU x TP x format), the chosen one marked. */
  readonly candidates?: readonly PlanCandidate[];
}
