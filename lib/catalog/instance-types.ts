/**
 * EC2 accelerator instance types (us-east-1), from test/fixtures/catalog-facts/catalog-facts.md section B (figures per
 * instance) and B2 (Karpenter well-known labels per family). Source keys: see ./sources.ts.
 */
import { SizingError } from '../errors';
import { findAccelerator, karpenterName } from './accelerators';
import { nearestNames } from './nearest';
import type { InstanceType } from './types';

/**
 * Date and region of the on-demand prices: Karpenter's generated static price list (KP-PRICE,
 * `InitialOnDemandPricesAWS["us-east-1"]`). Prices change; re-derive from the AWS Pricing API for
 * production.
 */
export const PRICE_DATE = '2026-07-06';
export const PRICE_REGION = 'us-east-1';

/**
 * Per-family facts from B2 (CPU manufacturer, GPU name and per-GPU memory). B2's category and generation
 * are not repeated here: Karpenter derives them from the name (`karpenterCategoryAndGeneration`).
 */
interface FamilyFacts {
  readonly cpuManufacturer: InstanceType['cpuManufacturer'];
  readonly acceleratorId: string;
  /** Per device, MiB: Karpenter `instance-gpu-memory` (GPUs) or 32 GiB HBM (Neuron, NEURON). */
  readonly acceleratorMemoryMiB: number;
}

const FAMILIES: Readonly<Record<string, FamilyFacts>> = {
  g4dn: { cpuManufacturer: 'intel', acceleratorId: 'T4', acceleratorMemoryMiB: 16384 },
  g5: { cpuManufacturer: 'amd', acceleratorId: 'A10G', acceleratorMemoryMiB: 22888 },
  g6: { cpuManufacturer: 'amd', acceleratorId: 'L4', acceleratorMemoryMiB: 22888 },
  g6e: { cpuManufacturer: 'amd', acceleratorId: 'L40S', acceleratorMemoryMiB: 45776 },
  gr6: { cpuManufacturer: 'amd', acceleratorId: 'L4', acceleratorMemoryMiB: 22888 },
  p3: { cpuManufacturer: 'intel', acceleratorId: 'V100-SXM2-16GB', acceleratorMemoryMiB: 16384 },
  p3dn: { cpuManufacturer: 'intel', acceleratorId: 'V100-SXM2-32GB', acceleratorMemoryMiB: 32768 },
  p4d: { cpuManufacturer: 'intel', acceleratorId: 'A100-SXM4-40GB', acceleratorMemoryMiB: 40960 },
  p4de: { cpuManufacturer: 'intel', acceleratorId: 'A100-SXM4-80GB', acceleratorMemoryMiB: 81920 },
  p5: { cpuManufacturer: 'amd', acceleratorId: 'H100-SXM5-80GB', acceleratorMemoryMiB: 81920 },
  p5e: { cpuManufacturer: 'amd', acceleratorId: 'H200-SXM-141GB', acceleratorMemoryMiB: 144384 },
  p5en: { cpuManufacturer: 'intel', acceleratorId: 'H200-SXM-141GB', acceleratorMemoryMiB: 144384 },
  'p6-b200': { cpuManufacturer: 'intel', acceleratorId: 'B200', acceleratorMemoryMiB: 183359 },
  inf2: { cpuManufacturer: 'amd', acceleratorId: 'inferentia2', acceleratorMemoryMiB: 32768 },
  trn1: { cpuManufacturer: 'intel', acceleratorId: 'trainium', acceleratorMemoryMiB: 32768 },
  // B2 lists the CPU manufacturer of `trn1` only; trn1n is the network-enhanced trn1 (same Intel host).
  trn1n: { cpuManufacturer: 'intel', acceleratorId: 'trainium', acceleratorMemoryMiB: 32768 },
  // Not in table B: AWS-TRN2 (96 GiB HBM per Trainium2 chip; Intel Sapphire Rapids host).
  trn2: { cpuManufacturer: 'intel', acceleratorId: 'trainium2', acceleratorMemoryMiB: 98304 },
};

