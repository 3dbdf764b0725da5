import { ACCELERATORS } from '../catalog/accelerators';
import { INSTANCE_TYPES, PRICE_DATE, PRICE_REGION } from '../catalog/instance-types';
import { ALL_MODELS, MODEL_VARIANTS } from '../catalog/models';
import { formatGiB, GB } from '../catalog/units';
import { formatTable } from '../text/table';

export const CATALOGS = ['models', 'accelerators', 'instances'] as const;
export type CatalogName = (typeof CATALOGS)[number];

function billions(params: number): string {
  return `${(params / 1e9).toFixed(params < 10e9 ? 2 : 1)}B`;
}

function models(): string {
  const rows = ALL_MODELS.map((m) => [
    m.id,
    billions(m.totalParams),
    m.activeParams && m.activeParams !== m.totalParams ? billions(m.activeParams) : '',
    String(m.layers),
    `${m.attentionHeads}/${m.kvHeads}`,
    String(m.maxContextLength),
    m.dtype,
    m.mla ? 'MLA' : m.moe ? `MoE ${m.moe.experts}x top-${m.moe.expertsPerToken}` : '',
  ]);
  const variants = MODEL_VARIANTS.map((v) => `  ${v.id} -> ${v.baseId}`).join('\n');
  return `${formatTable(['model', 'params', 'active', 'layers', 'heads/kv', 'max ctx', 'dtype', 'notes'], rows)}\n\nVariants (same architecture):\n${variants}`;
}

function accelerators(): string {
  const rows = ACCELERATORS.map((a) => [
    a.id,
    `${(a.memoryBytes / GB).toFixed(0)} GB`,
    formatGiB(a.usableMemoryBytes),
    `${a.memoryBandwidthGBps}`,
    String(a.denseTflops.bf16 ?? '-'),
    String(a.denseTflops.fp8 ?? '-'),
    a.computeCapability?.toFixed(1) ?? '-',
    a.resourceName,
    a.gfdProduct ?? a.karpenterAcceleratorName ?? '',
  ]);
  return formatTable(['accelerator', 'memory', 'usable', 'GB/s', 'bf16 TF', 'fp8 TF', 'CC', 'resource', 'product label'], rows);
}

function instances(): string {
  const rows = INSTANCE_TYPES.map((it) => [
    it.name,
    String(it.vcpu),
    `${it.memoryMiB / 1024}`,
    `${it.acceleratorCount} x ${it.acceleratorId}`,
    it.localNvmeGiB > 0 ? String(it.localNvmeGiB) : '-',
    String(it.efa),
    it.onDemandUsdPerHour === undefined ? 'n/a' : it.onDemandUsdPerHour.toFixed(4),
  ]);
  return `${formatTable(['instance', 'vCPU', 'GiB', 'accelerators', 'NVMe GiB', 'EFA', '$/h'], rows)}\n\nOn-demand Linux prices, ${PRICE_REGION}, as of ${PRICE_DATE}.`;
}

/** `llm-constructs catalog <name>`: the catalog as a table, or JSON. */
export function runCatalog(name: CatalogName, json: boolean): string {
  if (json) {
    const data = { models: [...ALL_MODELS, ...MODEL_VARIANTS], accelerators: ACCELERATORS, instances: INSTANCE_TYPES }[name];
    return JSON.stringify(data, null, 2);
  }
  return { models, accelerators, instances }[name]();
}
