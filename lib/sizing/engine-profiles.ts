import { GiB } from '../catalog/units';
import type { Engine, KvCacheDtype, Quantization } from './types';

/**
 * How each model server spends accelerator memory, as the sizing core models it. The memory model is
 *   usable   = software-visible memory x utilization
 *   overhead = runtimeBytes + activations(batchTokens, logitsSequences) [+ the part of the free
 *              memory the engine keeps back: TGI and TensorRT-LLM give the KV cache 90% of it]
 *   KV cache capacity = usable - weights - overhead
 * Figures below say where they come from; "estimate" marks our own assumptions.
 */
export interface EngineSizingProfile {
  /** Accelerators the engine runs on. */
  readonly hardware: 'gpu' | 'neuron';
  /** Weight formats the engine loads (its CLI flag values are mapped by the engine adapters). */
  readonly quantizations: readonly Quantization[];
  readonly defaultQuantization: Quantization;
  readonly kvCacheDtypes: readonly KvCacheDtype[];
  /** Shards attention heads across accelerators (tensor parallel). */
  readonly tensorParallel: boolean;
  /** Spreads layers over the GPUs of one node instead (llama.cpp `--split-mode layer`): reported as PP. */
  readonly layerSplit: boolean;
  /** Splits layers into pipeline stages (inside a node, or across nodes when `multiNode`). */
  readonly pipelineParallel: boolean;
  /** Runs one replica across several nodes (vLLM with Ray, as a LeaderWorkerSet). */
  readonly multiNode: boolean;
  /** Default fraction of memory the engine allocates. */
  readonly defaultUtilization: number;
  /** Share of the memory left after weights and activations that becomes KV cache. */
  readonly kvShareOfFree: number;
  /** Memory outside weights, KV and activations: CUDA context, cuBLAS/NCCL workspaces, CUDA graphs. */
  readonly runtimeBytes: number;
  /** Tokens in the largest forward pass the engine profiles or pre-allocates for. */
  readonly batchTokens: (usableMemoryBytes: number) => number;
  /** Sequences whose logits are materialised at once (fp32) in that pass. */
  readonly logitsSequences: number;
  /** Whether the engine keeps a KV cache (embedding servers do not). */
  readonly kvCache: boolean;
  /**
   * `vllm`: overhead and KV layout follow vLLM's own accounting term by term (./vllm-accounting.ts),
   * for the engine version and batch settings of the request. Otherwise the figures above are used and
   * the overhead breakdown is an estimate.
   */
  readonly accounting?: 'vllm';
}

const VLLM_QUANTIZATIONS: readonly Quantization[] = ['none', 'fp8', 'int8', 'awq', 'gptq', 'bitsandbytes-8bit', 'bitsandbytes-nf4', 'gguf-q4_k_m', 'gguf-q8_0', 'mxfp4', 'nvfp4', 'int4'];

const vllm: EngineSizingProfile = {
  hardware: 'gpu',
  quantizations: VLLM_QUANTIZATIONS,
  defaultQuantization: 'none',
  kvCacheDtypes: ['auto', 'fp8'],
  tensorParallel: true,
  layerSplit: false,
  pipelineParallel: true,
  multiNode: true,
  // vllm/config/cache.py: gpu_memory_utilization default 0.92 (facts D2); adapters always pass the flag.
  defaultUtilization: 0.92,
  kvShareOfFree: 1,
  // The three figures below only serve a memory estimate made without vLLM settings (estimateMemory
  // called directly); plans use vLLM's own accounting (`accounting: 'vllm'`, ./vllm-accounting.ts).
  runtimeBytes: 0.75 * GiB,
  // vllm/engine/arg_utils.py defaults for the OpenAI server: max_num_batched_tokens 2048 on GPUs
  // under 70 GiB, 8192 above.
  batchTokens: (usable) => (usable < 70 * GiB ? 2048 : 8192),
  // max_num_seqs default 256: profile_run samples that many sequences.
  logitsSequences: 256,
  kvCache: true,
  accounting: 'vllm',
};

