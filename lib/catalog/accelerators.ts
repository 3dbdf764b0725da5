/**
 * Accelerator catalog: the GPUs and Neuron devices llm-constructs can size for, and a forgiving
 * lookup by name. Every figure comes from test/fixtures/catalog-facts/catalog-facts.md (tables A1, A2, A3, B2 and D7);
 * `sources` names the rows, and a comment marks each value where the facts left a choice.
 */
import { describe } from '../describe';
import { SizingError } from '../errors';
import { nearestNames, normalizeName } from './nearest';
import { ACCELERATORS_TODAY, FORM_FACTOR_VARIANTS } from './accelerators-today';
import type { Accelerator, MigProfile } from './types';
import { validateAccelerator } from './validate-accelerator';
import { GB, GiB, MiB } from './units';

/** A software-visible total given in GiB (table D7), in bytes. */
function gib(value: number): number {
  return Math.round(value * GiB);
}

/** MIG profile sets of table A2; a `+me` profile is its own entry, one instance per GPU. */
function mig(...profiles: Array<[name: string, maxInstances: number]>): readonly MigProfile[] {
  return profiles.map(([name, maxInstances]) => ({ name, maxInstances }));
}
const MIG_A1_40 = mig(['1g.5gb', 7], ['1g.5gb+me', 1], ['1g.10gb', 4], ['2g.10gb', 3], ['3g.20gb', 2], ['4g.20gb', 1], ['7g.40gb', 1]);
const MIG_A1_80 = mig(['1g.10gb', 7], ['1g.10gb+me', 1], ['1g.20gb', 4], ['2g.20gb', 3], ['3g.40gb', 2], ['4g.40gb', 1], ['7g.80gb', 1]);
// A2 gives no count for `1g.12gb+me`; like every other `+me` profile it takes the one media engine: 1.
const MIG_H1_94 = mig(['1g.12gb', 7], ['1g.12gb+me', 1], ['1g.24gb', 4], ['2g.24gb', 3], ['3g.47gb', 2], ['4g.47gb', 1], ['7g.94gb', 1]);
const MIG_H2_141 = mig(['1g.18gb', 7], ['1g.18gb+me', 1], ['1g.35gb', 4], ['2g.35gb', 3], ['3g.71gb', 2], ['4g.71gb', 1], ['7g.141gb', 1]);
const MIG_B2_180 = mig(['1g.23gb', 7], ['1g.23gb+me', 1], ['1g.45gb', 4], ['2g.45gb', 3], ['3g.90gb', 2], ['4g.90gb', 1], ['7g.180gb', 1]);

// Software-visible totals shared by several entries (D7, PyTorch/vLLM column).
const A100_40_USABLE = gib(39.39);
const A100_80_USABLE = gib(79.26);
const H100_USABLE = gib(79.18); // vLLM logs (D7 also lists 79.11 PyTorch OOM, 79.21 deviceQuery)
const H200_USABLE = gib(139.8);

const NVIDIA = { vendor: 'nvidia', kind: 'gpu', resourceName: 'nvidia.com/gpu' } as const;

/** The A100 40GB chip, the same in both form factors (A1: SXM4 and PCIe 40GB share memory, bandwidth and compute). */
const A100_40GB = {
  memoryBytes: 40 * GB,
  usableMemoryBytes: A100_40_USABLE,
  usableMemoryBasis: 'measured',
  memoryBandwidthGBps: 1555,
  denseTflops: { bf16: 312, fp16: 312 },
  computeCapability: 8.0,
  supportsBf16: true,
  supportsFp8: false,
} as const;

/** Freezes the catalog, so that a caller cannot change an entry every later lookup returns. */
function frozen(entries: Accelerator[]): readonly Accelerator[] {
  return Object.freeze(entries.map((entry) => Object.freeze(entry)));
}