/**
 * The `instance-category` and `instance-generation` labels as Karpenter derives them from the name
 * (aws/karpenter-provider-aws pkg/providers/instancetype/types.go @ v1.14.1, `instanceTypeScheme` and
 * `computeRequirements`): `g4dn.xlarge` -> g, 4; `gr6.4xlarge` -> gr, 6; `p6-b200.48xlarge` -> p, 6.
 */
const INSTANCE_TYPE_SCHEME = /^([a-z]+)(-[0-9]+tb)?([0-9]+).*\./;

function karpenterCategoryAndGeneration(name: string): { category: string; generation: number } {
  const parts = INSTANCE_TYPE_SCHEME.exec(name);
  if (parts === null) throw new Error(`instance-types.ts: ${name} does not follow Karpenter's instance type scheme`);
  return { category: parts[1], generation: Number(parts[3]) };
}

const KP = ['KP-IT', 'KP-PRICE'] as const;
const KP_V111 = ['KP-IT v1.11', 'KP-PRICE'] as const;

/** One row of table B: name, vCPU, memory GiB, devices, local NVMe GiB (0 = "—"), network Mbps, EFA, $/h. */
function row(
  name: string,
  vcpu: number,
  memoryGiB: number,
  acceleratorCount: number,
  localNvmeGiB: number,
  networkMbps: number,
  efa: number,
  onDemandUsdPerHour: number | undefined,
  sources: readonly string[] = KP,
): InstanceType {
  const dot = name.indexOf('.');
  const family = name.slice(0, dot);
  const facts = FAMILIES[family];
  if (facts === undefined) throw new Error(`instance-types.ts: no family facts for ${name}`);
  const { category, generation } = karpenterCategoryAndGeneration(name);
  return {
    name,
    family,
    category,
    generation,
    size: name.slice(dot + 1),
    vcpu,
    memoryMiB: memoryGiB * 1024,
    acceleratorId: facts.acceleratorId,
    acceleratorCount,
    acceleratorMemoryMiB: facts.acceleratorMemoryMiB,
    localNvmeGiB,
    networkMbps,
    efa,
    cpuManufacturer: facts.cpuManufacturer,
    ...(onDemandUsdPerHour === undefined ? {} : { onDemandUsdPerHour }),
    sources,
  };
}

