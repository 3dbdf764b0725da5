/**
 * Datasheet figures the performance model needs and the accelerator catalog does not hold: the
 * interconnect a tensor-parallel all-reduce runs over, and FP4 tensor throughput. Keyed by catalog
 * accelerator id. Bandwidths are per direction per device (NVIDIA quotes NVLink as the bidirectional
 * total: 900 GB/s on H100 SXM = 450 GB/s each way).
 */
import type { Accelerator } from '../catalog/types';
import type { Quantization } from '../sizing/types';

export interface InterconnectFacts {
  readonly kind: 'nvlink' | 'pcie' | 'infinity-fabric' | 'neuronlink';
  /** GB/s per direction, per device, to its tensor-parallel peers. */
  readonly gbps: number;
  readonly source: string;
}

const NVLINK_H100 = 'https://www.nvidia.com/en-us/data-center/h100/ (NVLink 900 GB/s bidirectional, SXM)';
const PCIE4 = 'PCI Express 4.0 x16: 32 GB/s per direction (PCI-SIG); no NVLink on this part';
const PCIE5 = 'PCI Express 5.0 x16: 64 GB/s per direction (PCI-SIG)';

export const INTERCONNECTS: Readonly<Record<string, InterconnectFacts>> = {
  T4: { kind: 'pcie', gbps: 16, source: 'https://www.nvidia.com/en-us/data-center/tesla-t4/ (PCIe Gen3 x16)' },
  A10G: { kind: 'pcie', gbps: 32, source: PCIE4 },
  L4: { kind: 'pcie', gbps: 32, source: `${PCIE4}; https://www.nvidia.com/en-us/data-center/l4/` },
  L40S: { kind: 'pcie', gbps: 32, source: `${PCIE4}; https://www.nvidia.com/en-us/data-center/l40s/` },
  'V100-SXM2-16GB': { kind: 'nvlink', gbps: 150, source: 'https://www.nvidia.com/en-us/data-center/v100/ (NVLink 300 GB/s)' },
  'V100-SXM2-32GB': { kind: 'nvlink', gbps: 150, source: 'https://www.nvidia.com/en-us/data-center/v100/ (NVLink 300 GB/s)' },
  'A100-SXM4-40GB': { kind: 'nvlink', gbps: 300, source: 'https://www.nvidia.com/en-us/data-center/a100/ (NVLink 600 GB/s)' },
  'A100-SXM4-80GB': { kind: 'nvlink', gbps: 300, source: 'https://www.nvidia.com/en-us/data-center/a100/ (NVLink 600 GB/s)' },
  'A100-PCIE-40GB': { kind: 'pcie', gbps: 32, source: PCIE4 },
  'A100-PCIE-80GB': { kind: 'pcie', gbps: 32, source: PCIE4 },
  'H100-SXM5-80GB': { kind: 'nvlink', gbps: 450, source: NVLINK_H100 },
  'H100-PCIE-80GB': { kind: 'pcie', gbps: 64, source: PCIE5 },
  // NVL: NVLink bridges join pairs (600 GB/s); a TP group wider than 2 crosses PCIe. Pairs assumed.
  'H100-NVL-94GB': { kind: 'nvlink', gbps: 300, source: 'https://www.nvidia.com/en-us/data-center/h100/ (H100 NVL: NVLink bridge 600 GB/s)' },
  'H200-SXM-141GB': { kind: 'nvlink', gbps: 450, source: 'https://www.nvidia.com/en-us/data-center/h200/ (NVLink 900 GB/s)' },
  'H200-NVL-141GB': { kind: 'nvlink', gbps: 450, source: 'https://www.nvidia.com/en-us/data-center/h200/ (H200 NVL: 2- or 4-way NVLink bridge 900 GB/s)' },
  B200: { kind: 'nvlink', gbps: 900, source: 'https://www.nvidia.com/en-us/data-center/hgx/ (HGX B200: NVLink 5, 1.8 TB/s per GPU)' },
  // 7 Infinity Fabric links of 128 GB/s (bidirectional) to the other 7 GPUs of the platform.
  MI300X: { kind: 'infinity-fabric', gbps: 448, source: 'https://www.amd.com/en/products/accelerators/instinct/mi300/mi300x.html (896 GB/s aggregate peer bandwidth)' },
  // The MI325X platform is the MI300X's UBB board: the same 7 fully meshed links of 128 GB/s.
  MI325X: {
    kind: 'infinity-fabric',
    gbps: 448,
    source: 'https://www.amd.com/en/products/accelerators/instinct/mi300/mi325x.html (7 Infinity Fabric links, 896 GB/s aggregate peer bandwidth, as MI300X)',
  },
  // The Hopper GPU of the superchip keeps its 18 NVLink 4 links (GH200 NVL2 / NVL32 join them GPU to GPU).
  'GH200-96GB': { kind: 'nvlink', gbps: 450, source: 'https://www.nvidia.com/en-us/data-center/grace-hopper-superchip/ (NVLink 4: 900 GB/s bidirectional per GPU)' },
  H20: { kind: 'nvlink', gbps: 450, source: 'NVIDIA H20 product brief (NVLink 900 GB/s bidirectional, HGX 8-GPU)' },
  A10: { kind: 'pcie', gbps: 32, source: `${PCIE4}; https://www.nvidia.com/en-us/data-center/products/a10-gpu/` },
  L40: { kind: 'pcie', gbps: 32, source: `${PCIE4}; https://www.nvidia.com/en-us/data-center/l40/` },
  'RTX-6000-Ada': { kind: 'pcie', gbps: 32, source: `${PCIE4}; https://www.nvidia.com/en-us/design-visualization/rtx-6000/` },
  // A 2-way NVLink bridge (112.5 GB/s) joins pairs only; a wider TP group crosses PCIe 4.0.
  'RTX-A6000': { kind: 'pcie', gbps: 32, source: `${PCIE4}; https://www.nvidia.com/en-us/design-visualization/rtx-a6000/ (NVLink bridge pairs only)` },
  'RTX-4090': { kind: 'pcie', gbps: 32, source: `${PCIE4}; NVIDIA Ada GPU architecture whitepaper (GeForce RTX 4090: no NVLink)` },
  inferentia2: { kind: 'neuronlink', gbps: 96, source: 'https://awsdocs-neuron.readthedocs-hosted.com/ (Inferentia2 NeuronLink-v2, 192 GB/s per device; estimate per direction)' },
  trainium: { kind: 'neuronlink', gbps: 96, source: 'https://awsdocs-neuron.readthedocs-hosted.com/ (Trainium NeuronLink-v2, 192 GB/s per device; estimate per direction)' },
};