export const ACCELERATORS: readonly Accelerator[] = frozen([
  {
    ...NVIDIA,
    id: 'T4',
    displayName: 'NVIDIA T4',
    aliases: [],
    memoryBytes: 16 * GB,
    usableMemoryBytes: gib(14.75), // ECC on (GDDR6 ECC takes 1/16)
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 320,
    denseTflops: { fp16: 65 }, // no BF16 on Turing, no FP8
    computeCapability: 7.5,
    supportsBf16: false,
    supportsFp8: false,
    nvmlName: 'Tesla T4',
    gfdProduct: 'Tesla-T4',
    karpenterGpuName: 't4',
    sources: ['NV-T4', 'NV-CC', 'GFD', 'D7', 'KP-IT'],
  },
  {
    ...NVIDIA,
    id: 'A10G',
    displayName: 'NVIDIA A10G',
    aliases: [],
    memoryBytes: 24 * GB,
    usableMemoryBytes: gib(22.3), // vLLM 0.7 log (D7 also lists 22.20 from a 2023 PyTorch OOM)
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 600,
    // NVIDIA publishes no A10G datasheet: ~70 dense TFLOPS is a third-party approximation (A1, gaps).
    denseTflops: { bf16: 70, fp16: 70 },
    computeCapability: 8.6,
    supportsBf16: true,
    supportsFp8: false,
    nvmlName: 'NVIDIA A10G',
    gfdProduct: 'NVIDIA-A10G',
    karpenterGpuName: 'a10g',
    sources: ['A10G', 'NV-CC', 'NVML-NAMES', 'GFD', 'D7', 'KP-IT'],
  },
  {
    ...NVIDIA,
    id: 'L4',
    displayName: 'NVIDIA L4',
    aliases: [],
    memoryBytes: 24 * GB,
    usableMemoryBytes: gib(21.95),
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 300,
    denseTflops: { bf16: 121, fp16: 121, fp8: 242 },
    computeCapability: 8.9,
    supportsBf16: true,
    supportsFp8: true,
    nvmlName: 'NVIDIA L4',
    gfdProduct: 'NVIDIA-L4',
    karpenterGpuName: 'l4',
    sources: ['NV-L4', 'NV-CC', 'NVML-NAMES', 'GFD', 'D7', 'KP-IT'],
  },
  {
    ...NVIDIA,
    id: 'L40S',
    displayName: 'NVIDIA L40S',
    aliases: [],
    memoryBytes: 48 * GB,
    usableMemoryBytes: gib(44.52),
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 864,
    denseTflops: { bf16: 362, fp16: 362, fp8: 733 },
    computeCapability: 8.9,
    supportsBf16: true,
    supportsFp8: true,
    nvmlName: 'NVIDIA L40S',
    gfdProduct: 'NVIDIA-L40S',
    karpenterGpuName: 'l40s',
    sources: ['NV-L40S', 'NV-CC', 'NVML-NAMES', 'GFD', 'D7', 'KP-IT'],
  },
  {
    ...NVIDIA,
    id: 'V100-SXM2-16GB',
    displayName: 'NVIDIA Tesla V100 SXM2 16GB',
    aliases: ['V100-16GB'],
    memoryBytes: 16 * GB,
    usableMemoryBytes: gib(15.78),
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 900,
    denseTflops: { fp16: 125 }, // no BF16, no FP8
    computeCapability: 7.0,
    supportsBf16: false,
    supportsFp8: false,
    nvmlName: 'Tesla V100-SXM2-16GB',
    gfdProduct: 'Tesla-V100-SXM2-16GB',
    karpenterGpuName: 'v100', // p3
    sources: ['NV-V100', 'NV-CC', 'NVML-NAMES', 'GFD', 'D7', 'KP-IT v1.11'],
  },
  {
    ...NVIDIA,
    id: 'V100-SXM2-32GB',
    displayName: 'NVIDIA Tesla V100 SXM2 32GB',
    aliases: ['V100-32GB'],
    memoryBytes: 32 * GB,
    usableMemoryBytes: gib(31.74), // D7: one PyTorch sighting, "V100 32GB", form factor not stated
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 900,
    denseTflops: { fp16: 125 },
    computeCapability: 7.0,
    supportsBf16: false,
    supportsFp8: false,
    nvmlName: 'Tesla V100-SXM2-32GB',
    gfdProduct: 'Tesla-V100-SXM2-32GB',
    karpenterGpuName: 'v100', // p3dn
    sources: ['NV-V100', 'NV-CC', 'NVML-NAMES', 'GFD', 'D7', 'KP-IT'],
  },
  {
    ...NVIDIA,
    id: 'A100-SXM4-40GB',
    displayName: 'NVIDIA A100 SXM4 40GB',
    aliases: ['A100-40GB', 'a100-40g', 'A100-SXM-40GB'],
    ...A100_40GB,
    nvmlName: 'NVIDIA A100-SXM4-40GB',
    gfdProduct: 'NVIDIA-A100-SXM4-40GB',
    karpenterGpuName: 'a100', // p4d
    migProfiles: MIG_A1_40,
    sources: ['NV-A100', 'NV-CC', 'NVML-NAMES', 'GFD', 'MIG', 'D7', 'KP-IT'],
  },
  {
    ...NVIDIA,
    id: 'A100-SXM4-80GB',
    displayName: 'NVIDIA A100 SXM4 80GB',
    aliases: ['A100-80GB', 'a100-80g', 'A100-SXM-80GB'],
    memoryBytes: 80 * GB,
    usableMemoryBytes: A100_80_USABLE, // driver 555 (D7 also lists 79.15 with torch 2.9.1+cu128)
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 2039,
    denseTflops: { bf16: 312, fp16: 312 },
    computeCapability: 8.0,
    supportsBf16: true,
    supportsFp8: false,
    nvmlName: 'NVIDIA A100-SXM4-80GB',
    gfdProduct: 'NVIDIA-A100-SXM4-80GB',
    karpenterGpuName: 'a100', // p4de
    migProfiles: MIG_A1_80,
    sources: ['NV-A100', 'NV-CC', 'NVML-NAMES', 'GFD', 'MIG', 'D7', 'KP-IT'],
  },
  {
    ...NVIDIA,
    id: 'A100-PCIE-40GB',
    displayName: 'NVIDIA A100 PCIe 40GB',
    aliases: ['A100-40GB-PCIe'],
    // D7 has no PCIe figure: same 40 GB HBM2 part as the SXM4 40GB, so its measured total.
    ...A100_40GB,
    nvmlName: 'NVIDIA A100-PCIE-40GB',
    gfdProduct: 'NVIDIA-A100-PCIE-40GB',
    migProfiles: MIG_A1_40,
    sources: ['NV-A100', 'NV-CC', 'NVML-NAMES', 'GFD', 'MIG', 'D7'],
  },
  {
    ...NVIDIA,
    id: 'A100-PCIE-80GB',
    displayName: 'NVIDIA A100 PCIe 80GB',
    // The driver table's other name for this card, `NVIDIA A100-PCIE-80GB`, already resolves (it is
    // the id once the vendor prefix is dropped).
    aliases: [],
    memoryBytes: 80 * GB,
    // D7 has no PCIe figure: same 80 GB HBM2e part as the SXM4 80GB, so its measured total.
    usableMemoryBytes: A100_80_USABLE,
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 1935,
    denseTflops: { bf16: 312, fp16: 312 },
    computeCapability: 8.0,
    supportsBf16: true,
    supportsFp8: false,
    nvmlName: 'NVIDIA A100 80GB PCIe',
    gfdProduct: 'NVIDIA-A100-80GB-PCIe',
    migProfiles: MIG_A1_80,
    sources: ['NV-A100', 'NV-CC', 'NVML-NAMES', 'GFD', 'MIG', 'D7'],
  },
  {
    ...NVIDIA,
    id: 'H100-SXM5-80GB',
    displayName: 'NVIDIA H100 SXM5 80GB',
    // `H100` alone means this part: the form factor EC2 sells (p5). See `lookupAccelerator`.
    aliases: ['H100', 'H100-80GB', 'H100-SXM', 'H100-SXM5'],
    memoryBytes: 80 * GB,
    usableMemoryBytes: H100_USABLE,
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 3350,
    denseTflops: { bf16: 989, fp16: 989, fp8: 1979 },
    computeCapability: 9.0,
    supportsBf16: true,
    supportsFp8: true,
    nvmlName: 'NVIDIA H100 80GB HBM3',
    gfdProduct: 'NVIDIA-H100-80GB-HBM3',
    karpenterGpuName: 'h100', // p5
    migProfiles: MIG_A1_80,
    sources: ['NV-H100', 'NV-CC', 'NVML-NAMES', 'GFD', 'MIG', 'D7', 'KP-IT'],
  },
  {
    ...NVIDIA,
    id: 'H100-PCIE-80GB',
    displayName: 'NVIDIA H100 PCIe 80GB',
    aliases: ['H100-80GB-PCIe'],
    memoryBytes: 80 * GB,
    // D7: "no citable figure found; assume the SXM value" (same nvidia-smi total, 81559 MiB).
    usableMemoryBytes: H100_USABLE,
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 2000,
    denseTflops: { bf16: 756, fp16: 756, fp8: 1513 },
    computeCapability: 9.0,
    supportsBf16: true,
    supportsFp8: true,
    nvmlName: 'NVIDIA H100 PCIe',
    gfdProduct: 'NVIDIA-H100-PCIe',
    migProfiles: MIG_A1_80,
    sources: ['NV-H100', 'NV-CC', 'NVML-NAMES', 'GFD', 'MIG', 'D7'],
  },
  {
    ...NVIDIA,
    id: 'H100-NVL-94GB',
    displayName: 'NVIDIA H100 NVL 94GB',
    aliases: ['H100-94GB'],
    memoryBytes: 94 * GB,
    usableMemoryBytes: 94 * GB, // no measured total in D7
    usableMemoryBasis: 'datasheet',
    memoryBandwidthGBps: 3900,
    denseTflops: { bf16: 835, fp16: 835, fp8: 1671 },
    computeCapability: 9.0,
    supportsBf16: true,
    supportsFp8: true,
    nvmlName: 'NVIDIA H100 NVL',
    gfdProduct: 'NVIDIA-H100-NVL',
    migProfiles: MIG_H1_94,
    sources: ['NV-H100', 'NV-CC', 'NVML-NAMES', 'GFD', 'MIG'],
  },
  {
    ...NVIDIA,
    id: 'H200-SXM-141GB',
    displayName: 'NVIDIA H200 SXM 141GB',
    // `H200` alone means this part: the form factor EC2 sells (p5e, p5en). See `lookupAccelerator`.
    aliases: ['H200', 'H200-141GB', 'H200-SXM'],
    memoryBytes: 141 * GB,
    usableMemoryBytes: H200_USABLE,
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 4800,
    denseTflops: { bf16: 989, fp16: 989, fp8: 1979 },
    computeCapability: 9.0,
    supportsBf16: true,
    supportsFp8: true,
    nvmlName: 'NVIDIA H200',
    gfdProduct: 'NVIDIA-H200',
    karpenterGpuName: 'h200', // p5e, p5en
    migProfiles: MIG_H2_141,
    sources: ['NV-H200', 'NV-CC', 'NVML-NAMES', 'GFD', 'MIG', 'D7', 'KP-IT'],
  },
  {
    ...NVIDIA,
    id: 'H200-NVL-141GB',
    displayName: 'NVIDIA H200 NVL 141GB',
    aliases: ['H200-NVL'],
    memoryBytes: 141 * GB,
    // D7 has no NVL figure: same 141 GB HBM3e memory (and the same MIG set H2-141) as the H200 SXM,
    // so its measured total. The datasheet figure (141e9 B = 131.3 GiB) would understate it by 6%.
    usableMemoryBytes: H200_USABLE,
    usableMemoryBasis: 'measured',
    memoryBandwidthGBps: 4800,
    denseTflops: { bf16: 835, fp16: 835, fp8: 1671 },
    computeCapability: 9.0,
    supportsBf16: true,
    supportsFp8: true,
    nvmlName: 'NVIDIA H200 NVL',
    gfdProduct: 'NVIDIA-H200-NVL',
    migProfiles: MIG_H2_141,
    sources: ['NV-H200', 'NV-CC', 'NVML-NAMES', 'GFD', 'MIG', 'D7'],
  },
  {
    ...NVIDIA,
    id: 'B200',
    displayName: 'NVIDIA B200 (HGX)',
    aliases: ['HGX-B200'],
    memoryBytes: 180 * GB, // NVIDIA's usable figure (HGX B200: 1,440 GB over 8 GPUs) of 192 GB physical
    usableMemoryBytes: 183359 * MiB, // what EC2/Karpenter report for p6-b200; no measured total in D7
    usableMemoryBasis: 'ec2-reported',
    memoryBandwidthGBps: 7700, // NVIDIA quotes 7.7 TB/s (HGX) and 8 TB/s (DGX/GB200): the HGX figure
    denseTflops: { bf16: 2250, fp16: 2250, fp8: 4500 },
    computeCapability: 10.0,
    supportsBf16: true,
    supportsFp8: true,
    nvmlName: 'NVIDIA B200',
    gfdProduct: 'NVIDIA-B200',
    karpenterGpuName: 'b200', // p6-b200
    migProfiles: MIG_B2_180,
    sources: ['NV-B200', 'NV-CC', 'NVML-NAMES', 'GFD', 'MIG', 'KP-IT'],
  },
  {
    id: 'MI300X',
    displayName: 'AMD Instinct MI300X (OAM)',
    vendor: 'amd',
    kind: 'gpu',
    aliases: ['AMD-Instinct-MI300X', 'AMD_Instinct_MI300X_OAM'],
    memoryBytes: 192 * GB,
    usableMemoryBytes: 192 * GB, // no measured total in the facts
    usableMemoryBasis: 'datasheet',
    memoryBandwidthGBps: 5300,
    denseTflops: { bf16: 1307.4, fp16: 1307.4, fp8: 2614.9 },
    supportsBf16: true,
    supportsFp8: true,
    resourceName: 'amd.com/gpu',
    // ROCm node labeller (legacy prefix `beta.amd.com/`). No MIG: compute partitions instead.
    nodeLabels: {
      'amd.com/gpu.product-name': 'AMD_Instinct_MI300X_OAM',
      'amd.com/gpu.device-id': '74a1',
      'amd.com/gpu.vram': '192G',
      'amd.com/gpu.family': 'AI',
      'amd.com/gpu.cu-count': '304',
    },
    sources: ['AMD'],
  },
  {
    id: 'inferentia2',
    displayName: 'AWS Inferentia2',
    vendor: 'aws',
    kind: 'neuron',
    aliases: ['inf2'],
    memoryBytes: 32 * GiB, // NEURON: 32 GiB HBM per device (16 GiB per NeuronCore-v2)
    usableMemoryBytes: 32 * GiB,
    usableMemoryBasis: 'datasheet',
    memoryBandwidthGBps: (820 * GiB) / GB, // NEURON gives 820 GiB/s = 880.5 GB/s
    denseTflops: { bf16: 190, fp16: 190, fp8: 190 }, // cFP8 at the same 190 TFLOPS
    supportsBf16: true,
    supportsFp8: true,
    resourceName: 'aws.amazon.com/neuron',
    karpenterAcceleratorName: 'inferentia2',
    neuronCoresPerDevice: 2,
    sources: ['NEURON', 'KP-IT'],
  },
  {
    id: 'trainium',
    displayName: 'AWS Trainium (Trn1)',
    vendor: 'aws',
    kind: 'neuron',
    aliases: ['trainium1', 'trn1'],
    // A3 (NEURON) says 32 GB per device (16 GB per NeuronCore-v2); table B1 counts 32 GiB per trn1
    // device. The smaller, datasheet figure is used.
    memoryBytes: 32 * GB,
    usableMemoryBytes: 32 * GB,
    usableMemoryBasis: 'datasheet',
    memoryBandwidthGBps: 820,
    denseTflops: { bf16: 190, fp16: 190, fp8: 190 }, // cFP8
    supportsBf16: true,
    supportsFp8: true,
    resourceName: 'aws.amazon.com/neuron',
    karpenterAcceleratorName: 'trainium',
    neuronCoresPerDevice: 2,
    sources: ['NEURON', 'KP-IT'],
  },
  ...ACCELERATORS_TODAY,
]);