export const ENGINE_PROFILES: Readonly<Record<Engine, EngineSizingProfile>> = {
  vllm,
  // FastChat's vllm_worker wraps vLLM's engine with vLLM's defaults; it runs as a single Deployment.
  // FastChat's vllm_worker loads from a hub repo: no GGUF files.
  'fastchat-vllm': { ...vllm, quantizations: VLLM_QUANTIZATIONS.filter((q) => !q.startsWith('gguf-')), pipelineParallel: false, multiNode: false },
  tgi: {
    hardware: 'gpu',
    quantizations: ['none', 'fp8', 'eetq', 'awq', 'gptq', 'bitsandbytes-8bit', 'bitsandbytes-nf4'],
    defaultQuantization: 'none',
    kvCacheDtypes: ['auto', 'fp8'],
    tensorParallel: true,
    layerSplit: false,
    pipelineParallel: false,
    multiNode: false,
    // TGI v3.3.7: --cuda-memory-fraction 1.0; KV blocks = free memory after warmup x 0.90
    // (TGI_WIGGLE_ROOM) (facts D1/D2).
    defaultUtilization: 1,
    kvShareOfFree: 0.9,
    runtimeBytes: 0.5 * GiB, // estimate: non-torch memory + CUDA graphs for batch sizes up to 32
    batchTokens: () => 4096, // --max-batch-prefill-tokens fallback default (facts D2)
    logitsSequences: 32,
    kvCache: true,
  },
  'tgi-neuron': {
    hardware: 'neuron',
    quantizations: ['none'],
    defaultQuantization: 'none',
    kvCacheDtypes: ['auto'],
    tensorParallel: true,
    layerSplit: false,
    pipelineParallel: false,
    multiNode: false,
    // Neuron compiles static shapes: the KV cache for batch x sequence length is allocated up front.
    defaultUtilization: 1,
    kvShareOfFree: 1,
    runtimeBytes: 1 * GiB, // estimate: Neuron runtime and compiled-graph scratchpad per NeuronCore
    batchTokens: () => 0,
    logitsSequences: 0,
    kvCache: true,
  },
  'llama-cpp': {
    hardware: 'gpu',
    quantizations: ['gguf-q4_k_m', 'gguf-q8_0', 'none'],
    defaultQuantization: 'gguf-q4_k_m',
    kvCacheDtypes: ['auto'],
    tensorParallel: false,
    layerSplit: true,
    pipelineParallel: true,
    multiNode: false,
    defaultUtilization: 1, // llama.cpp allocates exactly what it needs; no fraction
    kvShareOfFree: 1,
    runtimeBytes: 0.5 * GiB, // estimate: CUDA context + cuBLAS
    batchTokens: () => 512, // compute buffer sized by --ubatch-size (default 512)
    logitsSequences: 1,
    kvCache: true,
  },
  ollama: {
    hardware: 'gpu',
    quantizations: ['gguf-q4_k_m', 'gguf-q8_0', 'none'],
    defaultQuantization: 'gguf-q4_k_m', // the default tag of Ollama's library models
    kvCacheDtypes: ['auto'],
    tensorParallel: false,
    layerSplit: true,
    pipelineParallel: true,
    multiNode: false,
    defaultUtilization: 1,
    kvShareOfFree: 1,
    runtimeBytes: 0.5 * GiB, // estimate, as llama.cpp (Ollama embeds it)
    batchTokens: () => 512,
    logitsSequences: 1,
    kvCache: true,
  },
  tei: {
    hardware: 'gpu',
    quantizations: ['none'],
    defaultQuantization: 'none',
    kvCacheDtypes: ['auto'],
    tensorParallel: false,
    layerSplit: false,
    pipelineParallel: false,
    multiNode: false,
    defaultUtilization: 1,
    kvShareOfFree: 1,
    runtimeBytes: 0.5 * GiB, // estimate
    batchTokens: () => 16384, // TEI --max-batch-tokens default
    logitsSequences: 0,
    kvCache: false,
  },
  'triton-trtllm': {
    hardware: 'gpu',
    quantizations: ['none', 'fp8', 'int8', 'awq', 'gptq', 'mxfp4', 'nvfp4', 'int4'],
    defaultQuantization: 'none',
    kvCacheDtypes: ['auto', 'fp8'],
    tensorParallel: true,
    layerSplit: false,
    pipelineParallel: true,
    multiNode: false,
    // TensorRT-LLM: kv_cache_free_gpu_mem_fraction default 0.9 of the memory left after the engine loads.
    defaultUtilization: 1,
    kvShareOfFree: 0.9,
    runtimeBytes: 0.5 * GiB, // estimate
    batchTokens: () => 8192, // max_num_tokens default of trtllm-build
    logitsSequences: 256,
    kvCache: true,
  },
};
