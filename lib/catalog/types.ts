/**
 * Shapes of the catalog facts. Every figure in a catalog entry comes from test/fixtures/catalog-facts/catalog-facts.md
 * and carries its source key (see `SOURCES` in ./sources.ts).
 */

/** Extended resource a pod requests for one device. */
export type AcceleratorResource = 'nvidia.com/gpu' | 'amd.com/gpu' | 'aws.amazon.com/neuron';

/** A MIG GPU-instance profile (e.g. `1g.10gb`) and how many of it fit on one GPU. */
export interface MigProfile {
  readonly name: string;
  readonly maxInstances: number;
}

export interface Accelerator {
  /** Canonical id, e.g. `A100-SXM4-40GB`, `H100-SXM5-80GB`, `inferentia2`. */
  readonly id: string;
  /** Human name, e.g. `NVIDIA A100 SXM4 40GB`. */
  readonly displayName: string;
  readonly vendor: 'nvidia' | 'amd' | 'aws';
  /** `gpu` runs CUDA/ROCm engines; `neuron` runs only Neuron engines (TGI-neuron). */
  readonly kind: 'gpu' | 'neuron';
  /** Extra lookup names (matched case-insensitively, ignoring `_`, spaces and `-`). */
  readonly aliases: readonly string[];
  /** Memory per device as marketed (datasheet), in bytes. */
  readonly memoryBytes: number;
  /**
   * Memory per device that software can allocate (CUDA/PyTorch total = what vLLM calls "total GPU
   * memory"), in bytes. The sizing core budgets against this, not the datasheet figure (facts D7).
   */
  readonly usableMemoryBytes: number;
  /** Where `usableMemoryBytes` comes from: a measured total or the datasheet when none was found. */
  readonly usableMemoryBasis: 'measured' | 'datasheet' | 'ec2-reported';
  /** Memory bandwidth, GB/s (10^9 bytes per second). */
  readonly memoryBandwidthGBps: number;
  /** Dense (non-sparse) tensor TFLOPS; undefined where the format is not supported. */
  readonly denseTflops: { readonly bf16?: number; readonly fp16: number; readonly fp8?: number };
  /** CUDA compute capability (NVIDIA only), e.g. 8.0 for A100. */
  readonly computeCapability?: number;
  readonly supportsBf16: boolean;
  readonly supportsFp8: boolean;
  readonly resourceName: AcceleratorResource;
  /** NVML device name as nvidia-smi prints it, e.g. `NVIDIA A10G`. */
  readonly nvmlName?: string;
  /** GPU Feature Discovery `nvidia.com/gpu.product` label value, e.g. `NVIDIA-A10G`. */
  readonly gfdProduct?: string;
  /** Karpenter `karpenter.k8s.aws/instance-gpu-name` value, e.g. `a10g`. */
  readonly karpenterGpuName?: string;
  /** Karpenter `karpenter.k8s.aws/instance-accelerator-name` value (Neuron), e.g. `inferentia2`. */
  readonly karpenterAcceleratorName?: string;
  /** Node labels a device plugin/labeller sets for this device (AMD), name -> value. */
  readonly nodeLabels?: Readonly<Record<string, string>>;
  /** MIG profiles, when the GPU supports MIG. */
  readonly migProfiles?: readonly MigProfile[];
  /** Neuron devices: NeuronCores per device (2 for Inferentia2 and Trainium). */
  readonly neuronCoresPerDevice?: number;
  /** Source keys of the facts (catalog-facts.md). */
  readonly sources: readonly string[];
}

export interface InstanceType {
  /** EC2 instance type, e.g. `g5.12xlarge`. */
  readonly name: string;
  /** `karpenter.k8s.aws/instance-family`, e.g. `g5`, `p6-b200`. */
  readonly family: string;
  /** `karpenter.k8s.aws/instance-category`, e.g. `g`, `gr`, `p`, `inf`, `trn`. */
  readonly category: string;
  /** `karpenter.k8s.aws/instance-generation`. */
  readonly generation: number;
  /** `karpenter.k8s.aws/instance-size`, e.g. `12xlarge`, `metal`. */
  readonly size: string;
  readonly vcpu: number;
  /** Instance memory in MiB (Karpenter `instance-memory`). */
  readonly memoryMiB: number;
  /** Catalog id of the accelerator (see accelerators.ts). */
  readonly acceleratorId: string;
  /** Devices per instance (GPUs, or Neuron devices: chips, not cores). */
  readonly acceleratorCount: number;
  /** Memory per device as EC2/Karpenter report it (`instance-gpu-memory`), MiB. */
  readonly acceleratorMemoryMiB: number;
  /** Local NVMe in GiB (`instance-local-nvme`); 0 = EBS only. */
  readonly localNvmeGiB: number;
  /** Baseline network bandwidth, Mbps (`instance-network-bandwidth`). */
  readonly networkMbps: number;
  /** Allocatable `vpc.amazonaws.com/efa` interfaces. */
  readonly efa: number;
  /** `karpenter.k8s.aws/instance-cpu-manufacturer`. */
  readonly cpuManufacturer: 'intel' | 'amd' | 'aws';
  /** On-demand Linux USD/hour in us-east-1 (see `PRICE_DATE`); undefined when not sold on demand. */
  readonly onDemandUsdPerHour?: number;
  readonly sources: readonly string[];
}