/** Dense FP4 tensor TFLOPS (NVFP4/MXFP4 on Blackwell); absent where the GPU has no FP4 tensor cores. */
export const FP4_DENSE_TFLOPS: Readonly<Record<string, { readonly tflops: number; readonly source: string }>> = {
  B200: { tflops: 9000, source: 'catalog facts A1, test/fixtures/catalog-facts (B200: FP4 9,000 dense); https://www.nvidia.com/en-us/data-center/hgx/' },
};

/** The interconnect of `accelerator`: the table's entry, or PCIe 4.0 for anything else. */
export function interconnectOf(accelerator: Accelerator): InterconnectFacts {
  return INTERCONNECTS[accelerator.id] ?? { kind: 'pcie', gbps: 32, source: PCIE4 };
}

const FOUR_BIT: readonly Quantization[] = ['mxfp4', 'nvfp4', 'int4', 'awq', 'gptq', 'bitsandbytes-nf4', 'gguf-q4_k_m'];

/**
 * Dense TFLOPS of the matrix multiplies for weights in `quantization`: FP4 weights run FP4 tensor cores
 * where the GPU has them (Blackwell); FP8 weights FP8 tensor cores (compute capability >= 8.9); every
 * other format (int4/int8 weight-only, GGUF, FP4 on Hopper) dequantizes to 16-bit activations.
 */
export function peakTflops(accelerator: Accelerator, quantization: Quantization): number {
  const format = computeFormat(accelerator, quantization);
  if (format === 'fp4') return FP4_DENSE_TFLOPS[accelerator.id].tflops;
  if (format === 'fp8') return accelerator.denseTflops.fp8!;
  return accelerator.denseTflops.bf16 ?? accelerator.denseTflops.fp16;
}

/** The tensor-core format the matrix multiplies of `quantization` weights run in on `accelerator`. */
export type ComputeFormat = 'fp4' | 'fp8' | '16-bit';

export function computeFormat(accelerator: Accelerator, quantization: Quantization): ComputeFormat {
  if ((quantization === 'nvfp4' || quantization === 'mxfp4') && FP4_DENSE_TFLOPS[accelerator.id]) return 'fp4';
  if (quantization === 'fp8' && accelerator.supportsFp8 && accelerator.denseTflops.fp8 !== undefined) return 'fp8';
  return '16-bit';
}

/** Weight formats of 4 bits or so (read at that size, computed at 16 bits unless FP4 tensor cores exist). */
export function isFourBit(quantization: Quantization): boolean {
  return FOUR_BIT.includes(quantization);
}

/** GPU generations the calibration distinguishes; everything else uses the pooled physics. */
export type Generation = 'hopper' | 'blackwell' | 'other';

export function generationOf(accelerator: Accelerator): Generation {
  if (accelerator.vendor !== 'nvidia') return 'other';
  if (accelerator.computeCapability === 9.0) return 'hopper';
  if (accelerator.computeCapability !== undefined && accelerator.computeCapability >= 10) return 'blackwell';
  return 'other';
}