/**
 * Names that could mean GPUs with different memory sizes. They are an error listing the choices,
 * because guessing would change what fits. Names that differ only by form factor are not here: they
 * resolve to the part EC2 sells (`H100` -> H100-SXM5-80GB, `H200` -> H200-SXM-141GB,
 * `A100-80GB` -> A100-SXM4-80GB), through the aliases above.
 */
const AMBIGUOUS_NAMES: Readonly<Record<string, readonly string[]>> = {
  A100: ['A100-SXM4-40GB', 'A100-SXM4-80GB', 'A100-PCIE-40GB', 'A100-PCIE-80GB'],
  'A100-SXM4': ['A100-SXM4-40GB', 'A100-SXM4-80GB'],
  'A100-PCIe': ['A100-PCIE-40GB', 'A100-PCIE-80GB'],
  V100: ['V100-SXM2-16GB', 'V100-SXM2-32GB'],
  'V100-SXM2': ['V100-SXM2-16GB', 'V100-SXM2-32GB'],
};

/**
 * Lookup key of a name: `normalizeName` (case, `-`, `_` and spaces ignored), then without a leading
 * vendor word, so that `NVIDIA A10G`, `Tesla-T4`, `aws-inferentia2` and `AMD MI300X` resolve like
 * `A10G`, `T4`, `inferentia2` and `MI300X`.
 */
