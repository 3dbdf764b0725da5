import { weightParamSplit } from '../catalog/models';
import type { Accelerator, ModelArchitecture } from '../catalog/types';
import { ENGINE_PROFILES } from './engine-profiles';
import type { Engine, KvCacheDtype, Quantization } from './types';

/**
 * Bits per weight of each format (facts D6). `linearBits` applies to the quantized Linear layers;
 * embeddings and lm_head stay 16-bit for every GPU format except GGUF, whose published
 * bits-per-weight average already covers all tensors (llama.cpp tools/quantize/README.md).
 */
interface WeightFormat {
  readonly linearBits: number;
  readonly embeddingBits: number;
  /** Lowest CUDA compute capability whose kernels run the format (NVIDIA), when there is one. */
  readonly minComputeCapability?: number;
  /** Needs FP8 tensor cores (CC >= 8.9, or an FP8-capable AMD/Neuron device). */
  readonly needsFp8?: boolean;
  /** Has CUDA-only kernels (no ROCm build). */
  readonly cudaOnly?: boolean;
  /** Only the MoE experts are in this format; attention, router and embeddings stay 16-bit. */
  readonly expertsOnly?: boolean;
  /** Expert intermediate size is padded up to a multiple of this when loaded (vLLM MXFP4 kernels). */
  readonly padIntermediateTo?: number;
}

const WEIGHT_FORMATS: Readonly<Record<Quantization, WeightFormat>> = {
  none: { linearBits: 16, embeddingBits: 16 },
  fp8: { linearBits: 8, embeddingBits: 16, needsFp8: true }, // + per-tensor scales (negligible)
  // vLLM docs: INT8 W8A8 needs compute capability >= 7.5.
  int8: { linearBits: 8, embeddingBits: 16, minComputeCapability: 7.5 },
  eetq: { linearBits: 8, embeddingBits: 16, cudaOnly: true },
  'bitsandbytes-8bit': { linearBits: 8, embeddingBits: 16, cudaOnly: true },
  // 4-bit + one fp32 absmax per 64-weight block = 4.5 bits (4.127 with double quant; we stay conservative).
  'bitsandbytes-nf4': { linearBits: 4.5, embeddingBits: 16, cudaOnly: true },
  // 4 bits + fp16 scale/128 + 4-bit zero/128 = 4.156 bits (group size 128); AWQ kernels need CC >= 7.5.
  awq: { linearBits: 4.156, embeddingBits: 16, minComputeCapability: 7.5 },
  gptq: { linearBits: 4.156, embeddingBits: 16, minComputeCapability: 6.0 },
  'gguf-q4_k_m': { linearBits: 4.8944, embeddingBits: 4.8944 }, // Llama-3.1-8B: 4.8944 bpw
  'gguf-q8_0': { linearBits: 8.5008, embeddingBits: 8.5008 }, // 8.5008 bpw
  // OCP MX FP4: 4-bit E2M1 + one 8-bit E8M0 scale per 32 weights = 4.25 bits. vLLM quantizes only the
  // fused MoE experts with it (vllm/model_executor/layers/quantization/mxfp4.py, v0.11.0: Mxfp4Config
  // returns no method for Linear layers) and pads the expert intermediate size to a multiple of 256
  // (`round_up(intermediate_size_per_partition, 256)`). Marlin (CC >= 8.0) runs it where no native FP4 is.
  mxfp4: { linearBits: 4.25, embeddingBits: 16, minComputeCapability: 8.0, cudaOnly: true, expertsOnly: true, padIntermediateTo: 256 },
  // NVFP4: 4-bit E2M1 + one FP8 E4M3 scale per 16 weights (+ a per-tensor fp32 scale) = 4.5 bits on every
  // Linear layer. Native FP4 tensor cores need CC >= 10.0 (Blackwell); vLLM falls back to weight-only
  // Marlin on CC >= 8.0 ("Your GPU does not have native support for FP4 computation", marlin_utils_fp4.py).
  nvfp4: { linearBits: 4.5, embeddingBits: 16, minComputeCapability: 8.0, cudaOnly: true },
  // W4A16 INT4 (compressed-tensors pack-quantized, group 128, 16-bit scales) = 4.125 bits; Marlin/Machete
  // kernels need CC >= 8.0 (vllm compressed_tensors_wNa16.py).
  int4: { linearBits: 4.125, embeddingBits: 16, minComputeCapability: 8.0, cudaOnly: true },
};

/**
 * Parameters in the MoE experts' gated MLPs (gate, up, down: 3 x hidden x moe_intermediate per expert, on
 * every layer), bounded by the non-embedding parameters.
 */
export function expertParams(model: ModelArchitecture): number {
  if (!model.moe || model.intermediateSize === undefined) return 0;
  const { linearParams } = weightParamSplit(model);
  return Math.min(linearParams, model.moe.experts * model.layers * 3 * model.hiddenSize * model.intermediateSize);
}

/**
 * Bytes of the weights the engine loads for `model` in `quantization` (MoE: all experts are resident).
 * Multi-token-prediction layers (`mtpParams`) are in the checkpoint but not loaded unless speculative
 * decoding asks for them: vLLM's DeepSeek-V2/V3 `load_weights` skips them ("skip spec decode layers for
 * main model", vllm-project/vllm vllm/model_executor/models/deepseek_v2.py @ b863fe5bf4e19680572603b4e166faefc5725551),
 * and GLM-4.5's builds num_hidden_layers layers only, the MTP layer being `get_spec_layer_idx_from_weight_name`'s
 * (glm4_moe.py @ a4cd9d0d28bdb41db8dfe0acdafac2bf2f608630).
 */
