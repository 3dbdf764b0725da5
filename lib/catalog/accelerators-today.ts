/**
 * Accelerators beyond table A of catalog-facts.md: common on-prem and cloud parts of today. Every
 * figure comes from the vendor datasheet named in `sources` (keys in ./sources.ts). Dense TFLOPS are
 * the datasheets' sparse figures halved. Where no software-visible total was measured, usable memory
 * is the datasheet figure (`usableMemoryBasis: 'datasheet'`), as for H100 NVL and MI300X.
 */
import type { Accelerator } from './types';
import { GB, GiB } from './units';

const NVIDIA = { vendor: 'nvidia', kind: 'gpu', resourceName: 'nvidia.com/gpu', supportsBf16: true } as const;

export const ACCELERATORS_TODAY: readonly Accelerator[] = [
  {
    ...NVIDIA,
    id: 'A10',
    displayName: 'NVIDIA A10 (PCIe)',
    aliases: ['A10-24GB'],
    memoryBytes: 24 * GB,
    usableMemoryBytes: Math.round(22.3 * GiB), // nvidia-smi shows 23028 MiB like the A10G (facts D7): its CUDA total
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 600,
    denseTflops: { bf16: 125, fp16: 125 }, // 250 with sparsity
    computeCapability: 8.6,
    supportsFp8: false,
    nvmlName: 'NVIDIA A10',
    gfdProduct: 'NVIDIA-A10',
    sources: ['NV-A10', 'NV-CC', 'D7'],
  },
  {
    ...NVIDIA,
    id: 'L40',
    displayName: 'NVIDIA L40',
    aliases: ['L40-48GB'],
    memoryBytes: 48 * GB,
    usableMemoryBytes: 48 * GB,
    usableMemoryBasis: 'datasheet',
    memoryBandwidthGBps: 864,
    denseTflops: { bf16: 181, fp16: 181, fp8: 362 }, // 362 / 724 with sparsity
    computeCapability: 8.9,
    supportsFp8: true,
    nvmlName: 'NVIDIA L40',
    gfdProduct: 'NVIDIA-L40',
    sources: ['NV-L40', 'NV-CC'],
  },
  {
    ...NVIDIA,
    id: 'RTX-6000-Ada',
    displayName: 'NVIDIA RTX 6000 Ada Generation',
    aliases: ['RTX6000-Ada', 'RTX-6000-Ada-48GB'],
    memoryBytes: 48 * GB,
    usableMemoryBytes: 48 * GB,
    usableMemoryBasis: 'datasheet',
    memoryBandwidthGBps: 960,
    denseTflops: { bf16: 364.2, fp16: 364.2, fp8: 728.5 }, // datasheet: 1,457 FP8 TFLOPS with sparsity
    computeCapability: 8.9,
    supportsFp8: true,
    nvmlName: 'NVIDIA RTX 6000 Ada Generation',
    gfdProduct: 'NVIDIA-RTX-6000-Ada-Generation',
    sources: ['NV-RTX6000ADA', 'NV-CC'],
  },
  {
    ...NVIDIA,
    id: 'RTX-A6000',
    displayName: 'NVIDIA RTX A6000',
    aliases: ['A6000'],
    memoryBytes: 48 * GB,
    usableMemoryBytes: 48 * GB,
    usableMemoryBasis: 'datasheet',
    memoryBandwidthGBps: 768,
    denseTflops: { bf16: 154.8, fp16: 154.8 }, // 309.7 with sparsity
    computeCapability: 8.6,
    supportsFp8: false,
    nvmlName: 'NVIDIA RTX A6000',
    gfdProduct: 'NVIDIA-RTX-A6000',
    sources: ['NV-A6000', 'NV-CC'],
  },
  {
    ...NVIDIA,
    id: 'RTX-4090',
    displayName: 'NVIDIA GeForce RTX 4090',
    aliases: ['4090', 'GeForce-RTX-4090'],
    memoryBytes: 24 * GiB, // 24 GB GDDR6X = 24576 MiB
    usableMemoryBytes: 24 * GiB,
    usableMemoryBasis: 'datasheet',
    memoryBandwidthGBps: 1008,
    // Ada whitepaper appendix: FP16/BF16 with FP32 accumulate 165.2 dense; FP8 with FP32 accumulate 330.3.
    denseTflops: { bf16: 165.2, fp16: 165.2, fp8: 330.3 },
    computeCapability: 8.9,
    supportsFp8: true,
    nvmlName: 'NVIDIA GeForce RTX 4090',
    gfdProduct: 'NVIDIA-GeForce-RTX-4090',
    sources: ['NV-ADA', 'NV-CC'],
  },
  {
    ...NVIDIA,
    id: 'GH200-96GB',
    displayName: 'NVIDIA GH200 Grace Hopper (H100 96GB HBM3)',
    aliases: ['GH200', 'GH200-480GB'],
    memoryBytes: 96 * GB,
    usableMemoryBytes: 96 * GB,
    usableMemoryBasis: 'datasheet',
    memoryBandwidthGBps: 4000,
    denseTflops: { bf16: 989, fp16: 989, fp8: 1979 },
    computeCapability: 9.0,
    supportsFp8: true,
    nvmlName: 'NVIDIA GH200 480GB',
    gfdProduct: 'NVIDIA-GH200-480GB',
    sources: ['NV-GH200', 'NV-CC'],
  },
  {
    ...NVIDIA,
    id: 'H20',
    displayName: 'NVIDIA H20',
    aliases: ['H20-96GB'],
    memoryBytes: 96 * GB,
    usableMemoryBytes: 96 * GB,
    usableMemoryBasis: 'datasheet',
    memoryBandwidthGBps: 4000,
    denseTflops: { bf16: 148, fp16: 148, fp8: 296 },
    computeCapability: 9.0,
    supportsFp8: true,
    nvmlName: 'NVIDIA H20',
    gfdProduct: 'NVIDIA-H20',
    sources: ['NV-H20', 'NV-CC'],
  },
  {
    id: 'MI325X',
    displayName: 'AMD Instinct MI325X',
    vendor: 'amd',
    kind: 'gpu',
    aliases: ['AMD-Instinct-MI325X'],
    memoryBytes: 256 * GB,
    usableMemoryBytes: 256 * GB,
    usableMemoryBasis: 'datasheet',
    memoryBandwidthGBps: 6000,
    denseTflops: { bf16: 1307.4, fp16: 1307.4, fp8: 2614.9 }, // CDNA3 gfx942, 304 CUs like the MI300X
    supportsBf16: true,
    supportsFp8: true,
    resourceName: 'amd.com/gpu',
    sources: ['AMD-MI325X'],
  },
  {
    id: 'trainium2',
    displayName: 'AWS Trainium2',
    vendor: 'aws',
    kind: 'neuron',
    aliases: ['trn2'],
    memoryBytes: 96 * GiB, // 96 GiB HBM per chip (4 stacks)
    usableMemoryBytes: 96 * GiB,
    usableMemoryBasis: 'datasheet',
    memoryBandwidthGBps: 2900,
    denseTflops: { bf16: 667, fp16: 667, fp8: 1299 },
    supportsBf16: true,
    supportsFp8: true,
    resourceName: 'aws.amazon.com/neuron',
    karpenterAcceleratorName: 'trainium2',
    neuronCoresPerDevice: 8,
    sources: ['NEURON-TRN2', 'KP-IT'],
  },
];

/**
 * Names that mean one chip in several form factors. EC2 shapes resolve them to the part EC2 sells
 * (lookupAccelerator); an on-prem pool must name the form factor, because the servers decide it.
 * (`A100-40GB` is as ambiguous but stays accepted on-prem for now: existing pools and examples use it.)
 */
export const FORM_FACTOR_VARIANTS: Readonly<Record<string, readonly string[]>> = {
  'A100-80GB': ['A100-SXM4-80GB', 'A100-PCIE-80GB'],
  H100: ['H100-SXM5-80GB', 'H100-PCIE-80GB', 'H100-NVL-94GB'],
  'H100-80GB': ['H100-SXM5-80GB', 'H100-PCIE-80GB'],
  H200: ['H200-SXM-141GB', 'H200-NVL-141GB'],
  'H200-141GB': ['H200-SXM-141GB', 'H200-NVL-141GB'],
};