function lookupKey(name: string): string {
  const normalized = normalizeName(name);
  const withoutVendor = normalized.replace(/^(nvidia|tesla|amd|aws)/, '');
  return withoutVendor.length > 0 ? withoutVendor : normalized;
}

interface AcceleratorIndex {
  readonly byKey: ReadonlyMap<string, Accelerator>;
  readonly ambiguous: ReadonlyMap<string, readonly string[]>;
}

/** Built once at module load. Throws if two entries claim one name (a catalog bug, caught by tests). */
function buildIndex(): AcceleratorIndex {
  const byKey = new Map<string, Accelerator>();
  const ambiguous = new Map<string, readonly string[]>();
  const add = (name: string, accelerator: Accelerator): void => {
    const key = lookupKey(name);
    const existing = byKey.get(key);
    if (existing !== undefined && existing !== accelerator) {
      throw new Error(`accelerator catalog: name "${name}" matches both ${existing.id} and ${accelerator.id}`);
    }
    byKey.set(key, accelerator);
  };
  for (const accelerator of ACCELERATORS) {
    for (const name of [accelerator.id, accelerator.nvmlName, accelerator.gfdProduct, ...accelerator.aliases]) {
      if (name !== undefined) add(name, accelerator);
    }
  }
  for (const [name, choices] of Object.entries(AMBIGUOUS_NAMES)) {
    const key = lookupKey(name);
    if (byKey.has(key)) throw new Error(`accelerator catalog: "${name}" is both ambiguous and an accelerator name`);
    ambiguous.set(key, choices);
  }
  // Karpenter names (`a10g`, `h100`, `inferentia2`) resolve when they name one catalog entry; `v100`
  // and `a100` cover several memory sizes and are ambiguous.
  const byKarpenterName = new Map<string, Accelerator[]>();
  for (const accelerator of ACCELERATORS) {
    const name = karpenterName(accelerator)?.value;
    if (name !== undefined) byKarpenterName.set(name, [...(byKarpenterName.get(name) ?? []), accelerator]);
  }
  for (const [name, matches] of byKarpenterName) {
    const key = lookupKey(name);
    if (matches.length === 1) add(name, matches[0]);
    else if (!ambiguous.has(key))
      ambiguous.set(
        key,
        matches.map((accelerator) => accelerator.id),
      );
  }
  return { byKey, ambiguous };
}