export function weightBytes(model: ModelArchitecture, quantization: Quantization): number {
  return formatBytes(model, quantization, weightParamSplit(model).linearParams - (model.mtpParams ?? 0));
}

/** Bytes of the multi-token-prediction layers in `quantization` (downloaded, not loaded). */
function mtpBytes(model: ModelArchitecture, quantization: Quantization): number {
  return Math.round(((model.mtpParams ?? 0) * WEIGHT_FORMATS[quantization].linearBits) / 8);
}

function formatBytes(model: ModelArchitecture, quantization: Quantization, linearParams: number): number {
  const format = WEIGHT_FORMATS[quantization];
  const { embeddingParams } = weightParamSplit(model);
  if (format.expertsOnly) {
    const experts = expertParams(model);
    const intermediate = model.intermediateSize ?? 1;
    const pad = format.padIntermediateTo ? (Math.ceil(intermediate / format.padIntermediateTo) * format.padIntermediateTo) / intermediate : 1;
    return Math.round((experts * pad * format.linearBits + (linearParams - experts + embeddingParams) * 16) / 8);
  }
  return Math.round((linearParams * format.linearBits + embeddingParams * format.embeddingBits) / 8);
}

/**
 * Weights one rank of the worst pipeline stage holds: ceil(decoder weights / PP) plus one vocab x hidden
 * matrix (the first stage keeps the embedding, the last the lm_head; with tied embeddings both keep a
 * copy) plus the vision encoder (first stage), split over TP. With PP 1, the whole model over TP.
 */
export function stageWeightBytes(model: ModelArchitecture, quantization: Quantization, tensorParallel: number, pipelineParallel: number): number {
  const total = weightBytes(model, quantization);
  if (pipelineParallel === 1) return Math.ceil(total / tensorParallel);
  const format = WEIGHT_FORMATS[quantization];
  const bits = format.embeddingBits;
  const { embeddingParams } = weightParamSplit(model);
  // A vision encoder runs before the first decoder layer: the first stage holds all of it.
  const encoder = ((model.visionParams ?? 0) * (format.expertsOnly ? 16 : format.linearBits)) / 8;
  const decoder = total - (embeddingParams * bits) / 8 - encoder;
  const oneMatrix = (model.vocabSize * model.hiddenSize * bits) / 8;
  return Math.ceil((decoder / pipelineParallel + oneMatrix + encoder) / tensorParallel);
}

/** Why `quantization` cannot apply to `model` at all, or undefined (MXFP4 in vLLM exists for MoE experts only). */
export function modelQuantizationIncompatibility(model: ModelArchitecture, quantization: Quantization): string | undefined {
  if (WEIGHT_FORMATS[quantization].expertsOnly && !model.moe) {
    return `'${quantization}' quantizes mixture-of-experts layers only (vLLM's Mxfp4Config has no method for Linear layers); ${model.id} is a dense model`;
  }
  return undefined;
}

/**
 * Bytes of the checkpoint an engine downloads: for 16-bit serving, the checkpoint's own dtype (an fp32
 * checkpoint such as gemma-2 base or GPT-2 downloads twice what it serves); otherwise the quantized
 * export, whose size is the served size.
 */
export function checkpointBytes(model: ModelArchitecture, quantization: Quantization): number {
  if (quantization !== 'none' || model.dtype !== 'float32') return weightBytes(model, quantization) + mtpBytes(model, quantization);
  return model.totalParams * 4;
}

/** Bytes per KV-cache element: the served dtype (16-bit) or fp8. */
export function kvElementBytes(kvCacheDtype: KvCacheDtype): number {
  return kvCacheDtype === 'fp8' ? 1 : 2;
}

/**
 * Why `engine` cannot run `quantization` on `accelerator`, or undefined when it can. Pure facts of the
 * engines and hardware; the planner turns a reason into an error or skips that hardware.
 */
export function quantizationIncompatibility(engine: Engine, quantization: Quantization, accelerator: Accelerator): string | undefined {
  const profile = ENGINE_PROFILES[engine];
  if (!profile.quantizations.includes(quantization)) {
    return `${engine} does not load '${quantization}' weights (it supports: ${profile.quantizations.join(', ')})`;
  }
  const format = WEIGHT_FORMATS[quantization];
  if (format.needsFp8 && !accelerator.supportsFp8) {
    return `'${quantization}' needs FP8 tensor cores (compute capability >= 8.9: L4, L40S, H100, H200, B200); ${accelerator.id} has none`;
  }
  const cc = accelerator.computeCapability;
  if (format.minComputeCapability !== undefined && cc !== undefined && cc < format.minComputeCapability) {
    return `'${quantization}' kernels need compute capability >= ${format.minComputeCapability}; ${accelerator.id} is ${cc.toFixed(1)}`;
  }
  if (format.cudaOnly && accelerator.vendor !== 'nvidia') {
    return `'${quantization}' has CUDA kernels only; ${accelerator.id} is not an NVIDIA GPU`;
  }
  return undefined;
}

/** True for the llama.cpp file formats. */
export function isGguf(quantization: Quantization): boolean {
  return quantization.startsWith('gguf-');
}