/** Mixture-of-experts layout. All experts are resident in memory; only `expertsPerToken` compute. */
export interface MoeConfig {
  readonly experts: number;
  readonly expertsPerToken: number;
  readonly sharedExperts?: number;
}

/** Multi-head latent attention (DeepSeek): the KV cache holds one latent per layer and token. */
export interface MlaConfig {
  readonly kvLoraRank: number;
  readonly qkRopeHeadDim: number;
  readonly qkNopeHeadDim: number;
  readonly vHeadDim: number;
  readonly qLoraRank?: number;
}

/**
 * A model's architecture, as its Hugging Face `config.json` describes it. Users may pass their own
 * object (any Hugging Face model) wherever a catalog id is accepted.
 */
export interface ModelArchitecture {
  /** Hugging Face hub id, e.g. `meta-llama/Llama-3.1-8B`. */
  readonly id: string;
  /** Total parameters (all experts for MoE). */
  readonly totalParams: number;
  /** Parameters used per token (MoE); defaults to `totalParams`. */
  readonly activeParams?: number;
  /** `num_hidden_layers` (all decoder layers, including cross-attention layers of vision models). */
  readonly layers: number;
  readonly hiddenSize: number;
  /** `intermediate_size` (per-expert `moe_intermediate_size` for MoE layers). */
  readonly intermediateSize?: number;
  readonly attentionHeads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  /** `max_position_embeddings`. */
  readonly maxContextLength: number;
  /** `torch_dtype` of the checkpoint. */
  readonly dtype: 'bfloat16' | 'float16' | 'float32';
  /** `tie_word_embeddings`: the lm_head shares the embedding matrix. */
  readonly tiedEmbeddings: boolean;
  /**
   * Layers that hold a KV cache for text tokens, when fewer than `layers` (vision models: the
   * self-attention layers only; cross-attention layers hold image-token KV). Default: `layers`.
   */
  readonly kvCacheLayers?: number;
  readonly moe?: MoeConfig;
  readonly mla?: MlaConfig;
  /** Sliding-window attention on some layers (Gemma-2): window in tokens. */
  readonly slidingWindow?: number;
  /**
   * Layers that use `slidingWindow` (the rest attend over the full context). Gemma 2: half; Gemma 3:
   * 5 of every 6; gpt-oss: alternate layers. @default all layers when `slidingWindow` is set
   */
  readonly slidingWindowLayers?: number;
  /** Chunked local attention (Llama 4): chunk in tokens (`attention_chunk_size`). */
  readonly attentionChunkSize?: number;
  /** Layers that use chunked local attention (Llama 4: 3 of every 4). */
  readonly chunkedAttentionLayers?: number;
  /** Linear-attention / state-space layers (Qwen3-Next): a fixed state per sequence, no per-token KV. */
  readonly linearAttentionLayers?: number;
  /** Bytes of recurrent state one sequence holds in one linear-attention layer (16-bit). */
  readonly linearStateBytesPerLayer?: number;
  /** Learned attention sinks (gpt-oss). */
  readonly attentionSinks?: boolean;
  /** Vision (or audio) encoder parameters, included in `totalParams` (multimodal models). */
  readonly visionParams?: number;
  /** Multi-token-prediction layers (DeepSeek-V3, GLM-4.5): in the checkpoint, not loaded by default. */
  readonly mtpParams?: number;
  /**
   * The checkpoint's own weight format when it is not 16-bit (gpt-oss `mxfp4`, DeepSeek-V3 `fp8`,
   * Kimi-K2-Thinking `int4`): the default quantization when the request names none.
   */
  readonly nativeQuantization?: string;
  /** Facts that change sizing and that a planner should repeat as warnings. */
  readonly caveats?: readonly string[];
  /** Embedding-only model (served by TEI): no KV cache, no generation. */
  readonly embedding?: boolean;
  /**
   * The hub repo is gated: downloads need a token of an account that accepted the license (the model
   * page says "You need to agree to share your contact information to access this model").
   */
  readonly gated?: boolean;
  /** Source URL(s) of the figures. */
  readonly sources?: readonly string[];
}

/**
 * Another hub id that shares an architecture (an `-Instruct`/`-it` release), with the fields its own
 * config.json changes.
 */
export interface ModelVariant {
  readonly id: string;
  readonly baseId: string;
  readonly overrides?: Partial<Omit<ModelArchitecture, 'id'>>;
  readonly source: string;
}