const INDEX = buildIndex();
const CANONICAL_IDS = ACCELERATORS.map((accelerator) => accelerator.id);

/**
 * Karpenter's well-known node label (B2) that selects this accelerator and its value: the one place
 * that maps catalog entries to Karpenter names (`karpenterGpuName` / `karpenterAcceleratorName`).
 * Undefined for devices AWS does not sell (Karpenter's AWS provider has no name for them).
 */
export function karpenterName(accelerator: Accelerator): { readonly kind: 'gpu' | 'neuron'; readonly label: string; readonly value: string } | undefined {
  if (accelerator.karpenterGpuName !== undefined) return { kind: 'gpu', label: 'karpenter.k8s.aws/instance-gpu-name', value: accelerator.karpenterGpuName };
  if (accelerator.karpenterAcceleratorName !== undefined) {
    return { kind: 'neuron', label: 'karpenter.k8s.aws/instance-accelerator-name', value: accelerator.karpenterAcceleratorName };
  }
  return undefined;
}

/** The accelerator `name` denotes, or undefined when it is unknown, ambiguous or not a string. */
export function findAccelerator(name: string): Accelerator | undefined {
  if (typeof name !== 'string') return undefined;
  return INDEX.byKey.get(lookupKey(name)) ?? CUSTOM.get(lookupKey(name));
}