/** Every instance of table B, in table order. */
export const INSTANCE_TYPES: readonly InstanceType[] = [
  row('g4dn.xlarge', 4, 16, 1, 125, 5000, 0, 0.526),
  row('g4dn.2xlarge', 8, 32, 1, 225, 10000, 0, 0.752),
  row('g4dn.4xlarge', 16, 64, 1, 225, 20000, 0, 1.204),
  row('g4dn.8xlarge', 32, 128, 1, 900, 50000, 1, 2.176),
  row('g4dn.12xlarge', 48, 192, 4, 900, 50000, 1, 3.912),
  row('g4dn.16xlarge', 64, 256, 1, 900, 50000, 1, 4.352),
  row('g4dn.metal', 96, 384, 8, 1800, 100000, 1, 7.824),
  row('g5.xlarge', 4, 16, 1, 250, 2500, 0, 1.006),
  row('g5.2xlarge', 8, 32, 1, 450, 5000, 0, 1.212),
  row('g5.4xlarge', 16, 64, 1, 600, 10000, 0, 1.624),
  row('g5.8xlarge', 32, 128, 1, 900, 25000, 1, 2.448),
  row('g5.12xlarge', 48, 192, 4, 3800, 40000, 1, 5.672),
  row('g5.16xlarge', 64, 256, 1, 1900, 25000, 1, 4.096),
  row('g5.24xlarge', 96, 384, 4, 3800, 50000, 1, 8.144),
  row('g5.48xlarge', 192, 768, 8, 7600, 100000, 1, 16.288),
  row('g6.xlarge', 4, 16, 1, 250, 2500, 0, 0.8048),
  row('g6.2xlarge', 8, 32, 1, 450, 5000, 0, 0.9776),
  row('g6.4xlarge', 16, 64, 1, 600, 10000, 0, 1.3232),
  row('g6.8xlarge', 32, 128, 1, 900, 25000, 1, 2.0144),
  row('g6.12xlarge', 48, 192, 4, 3760, 40000, 1, 4.6016),
  row('g6.16xlarge', 64, 256, 1, 1880, 25000, 1, 3.3968),
  row('g6.24xlarge', 96, 384, 4, 3760, 50000, 1, 6.6752),
  row('g6.48xlarge', 192, 768, 8, 7520, 100000, 1, 13.3504),
  row('g6e.xlarge', 4, 32, 1, 250, 2500, 0, 1.861),
  row('g6e.2xlarge', 8, 64, 1, 450, 5000, 0, 2.2421),
  row('g6e.4xlarge', 16, 128, 1, 600, 20000, 0, 3.0042),
  row('g6e.8xlarge', 32, 256, 1, 900, 25000, 1, 4.5286),
  row('g6e.12xlarge', 48, 384, 4, 3800, 100000, 1, 10.4926),
  row('g6e.16xlarge', 64, 512, 1, 1900, 35000, 1, 7.5772),
  row('g6e.24xlarge', 96, 768, 4, 3800, 200000, 2, 15.0656),
  row('g6e.48xlarge', 192, 1536, 8, 7600, 400000, 4, 30.1312),
  row('gr6.4xlarge', 16, 128, 1, 600, 10000, 0, 1.5392),
  row('gr6.8xlarge', 32, 256, 1, 900, 25000, 1, 2.4464),
  row('p3.2xlarge', 8, 61, 1, 0, 2500, 0, 3.06, KP_V111),
  row('p3.8xlarge', 32, 244, 4, 0, 10000, 0, 12.24, KP_V111),
  row('p3.16xlarge', 64, 488, 8, 0, 25000, 0, 24.48, KP_V111),
  row('p3dn.24xlarge', 96, 768, 8, 1800, 100000, 1, 31.212),
  row('p4d.24xlarge', 96, 1152, 8, 8000, 400000, 4, 21.9576),
  row('p4de.24xlarge', 96, 1152, 8, 8000, 400000, 4, 27.4471),
  row('p5.4xlarge', 16, 256, 1, 3800, 100000, 1, 6.88),
  row('p5.48xlarge', 192, 2048, 8, 30400, 3200000, 32, 55.04),
  row('p5e.48xlarge', 192, 2048, 8, 30400, 3200000, 32, undefined), // not in the generated price list
  row('p5en.48xlarge', 192, 2048, 8, 30400, 3200000, 16, 63.296),
  row('p6-b200.48xlarge', 192, 2048, 8, 30400, 3200000, 8, 113.9328),
  row('inf2.xlarge', 4, 16, 1, 0, 2083, 0, 0.7582),
  row('inf2.8xlarge', 32, 128, 1, 0, 16667, 0, 1.9679),
  row('inf2.24xlarge', 96, 384, 6, 0, 50000, 0, 6.4906),
  row('inf2.48xlarge', 192, 768, 12, 0, 100000, 0, 12.9813),
  row('trn1.2xlarge', 8, 32, 1, 474, 3125, 0, 1.3438),
  row('trn1.32xlarge', 128, 512, 16, 7600, 800000, 8, 21.5),
  row('trn1n.32xlarge', 128, 512, 16, 7600, 1600000, 16, 24.78),
  // AWS-TRN2: 16 Trainium2, 192 vCPU, 2 TiB, 4 x 1.9 TB NVMe, 3.2 Tbps EFAv3 (16 interfaces); no on-demand price in KP-PRICE.
  row('trn2.48xlarge', 192, 2048, 16, 7600, 3200000, 16, undefined, ['AWS-TRN2', 'KP-IT']),
];

const BY_NAME: ReadonlyMap<string, InstanceType> = new Map(INSTANCE_TYPES.map((it) => [it.name.toLowerCase(), it]));
const FAMILY_NAMES: readonly string[] = [...new Set(INSTANCE_TYPES.map((it) => it.family))];

/** A printable form of any value, for error messages (never throws). */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    if (typeof value === 'object' && value !== null) return JSON.stringify(value);
    return `${String(value)} (${value === null ? 'null' : typeof value})`;
  } catch {
    return typeof value;
  }
}