/** Accelerator objects passed by users, known by their id once validated (so pools and workers can name them). */
const CUSTOM = new Map<string, Accelerator>();

function registerCustom(value: object): Accelerator {
  const accelerator = validateAccelerator(value);
  const key = lookupKey(accelerator.id);
  const catalog = INDEX.byKey.get(key) ?? (INDEX.ambiguous.has(key) ? ({ id: accelerator.id } as Accelerator) : undefined);
  if (catalog !== undefined && JSON.stringify(catalog) !== JSON.stringify(accelerator)) {
    throw new SizingError('invalid-accelerator', `accelerator.id '${accelerator.id}' is a catalog name with other figures`, {
      field: 'accelerator.id',
      suggestions: [`accelerator: '${accelerator.id}' (the catalog entry)`, 'another id for your accelerator object'],
    });
  }
  const known = CUSTOM.get(key);
  if (known !== undefined && JSON.stringify(known) !== JSON.stringify(accelerator)) {
    throw new SizingError('invalid-accelerator', `accelerator.id '${accelerator.id}' names two different accelerator objects`, {
      field: 'accelerator.id',
      suggestions: ['one object per id: define it once and reuse it'],
    });
  }
  CUSTOM.set(key, known ?? accelerator);
  return known ?? accelerator;
}

/**
 * The form factors a name covers (`A100-80GB` -> A100-SXM4-80GB, A100-PCIE-80GB), or undefined when the
 * name denotes one part. EC2 shapes resolve such names to the part EC2 sells; on-prem pools must choose.
 */
export function formFactorVariants(name: unknown): readonly string[] | undefined {
  if (typeof name !== 'string') return undefined;
  const key = lookupKey(name);
  const entry = Object.entries(FORM_FACTOR_VARIANTS).find(([alias]) => lookupKey(alias) === key);
  return entry?.[1];
}

/**
 * The accelerator `name` denotes: a catalog id, alias, NVML name (`NVIDIA A10G`), GFD product label
 * (`NVIDIA-H100-80GB-HBM3`) or Karpenter name (`l40s`, `inferentia2`), matched ignoring case, `-`,
 * `_`, spaces and a leading vendor word.
 *
 * Ambiguity: a name that differs between variants only by form factor resolves to the variant EC2
 * sells (`H100` -> `H100-SXM5-80GB`, `H200` -> `H200-SXM-141GB`); a name that could mean different
 * memory sizes (`A100`, `V100`) throws `ambiguous-accelerator` with the choices as suggestions.
 *
 * @throws SizingError `invalid-accelerator` (not a non-empty string), `ambiguous-accelerator`,
 *   `unknown-accelerator` (suggestions: the nearest catalog ids).
 */
export function lookupAccelerator(name: string | Accelerator): Accelerator {
  if (typeof name === 'object' && name !== null && !Array.isArray(name)) return registerCustom(name);
  if (typeof name !== 'string' || normalizeName(name) === '') {
    throw new SizingError('invalid-accelerator', `accelerator must be a non-empty name, got ${describe(name)}`, {
      field: 'accelerator',
      suggestions: ['name a catalog accelerator, e.g. "A10G", "L40S", "H100-SXM5-80GB" or "inferentia2"'],
    });
  }
  const key = lookupKey(name);
  const found = INDEX.byKey.get(key) ?? CUSTOM.get(key);
  if (found !== undefined) return found;
  const choices = INDEX.ambiguous.get(key);
  if (choices !== undefined) {
    throw new SizingError(
      'ambiguous-accelerator',
      `Accelerator "${name}" is ambiguous: it names variants with different memory sizes (${choices.join(', ')}). ` +
        'Name the variant. (Names that differ only by form factor default to the part EC2 sells, e.g. H100 -> H100-SXM5-80GB.)',
      { field: 'accelerator', suggestions: [...choices] },
    );
  }
  throw new SizingError('unknown-accelerator', `Unknown accelerator "${name}"`, {
    field: 'accelerator',
    suggestions: nearestNames(name, CANONICAL_IDS, 3),
  });
}