/** The instance type named `name` (case-insensitive, surrounding spaces ignored). */
export function lookupInstanceType(name: string, field = 'instanceType'): InstanceType {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new SizingError('invalid-instance-type', `${field} must name an instance type (a non-empty string), got ${show(name)}.`, {
      field,
      suggestions: ['use an EC2 instance type name such as g5.12xlarge'],
    });
  }
  const found = BY_NAME.get(name.trim().toLowerCase());
  if (found !== undefined) return found;
  throw new SizingError('unknown-instance-type', `Unknown instance type ${show(name)} (${field}): not an EC2 accelerator instance type of the catalog.`, {
    field,
    suggestions: nearestNames(
      name.trim(),
      INSTANCE_TYPES.map((it) => it.name),
    ),
  });
}

/** The catalog's instances of the given families (case-insensitive), in catalog order. */
export function instanceTypesInFamilies(families: readonly string[]): InstanceType[] {
  if (!Array.isArray(families)) {
    throw new SizingError('invalid-instance-family', `instanceFamilies must be a list, got ${show(families)}.`, {
      field: 'instanceFamilies',
      suggestions: [...FAMILY_NAMES],
    });
  }
  const wanted = new Set<string>();
  for (const family of families as readonly unknown[]) {
    const key = typeof family === 'string' ? family.trim().toLowerCase() : '';
    if (!FAMILY_NAMES.includes(key)) {
      throw new SizingError('unknown-instance-family', `Unknown instance family ${show(family)} in instanceFamilies. Known families: ${FAMILY_NAMES.join(', ')}.`, {
        field: 'instanceFamilies',
        suggestions: nearestNames(typeof family === 'string' ? family : '', FAMILY_NAMES, FAMILY_NAMES.length),
      });
    }
    wanted.add(key);
  }
  return INSTANCE_TYPES.filter((it) => wanted.has(it.family));
}

/** The well-known node labels (B2) that a node of this instance type carries. */
export function karpenterLabels(instance: InstanceType): Record<string, string> {
  const found = findAccelerator(instance.acceleratorId);
  const accelerator = found === undefined ? undefined : karpenterName(found);
  if (accelerator === undefined) {
    const named = INSTANCE_TYPES.map((it) => it.acceleratorId).filter((id) => {
      const a = findAccelerator(id);
      return a !== undefined && karpenterName(a) !== undefined;
    });
    throw new SizingError('unknown-accelerator', `No Karpenter name known for accelerator ${show(instance.acceleratorId)}.`, {
      field: 'acceleratorId',
      suggestions: nearestNames(String(instance.acceleratorId), [...new Set(named)]),
    });
  }
  const kp = 'karpenter.k8s.aws';
  const labels: Record<string, string> = {
    'node.kubernetes.io/instance-type': instance.name,
    'kubernetes.io/arch': 'amd64',
    [`${kp}/instance-family`]: instance.family,
    [`${kp}/instance-category`]: instance.category,
    [`${kp}/instance-generation`]: String(instance.generation),
    [`${kp}/instance-size`]: instance.size,
    [`${kp}/instance-cpu`]: String(instance.vcpu),
    [`${kp}/instance-memory`]: String(instance.memoryMiB),
    [`${kp}/instance-network-bandwidth`]: String(instance.networkMbps),
    [`${kp}/instance-cpu-manufacturer`]: instance.cpuManufacturer,
  };
  if (instance.localNvmeGiB > 0) labels[`${kp}/instance-local-nvme`] = String(instance.localNvmeGiB);
  if (accelerator.kind === 'gpu') {
    labels[accelerator.label] = accelerator.value;
    labels[`${kp}/instance-gpu-manufacturer`] = 'nvidia';
    labels[`${kp}/instance-gpu-count`] = String(instance.acceleratorCount);
    labels[`${kp}/instance-gpu-memory`] = String(instance.acceleratorMemoryMiB);
  } else {
    labels[accelerator.label] = accelerator.value;
    labels[`${kp}/instance-accelerator-manufacturer`] = 'aws';
    labels[`${kp}/instance-accelerator-count`] = String(instance.acceleratorCount);
  }
  return labels;
}
