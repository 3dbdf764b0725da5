/**
 * GpuNodePool (issue 4): Karpenter NodePool + EC2NodeClass or an on-prem inventory, its GPU plumbing,
 * and the workers placed on it. Every expectation is derived from facts (catalog-facts.md in test/fixtures/catalog-facts,
 * the catalog's Karpenter labels) and from Kubernetes/Karpenter semantics, evaluated here: node
 * affinity and NodePool requirements are matched against the labels a node of each instance type
 * carries, tolerations against taints, quantities are parsed. Nothing echoes a constant of the code.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import { GpuNodePool, LlmWorker, type GpuNodePoolProps, type LlmWorkerProps } from '../lib';
import { ACCELERATORS, lookupAccelerator } from '../lib/catalog/accelerators';
import { INSTANCE_TYPES, karpenterLabels, lookupInstanceType } from '../lib/catalog/instance-types';
import type { InstanceType } from '../lib/catalog/types';
import { LlmConstructsError, ValidationError } from '../lib/errors';
import { planModel } from '../lib/sizing/planner';
import { validateObject, validateWithEsmModels, type K8sObject } from './support/schemas';
import { catalogFacts } from './support/fixtures';

type Obj = K8sObject & { spec?: any; [key: string]: any };

interface Requirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}
interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}
interface Toleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
}
interface Node {
  readonly id: string;
  readonly labels: Record<string, string>;
  readonly taints: readonly Taint[];
}

const KARPENTER = { type: 'karpenter', clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' } as const;
const MISTRAL = 'mistralai/Mistral-7B-Instruct-v0.3';
const GPU_RESOURCE = 'nvidia.com/gpu';
const NEURON_RESOURCE = 'aws.amazon.com/neuron';
/** Karpenter `instance-gpu-name` values of the families the library covers (facts B2). */
const KARPENTER_GPU_NAMES = ['t4', 'a10g', 'l4', 'l40s', 'v100', 'a100', 'h100', 'h200', 'b200'];
/** CEL rule of the EC2NodeClass CRD on `amiSelectorTerms[].alias`. */
const ALIAS_FAMILIES = ['al2', 'al2023', 'bottlerocket', 'windows2019', 'windows2022', 'windows2025'];
/** Room for engine images on a node's disk (issue 4: a root volume sized for engine images and the model cache). */
const IMAGE_ROOM_GIB = 100;
const GiB = 2 ** 30;

// ---------------------------------------------------------------------------------------------
// Facts: table B of catalog-facts.md (vendored: test/fixtures/catalog-facts)
// ---------------------------------------------------------------------------------------------

interface FactRow {
  readonly name: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Karpenter `instance-gpu-name` or `instance-accelerator-name`. */
  readonly karpenterName: string;
  readonly count: number;
  readonly nvmeGiB: number;
  readonly priceUsd?: number;
}

function loadFacts(): Map<string, FactRow> {
  const rows = new Map<string, FactRow>();
  let inTableB = false;
  for (const line of catalogFacts().split('\n')) {
    if (line.startsWith('#')) inTableB = line.startsWith('## B.');
    if (!inTableB || !line.startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (!/^[a-z0-9-]+\.[a-z0-9]+$/.test(cells[0])) continue;
    rows.set(cells[0], {
      name: cells[0],
      vcpu: Number(cells[1]),
      memoryGiB: Number(cells[2]),
      karpenterName: cells[3],
      count: Number(cells[4]),
      nvmeGiB: cells[6] === '—' ? 0 : Number(cells[6]),
      priceUsd: /^[0-9]+(\.[0-9]+)?$/.test(cells[10]) ? Number(cells[10]) : undefined,
    });
  }
  return rows;
}

const FACTS = loadFacts();
// trn2.48xlarge is not in table B: its row is AWS's (https://aws.amazon.com/ec2/instance-types/trn2/, source AWS-TRN2).
if (!FACTS.has('trn2.48xlarge')) FACTS.set('trn2.48xlarge', { name: 'trn2.48xlarge', vcpu: 192, memoryGiB: 2048, karpenterName: 'trainium2', count: 16, nvmeGiB: 7600 });

function fact(name: string): FactRow {
  const row = FACTS.get(name);
  if (!row) throw new Error(`no facts row for ${name}`);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes semantics: quantities, selectors, tolerations
// ---------------------------------------------------------------------------------------------

const SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes quantity in base units (cores, bytes, devices). */
function quantity(value: unknown): number {
  if (typeof value === 'number') return value;
  const match = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(String(value));
  if (!match) throw new Error(`not a quantity: ${JSON.stringify(value)}`);
  return Number(match[1]) * SUFFIX[match[2] ?? ''];
}

/** One node-selector requirement (pod node affinity and Karpenter requirements share these operators). */
function satisfies(labels: Record<string, string>, r: Requirement): boolean {
  const value = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
    case 'Gte':
      return value !== undefined && Number(value) >= Number(values[0]);
    case 'Lte':
      return value !== undefined && Number(value) <= Number(values[0]);
    default:
      throw new Error(`unknown operator ${r.operator}`);
  }
}

/** Required node affinity and nodeSelector of a pod spec (terms OR'ed, expressions AND'ed; an empty term matches nothing). */
function admits(podSpec: any, labels: Record<string, string>): boolean {
  const selector: Record<string, string> = podSpec.nodeSelector ?? {};
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) return false;
  const terms: any[] = podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return true;
  return terms.some((t) => (t.matchExpressions ?? []).length > 0 && (t.matchExpressions as Requirement[]).every((e) => satisfies(labels, e)));
}

function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  return (t.operator ?? 'Equal') === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

function toleratesAll(podSpec: any, taints: readonly Taint[]): boolean {
  const tolerations: Toleration[] = podSpec.tolerations ?? [];
  return taints.filter((t) => t.effect !== 'PreferNoSchedule').every((taint) => tolerations.some((t) => tolerates(t, taint)));
}

/** Where the scheduler may put the pod: required affinity admits the node and every hard taint is tolerated. */
function schedulable(podSpec: any, node: Node): boolean {
  return admits(podSpec, node.labels) && toleratesAll(podSpec, node.taints);
}

// ---------------------------------------------------------------------------------------------
// Synthesis helpers
// ---------------------------------------------------------------------------------------------

interface Built {
  readonly chart: Chart;
  readonly objects: Obj[];
}

function build(fn: (chart: Chart) => void): Built {
  const app = Testing.app();
  const chart = new Chart(app, 'llm', { namespace: 'llm' });
  fn(chart);
  return { chart, objects: Testing.synth(chart) as Obj[] };
}

function ofKind(objects: readonly Obj[], kind: string): Obj[] {
  return objects.filter((o) => o.kind === kind);
}

/** The synthesized objects a construct emitted (matched by kind and name in the chart's output). */
function emittedBy(objects: readonly Obj[], scope: GpuNodePool | LlmWorker): Obj[] {
  const own = scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  return objects.filter((o) => own.some((a) => a.kind === o.kind && a.name === o.metadata?.name));
}

function nodePoolOf(objects: readonly Obj[], pool: GpuNodePool): Obj {
  const found = ofKind(emittedBy(objects, pool), 'NodePool');
  expect(found).toHaveLength(1);
  return found[0];
}

function nodeClassOf(objects: readonly Obj[], pool: GpuNodePool): Obj {
  const found = ofKind(emittedBy(objects, pool), 'EC2NodeClass');
  expect(found).toHaveLength(1);
  return found[0];
}

function poolsOf(chart: Chart): GpuNodePool[] {
  return chart.node.findAll().filter((c): c is GpuNodePool => c instanceof GpuNodePool);
}

function workersOf(chart: Chart): LlmWorker[] {
  return chart.node.findAll().filter((c): c is LlmWorker => c instanceof LlmWorker);
}

/** Pod specs of a worker (Deployment, or LeaderWorkerSet leader and worker). */
function podSpecsOf(objects: readonly Obj[], worker: LlmWorker): any[] {
  return emittedBy(objects, worker).flatMap((o) => {
    if (o.kind === 'Deployment') return [o.spec.template.spec];
    if (o.kind === 'LeaderWorkerSet') {
      const t = o.spec.leaderWorkerTemplate;
      return [t.leaderTemplate?.spec, t.workerTemplate.spec].filter(Boolean);
    }
    return [];
  });
}

function daemonSetsOf(objects: readonly Obj[], pool: GpuNodePool): Obj[] {
  return ofKind(emittedBy(objects, pool), 'DaemonSet');
}

function daemonSetNamed(objects: readonly Obj[], pool: GpuNodePool, component: string): Obj | undefined {
  return daemonSetsOf(objects, pool).find((d) => d.spec.template.metadata?.labels?.['app.kubernetes.io/name'] === component);
}

function requirementsOf(nodePool: Obj): Requirement[] {
  return nodePool.spec.template.spec.requirements;
}

function requirement(nodePool: Obj, key: string): Requirement | undefined {
  return requirementsOf(nodePool).find((r) => r.key === key);
}

function capacityTypesOf(nodePool: Obj): string[] {
  return [...(requirement(nodePool, 'karpenter.sh/capacity-type')?.values ?? [])];
}

/**
 * The labels Karpenter gives a node of `it` launched by this NodePool: the instance type's well-known
 * labels (catalog B2), the OS and capacity type, the owning NodePool, and the template's labels.
 */
function karpenterNode(it: InstanceType, nodePool: Obj, capacityType: string): Node {
  return {
    id: `${nodePool.metadata!.name}/${it.name}/${capacityType}`,
    labels: {
      ...karpenterLabels(it),
      'kubernetes.io/os': 'linux',
      'karpenter.sh/capacity-type': capacityType,
      'karpenter.sh/nodepool': nodePool.metadata!.name!,
      ...(nodePool.spec.template.metadata?.labels ?? {}),
    },
    taints: nodePool.spec.template.spec.taints ?? [],
  };
}

/** Nodes of another Karpenter NodePool (any instance type, the Karpenter GPU taint convention). */
function foreignNodes(): Node[] {
  return INSTANCE_TYPES.map((it) => ({
    id: `other/${it.name}`,
    labels: { ...karpenterLabels(it), 'kubernetes.io/os': 'linux', 'karpenter.sh/capacity-type': 'on-demand', 'karpenter.sh/nodepool': 'other' },
    taints: [{ key: lookupAccelerator(it.acceleratorId).resourceName, effect: 'NoSchedule' }],
  }));
}

function poolNodes(objects: readonly Obj[], pool: GpuNodePool): Node[] {
  const nodePool = nodePoolOf(objects, pool);
  return pool.instanceTypes.flatMap((it) => capacityTypesOf(nodePool).map((ct) => karpenterNode(it, nodePool, ct)));
}

function validateAll(objects: readonly Obj[]): void {
  for (const o of objects) {
    expect({ object: `${o.kind}/${o.metadata?.name}`, error: errorOf(() => validateObject(o))?.message }).toEqual({ object: `${o.kind}/${o.metadata?.name}`, error: undefined });
  }
}

function errorOf(fn: () => unknown): Error | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** The number as a word of the message (not a digit inside a longer number). */
function mentions(message: string, value: number | string): boolean {
  const escaped = String(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^0-9.])${escaped}([^0-9]|$)`).test(message);
}

function volumeSizeGiB(volumeSize: unknown): number {
  return quantity(volumeSize) / GiB;
}

/** GiB of the emptyDir model caches of a worker's pods. */
function emptyDirCacheGiB(objects: readonly Obj[], worker: LlmWorker): number {
  const sizes = podSpecsOf(objects, worker).flatMap((spec) =>
    (spec.volumes ?? []).filter((v: any) => v.emptyDir && v.emptyDir.medium !== 'Memory' && v.emptyDir.sizeLimit !== undefined).map((v: any) => quantity(v.emptyDir.sizeLimit) / GiB),
  );
  return Math.max(0, ...sizes);
}

// ---------------------------------------------------------------------------------------------
// Karpenter pools: one chart per case, each with a worker on the pool
// ---------------------------------------------------------------------------------------------

interface PoolCase {
  readonly title: string;
  readonly props: GpuNodePoolProps;
  readonly workerProps: Omit<LlmWorkerProps, 'nodePool'>;
  /** The instance types the pool must allow, from the facts rows. */
  readonly allowed: (row: FactRow) => boolean;
}

const POOL_CASES: readonly PoolCase[] = [
  {
    title: 'A10G, spot and on-demand',
    props: { accelerator: 'A10G', provisioner: KARPENTER, capacityTypes: ['spot', 'on-demand'], maxAccelerators: 16 },
    workerProps: { model: MISTRAL },
    allowed: (row) => row.karpenterName === 'a10g',
  },
  {
    title: "families ['g5', 'g6']",
    props: { instanceFamilies: ['g5', 'g6'], provisioner: KARPENTER, maxAccelerators: 16 },
    workerProps: { model: MISTRAL },
    allowed: (row) => row.name.startsWith('g5.') || row.name.startsWith('g6.'),
  },
  {
    title: 'inf2',
    props: { accelerator: 'inferentia2', instanceTypes: ['inf2.xlarge', 'inf2.8xlarge', 'inf2.24xlarge'], provisioner: KARPENTER, maxAccelerators: 12 },
    workerProps: { model: MISTRAL, engine: 'tgi-neuron', maxContextLength: 4096, concurrency: 4 },
    allowed: (row) => ['inf2.xlarge', 'inf2.8xlarge', 'inf2.24xlarge'].includes(row.name),
  },
  {
    title: 'bottlerocket L40S with DCGM exporter',
    props: { accelerator: 'L40S', provisioner: { ...KARPENTER, amiAlias: 'bottlerocket@latest' }, plumbing: { installDcgmExporter: true }, maxAccelerators: 8 },
    workerProps: { model: MISTRAL },
    allowed: (row) => row.karpenterName === 'l40s',
  },
  {
    title: 'g4dn spot and on-demand with DCGM exporter',
    props: { instanceFamilies: ['g4dn'], provisioner: KARPENTER, plumbing: { installDcgmExporter: true }, capacityTypes: ['spot', 'on-demand'], maxAccelerators: 8 },
    workerProps: { model: 'meta-llama/Llama-3.2-3B-Instruct' },
    allowed: (row) => row.name.startsWith('g4dn.'),
  },
  {
    title: 'p3 (no local NVMe)',
    props: { instanceFamilies: ['p3'], provisioner: KARPENTER, maxAccelerators: 8 },
    workerProps: { model: 'meta-llama/Llama-3.2-3B-Instruct' },
    allowed: (row) => row.name.startsWith('p3.'),
  },
  {
    title: "mixed accelerators ['g6', 'g6e'] (L4 and L40S)",
    props: { instanceFamilies: ['g6', 'g6e'], provisioner: KARPENTER, maxAccelerators: 16 },
    // 32k context x 4 sequences: one L40S (48 GB) fits it, one L4 (24 GB) does not.
    workerProps: { model: MISTRAL, maxContextLength: 32768, concurrency: 4 },
    allowed: (row) => row.name.startsWith('g6.') || row.name.startsWith('g6e.'),
  },
  {
    title: 'A100 40GB and 80GB (p4d + p4de)',
    props: { instanceTypes: ['p4d.24xlarge', 'p4de.24xlarge'], provisioner: KARPENTER, maxAccelerators: 16 },
    // Needs 80 GB A100s: Karpenter, on price alone, would launch the cheaper 40 GB p4d.
    workerProps: { model: 'meta-llama/Llama-3.1-70B-Instruct', maxContextLength: 32768, concurrency: 16 },
    allowed: (row) => ['p4d.24xlarge', 'p4de.24xlarge'].includes(row.name),
  },
];

const BUILT_CASES = POOL_CASES.map((c) => {
  const built = build((chart) => {
    const pool = new GpuNodePool(chart, 'pool', c.props);
    new LlmWorker(chart, 'worker', { ...c.workerProps, nodePool: pool });
  });
  const pool = poolsOf(built.chart)[0];
  const worker = workersOf(built.chart)[0];
  // Neuron per the facts' Karpenter accelerator name of its instance types.
  const neuron = pool.instanceTypes.every((it) => ['inferentia2', 'trainium'].includes(fact(it.name).karpenterName));
  return { ...c, ...built, pool, worker, neuron };
});

it('facts: table B was read (every catalog instance type has a row)', () => {
  for (const it of INSTANCE_TYPES) expect(FACTS.has(it.name)).toBe(true);
});

describe.each(BUILT_CASES.map((c) => [c.title, c] as const))('Karpenter pool: %s', (_title, c) => {
  const { objects, pool, worker } = c;
  const resource = c.neuron ? NEURON_RESOURCE : GPU_RESOURCE;

  it('allows exactly the instance types the facts give for its choice', () => {
    const expected = [...FACTS.values()]
      .filter(c.allowed)
      .map((r) => r.name)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(pool.instanceTypes.map((it) => it.name).sort()).toEqual(expected);
    expect(pool.kind).toBe('karpenter');
  });

  it('every object validates against its upstream schema; NodePool and EC2NodeClass are cluster-scoped', () => {
    validateAll(objects);
    const clusterScoped = [...ofKind(objects, 'NodePool'), ...ofKind(objects, 'EC2NodeClass')];
    expect(clusterScoped).toHaveLength(2);
    for (const o of clusterScoped) expect({ kind: o.kind, namespace: o.metadata?.namespace }).toEqual({ kind: o.kind, namespace: undefined });
    for (const o of ofKind(objects, 'ClusterRole').concat(ofKind(objects, 'ClusterRoleBinding'))) expect(o.metadata?.namespace).toBeUndefined();
    // Node agents live in kube-system, not in the workloads' namespace (Pod Security).
    for (const o of ofKind(objects, 'DaemonSet')) expect(o.metadata?.namespace).toBe('kube-system');
  });

  it('the NodePool references the emitted EC2NodeClass', () => {
    const ref = nodePoolOf(objects, pool).spec.template.spec.nodeClassRef;
    expect(ref).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: nodeClassOf(objects, pool).metadata?.name });
  });

  it('satisfies the CRD CEL rules that the structural schema cannot check', () => {
    const nodePool = nodePoolOf(objects, pool);
    for (const r of requirementsOf(nodePool)) {
      if (r.operator === 'In') expect({ key: r.key, values: (r.values ?? []).length > 0 }).toEqual({ key: r.key, values: true });
      // Only these two karpenter.sh labels may be required.
      if (r.key.split('/')[0].endsWith('karpenter.sh')) expect(['karpenter.sh/capacity-type', 'karpenter.sh/nodepool']).toContain(r.key);
    }
    const spec = nodeClassOf(objects, pool).spec;
    const aliases = spec.amiSelectorTerms.filter((t: any) => t.alias !== undefined);
    expect(aliases).toHaveLength(1);
    expect(spec.amiSelectorTerms).toHaveLength(1);
    expect(aliases[0].alias).toMatch(/^[a-zA-Z0-9]+@.+$/);
    expect(ALIAS_FAMILIES).toContain(aliases[0].alias.split('@')[0]);
    expect((spec.role !== undefined) !== (spec.instanceProfile !== undefined)).toBe(true);
    expect(spec.blockDeviceMappings.filter((b: any) => b.rootVolume === true).length).toBeLessThanOrEqual(1);
    for (const terms of [spec.subnetSelectorTerms, spec.securityGroupSelectorTerms]) {
      expect(terms.length).toBeGreaterThan(0);
      for (const t of terms) {
        expect(t.tags !== undefined || t.id !== undefined).toBe(true);
        for (const [k, v] of Object.entries(t.tags ?? {})) expect({ k, v: typeof v === 'string' && v !== '' && k !== '' }).toEqual({ k, v: true });
      }
    }
  });

  it('requirements are the catalog Karpenter labels: each allowed instance type satisfies all of them, no other instance type does', () => {
    const nodePool = nodePoolOf(objects, pool);
    const requirements = requirementsOf(nodePool);
    const capacityTypes = capacityTypesOf(nodePool);
    expect(capacityTypes.sort()).toEqual([...(c.props.capacityTypes ?? ['on-demand'])].sort());
    for (const it of pool.instanceTypes) {
      for (const ct of capacityTypes) {
        const labels = karpenterNode(it, nodePool, ct).labels;
        const failed = requirements.filter((r) => !satisfies(labels, r)).map((r) => r.key);
        expect({ instanceType: it.name, capacityType: ct, failed }).toEqual({ instanceType: it.name, capacityType: ct, failed: [] });
      }
    }
    const allowed = new Set(pool.instanceTypes.map((it) => it.name));
    for (const it of INSTANCE_TYPES.filter((x) => !allowed.has(x.name))) {
      const labels = karpenterNode(it, nodePool, capacityTypes[0]).labels;
      expect({ instanceType: it.name, launchable: requirements.every((r) => satisfies(labels, r)) }).toEqual({ instanceType: it.name, launchable: false });
    }
    // Other accelerators fail the accelerator requirement itself, not only the instance-type list.
    const key = c.neuron ? 'karpenter.k8s.aws/instance-accelerator-name' : 'karpenter.k8s.aws/instance-gpu-name';
    const accelerator = requirement(nodePool, key);
    expect(accelerator).toBeDefined();
    const names = new Set(pool.instanceTypes.map((it) => fact(it.name).karpenterName));
    for (const it of INSTANCE_TYPES.filter((x) => !names.has(fact(x.name).karpenterName))) {
      expect({ instanceType: it.name, ok: satisfies(karpenterNode(it, nodePool, capacityTypes[0]).labels, accelerator!) }).toEqual({ instanceType: it.name, ok: false });
    }
  });

  it('accelerator requirement values are the Karpenter names of the facts', () => {
    const nodePool = nodePoolOf(objects, pool);
    const expected = [...new Set(pool.instanceTypes.map((it) => fact(it.name).karpenterName))].sort();
    if (c.neuron) {
      expect([...requirement(nodePool, 'karpenter.k8s.aws/instance-accelerator-name')!.values!].sort()).toEqual(expected);
      expect(expected).toEqual(['inferentia2']);
      expect(requirement(nodePool, 'karpenter.k8s.aws/instance-gpu-name')).toBeUndefined();
    } else {
      const values = [...requirement(nodePool, 'karpenter.k8s.aws/instance-gpu-name')!.values!].sort();
      expect(values).toEqual(expected);
      for (const v of values) expect(KARPENTER_GPU_NAMES).toContain(v);
    }
    expect([...requirement(nodePool, 'node.kubernetes.io/instance-type')!.values!].sort()).toEqual(pool.instanceTypes.map((it) => it.name).sort());
    expect(requirement(nodePool, 'kubernetes.io/arch')?.values).toEqual(['amd64']);
    expect(requirement(nodePool, 'kubernetes.io/os')?.values).toEqual(['linux']);
  });

  it(`taints its nodes ${resource}:NoSchedule; limits: ${resource} = maxAccelerators, cpu and memory never stop the pool first`, () => {
    const nodePool = nodePoolOf(objects, pool);
    expect(nodePool.spec.template.spec.taints).toEqual([{ key: resource, effect: 'NoSchedule' }]);
    const limits = nodePool.spec.limits;
    const max = c.props.maxAccelerators!;
    expect(quantity(limits[resource])).toBe(max);
    for (const it of pool.instanceTypes) {
      const row = fact(it.name);
      const cpu = (row.vcpu / row.count) * max;
      const memoryBytes = ((row.memoryGiB * GiB) / row.count) * max;
      expect({ instanceType: it.name, cpuOk: quantity(limits.cpu) >= cpu, memoryOk: quantity(limits.memory) >= memoryBytes }).toEqual({ instanceType: it.name, cpuOk: true, memoryOk: true });
    }
  });

  it('disruption never evicts a loaded model for a saving: WhenEmpty, budgets, consolidateAfter, expireAfter', () => {
    const nodePool = nodePoolOf(objects, pool);
    const disruption = nodePool.spec.disruption;
    expect(disruption.consolidationPolicy).toBe('WhenEmpty');
    expect(disruption.budgets.length).toBeGreaterThan(0);
    for (const b of disruption.budgets) expect(b.nodes).toMatch(/^((100|[0-9]{1,2})%|[0-9]+)$/);
    expect(disruption.consolidateAfter).toMatch(/^([0-9]+(s|m|h))+$/);
    expect(nodePool.spec.template.spec.expireAfter).toMatch(/^(([0-9]+(s|m|h))+|Never)$/);
  });

  it('EC2NodeClass: AMI alias, node role, discovery selectors, IMDSv2 with hop limit 1, tags naming the pool', () => {
    const spec = nodeClassOf(objects, pool).spec;
    const ami = (c.props.provisioner as { amiAlias?: string }).amiAlias ?? 'al2023@latest';
    expect(spec.amiSelectorTerms).toEqual([{ alias: ami }]);
    expect(spec.role).toBe(KARPENTER.nodeRole);
    const discovery = [{ tags: { 'karpenter.sh/discovery': KARPENTER.clusterName } }];
    expect(spec.subnetSelectorTerms).toEqual(discovery);
    expect(spec.securityGroupSelectorTerms).toEqual(discovery);
    expect(spec.metadataOptions.httpTokens).toBe('required');
    expect(spec.metadataOptions.httpPutResponseHopLimit).toBe(1);
    expect(spec.metadataOptions.httpEndpoint ?? 'enabled').toBe('enabled');
    expect(Object.values(spec.tags ?? {})).toContain(pool.name);
  });

  it('instanceStorePolicy RAID0 iff every allowed instance type has local NVMe (facts)', () => {
    const spec = nodeClassOf(objects, pool).spec;
    const allNvme = pool.instanceTypes.every((it) => fact(it.name).nvmeGiB > 0);
    expect(spec.instanceStorePolicy).toBe(allNvme ? 'RAID0' : undefined);
  });

  it('the disk that holds images and pods has room for the images, and for the model cache without NVMe', () => {
    const spec = nodeClassOf(objects, pool).spec;
    const bottlerocket = spec.amiSelectorTerms[0].alias.startsWith('bottlerocket@');
    const devices = spec.blockDeviceMappings.map((b: any) => b.deviceName);
    // Bottlerocket: /dev/xvda is the OS volume, /dev/xvdb the data volume (images, pods, emptyDirs).
    const data = spec.blockDeviceMappings.find((b: any) => b.deviceName === (bottlerocket ? '/dev/xvdb' : '/dev/xvda'));
    expect(devices).toEqual(bottlerocket ? ['/dev/xvda', '/dev/xvdb'] : ['/dev/xvda']);
    if (!bottlerocket) expect(data.rootVolume).toBe(true);
    const nvme = pool.instanceTypes.every((it) => fact(it.name).nvmeGiB > 0);
    const cache = nvme ? 0 : emptyDirCacheGiB(objects, worker);
    if (!nvme) expect(cache).toBeGreaterThan(0);
    expect(volumeSizeGiB(data.ebs.volumeSize)).toBeGreaterThanOrEqual(IMAGE_ROOM_GIB + cache);
  });

  it('maxHourlyCostUsd = maxAccelerators x the cheapest on-demand price per accelerator (facts)', () => {
    const perDevice = pool.instanceTypes
      .map((it) => fact(it.name))
      .filter((r) => r.priceUsd !== undefined)
      .map((r) => r.priceUsd! / r.count);
    expect(perDevice.length).toBeGreaterThan(0);
    expect(pool.maxHourlyCostUsd).toBeCloseTo(Math.min(...perDevice) * c.props.maxAccelerators!, 3);
  });

  it('the worker is planned on the cheapest fitting instance type of the pool, priced from the facts', () => {
    const expected = planModel({ ...c.workerProps, instanceTypes: pool.instanceTypes.map((it) => it.name) });
    expect(worker.plan.instanceType?.name).toBeDefined();
    expect(pool.instanceTypes.map((it) => it.name)).toContain(worker.plan.instanceType!.name);
    expect(worker.plan.instanceType!.name).toBe(expected.instanceType!.name);
    expect(worker.plan.acceleratorsPerReplica).toBe(expected.acceleratorsPerReplica);
    const row = fact(worker.plan.instanceType!.name);
    expect(worker.plan.hourlyCostUsd).toBeCloseTo(row.priceUsd! * worker.plan.nodesPerReplica, 3);
  });

  it('the worker tolerates exactly the pool taint and lands only on pool nodes that carry its planned accelerator', () => {
    const taint = nodePoolOf(objects, pool).spec.template.spec.taints[0];
    const nodes = [...poolNodes(objects, pool), ...foreignNodes()];
    const specs = podSpecsOf(objects, worker);
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) {
      const tolerations: Toleration[] = spec.tolerations ?? [];
      expect(tolerations.length).toBe(1);
      expect(tolerates(tolerations[0], taint)).toBe(true);
      const otherKey = taint.key === GPU_RESOURCE ? NEURON_RESOURCE : GPU_RESOURCE;
      expect(tolerations.some((t) => tolerates(t, { key: otherKey, effect: 'NoSchedule' }))).toBe(false);

      const landing = nodes
        .filter((n) => schedulable(spec, n))
        .map((n) => n.id)
        .sort();
      // Every pool node with the accelerator the plan sized memory, dtype and parallelism for: no
      // other pool's node, no pool node with another accelerator (a smaller GPU would not hold it).
      const expected = poolNodes(objects, pool)
        .filter((n) => lookupInstanceType(n.labels['node.kubernetes.io/instance-type']).acceleratorId === worker.plan.accelerator.id)
        .map((n) => n.id)
        .sort();
      expect(landing).toEqual(expected);
      expect(landing.some((id) => id.includes(`/${worker.plan.instanceType!.name}/`))).toBe(true);
    }
  });

  it('plumbing: device plugin (and GFD) on AL2023 GPU pools, none on Bottlerocket, Neuron plugin on inf2, DCGM when asked', () => {
    const bottlerocket = ((c.props.provisioner as { amiAlias?: string }).amiAlias ?? '').startsWith('bottlerocket@');
    const names = daemonSetsOf(objects, pool)
      .map((d) => d.spec.template.metadata.labels['app.kubernetes.io/name'])
      .sort();
    const expected: string[] = [];
    if (c.neuron) expected.push('neuron-device-plugin');
    else if (!bottlerocket) expected.push('nvidia-device-plugin', 'gpu-feature-discovery');
    if (c.props.plumbing?.installDcgmExporter && !c.neuron) expected.push('dcgm-exporter');
    expect(names).toEqual(expected.sort());
  });

  it('plumbing DaemonSets run on every node of this pool and on no other node, tolerating its taint', () => {
    const own = poolNodes(objects, pool);
    const other = foreignNodes();
    for (const ds of daemonSetsOf(objects, pool)) {
      const spec = ds.spec.template.spec;
      const where = ds.metadata!.name;
      expect({ where, missing: own.filter((n) => !schedulable(spec, n)).map((n) => n.id) }).toEqual({ where, missing: [] });
      expect({ where, foreign: other.filter((n) => admits(spec, n.labels)).map((n) => n.id) }).toEqual({ where, foreign: [] });
      const terms = spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
      expect(terms.flatMap((t: any) => t.matchExpressions)).toContainEqual({ key: 'karpenter.sh/nodepool', operator: 'In', values: [nodePoolOf(objects, pool).metadata!.name] });
    }
  });
});

it('NodePool and EC2NodeClass of every pool case validate against the Karpenter v1.14.1 CRD schemas', () => {
  const objects = BUILT_CASES.flatMap((c) => c.objects).filter((o) => o.kind === 'NodePool' || o.kind === 'EC2NodeClass');
  expect(objects).toHaveLength(2 * BUILT_CASES.length);
  expect(validateWithEsmModels(objects)).toEqual([]);
});

it('DCGM exporter: a Service selects its pods and a ServiceMonitor selects the Service by a port it exposes', () => {
  const c = BUILT_CASES.find((x) => x.title.startsWith('g4dn'))!;
  const ds = daemonSetNamed(c.objects, c.pool, 'dcgm-exporter');
  expect(ds).toBeDefined();
  const podLabels = ds!.spec.template.metadata.labels;
  const own = emittedBy(c.objects, c.pool);
  const services = ofKind(own, 'Service').filter((s) => Object.entries(s.spec.selector).every(([k, v]) => podLabels[k] === v));
  expect(services).toHaveLength(1);
  const monitors = ofKind(own, 'ServiceMonitor');
  expect(monitors).toHaveLength(1);
  const monitor = monitors[0];
  expect(Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => services[0].metadata!.labels![k] === v)).toBe(true);
  const portNames = services[0].spec.ports.map((p: any) => p.name);
  for (const e of monitor.spec.endpoints) expect(portNames).toContain(e.port);
  const containerPorts = ds!.spec.template.spec.containers.flatMap((x: any) => x.ports ?? []).map((p: any) => p.name);
  for (const p of services[0].spec.ports) expect(containerPorts).toContain(p.targetPort);
});

// ---------------------------------------------------------------------------------------------
// Overrides
// ---------------------------------------------------------------------------------------------

describe('Karpenter overrides', () => {
  const { objects, chart } = build((chart) => {
    new GpuNodePool(chart, 'custom', {
      accelerator: 'A10G',
      provisioner: {
        ...KARPENTER,
        subnetSelectorTerms: [{ id: 'subnet-0123456789abcdef0' }],
        securityGroupSelectorTerms: [{ tags: { 'example.com/gpu-nodes': 'true' } }],
        tags: { team: 'ml-platform' },
        rootVolumeGiB: 500,
        weight: 50,
        disruption: { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '30m', budgetNodes: '10%', expireAfter: '168h' },
      },
      maxAccelerators: 8,
    });
  });
  const pool = poolsOf(chart)[0];

  it('validate against the schemas', () => {
    validateAll(objects);
    expect(validateWithEsmModels(objects)).toEqual([]);
  });

  it('disruption, weight, selectors, tags and root volume follow the props', () => {
    const nodePool = nodePoolOf(objects, pool);
    expect(nodePool.spec.disruption.consolidationPolicy).toBe('WhenEmptyOrUnderutilized');
    expect(nodePool.spec.disruption.consolidateAfter).toBe('30m');
    expect(nodePool.spec.disruption.budgets).toEqual([{ nodes: '10%' }]);
    expect(nodePool.spec.template.spec.expireAfter).toBe('168h');
    expect(nodePool.spec.weight).toBe(50);
    const spec = nodeClassOf(objects, pool).spec;
    expect(spec.subnetSelectorTerms).toEqual([{ id: 'subnet-0123456789abcdef0' }]);
    expect(spec.securityGroupSelectorTerms).toEqual([{ tags: { 'example.com/gpu-nodes': 'true' } }]);
    expect(spec.tags.team).toBe('ml-platform');
    expect(Object.values(spec.tags)).toContain(pool.name);
    expect(volumeSizeGiB(spec.blockDeviceMappings.find((b: any) => b.rootVolume).ebs.volumeSize)).toBe(500);
  });
});

// ---------------------------------------------------------------------------------------------
// Disks without NVMe: the root volume holds the largest cache of the pool's workers
// ---------------------------------------------------------------------------------------------

describe.each([
  ['al2023', 'al2023@latest', '/dev/xvda'],
  ['bottlerocket', 'bottlerocket@latest', '/dev/xvdb'],
])('p3 pool (no NVMe), %s', (_t, amiAlias, dataDevice) => {
  const { objects, chart } = build((chart) => {
    const pool = new GpuNodePool(chart, 'v100', { instanceFamilies: ['p3'], provisioner: { ...KARPENTER, amiAlias }, maxAccelerators: 16 });
    new LlmWorker(chart, 'small', { model: 'meta-llama/Llama-3.2-1B-Instruct', nodePool: pool });
    new LlmWorker(chart, 'larger', { model: MISTRAL, nodePool: pool });
  });
  const pool = poolsOf(chart)[0];

  it('has no instanceStorePolicy and a data disk of images + the largest emptyDir cache', () => {
    const spec = nodeClassOf(objects, pool).spec;
    expect(spec.instanceStorePolicy).toBeUndefined();
    const caches = workersOf(chart).map((w) => emptyDirCacheGiB(objects, w));
    expect(Math.min(...caches)).toBeGreaterThan(0);
    expect(new Set(caches).size).toBe(2);
    const disk = spec.blockDeviceMappings.find((b: any) => b.deviceName === dataDevice);
    expect(volumeSizeGiB(disk.ebs.volumeSize)).toBeGreaterThanOrEqual(IMAGE_ROOM_GIB + Math.max(...caches));
    validateAll(objects);
  });
});

it('a pool mixing NVMe and EBS-only instance types (p3 + p3dn) sets no instanceStorePolicy', () => {
  const { objects, chart } = build((chart) => {
    new GpuNodePool(chart, 'v100', { instanceTypes: ['p3.8xlarge', 'p3dn.24xlarge'], provisioner: KARPENTER, maxAccelerators: 16 });
  });
  expect(fact('p3.8xlarge').nvmeGiB).toBe(0);
  expect(fact('p3dn.24xlarge').nvmeGiB).toBeGreaterThan(0);
  expect(nodeClassOf(objects, poolsOf(chart)[0]).spec.instanceStorePolicy).toBeUndefined();
});

// ---------------------------------------------------------------------------------------------
// On-prem
// ---------------------------------------------------------------------------------------------

describe('on-prem pool: 4 x 8 A100-40GB with a rack selector, a taint, plumbing and a RuntimeClass', () => {
  const SELECTOR = { 'example.com/rack': 'r1', 'example.com/team': 'ml' };
  const TAINT = { key: 'example.com/dedicated', value: 'llm', effect: 'NoSchedule' };
  const { objects, chart } = build((chart) => {
    const dc = new GpuNodePool(chart, 'dc1', {
      accelerator: 'A100-40GB',
      provisioner: { type: 'on-prem', nodes: 4, acceleratorsPerNode: 8, nodeSelector: SELECTOR, taint: { key: TAINT.key, value: TAINT.value }, runtimeClass: true },
      plumbing: { installDevicePlugin: true, installDcgmExporter: true },
    });
    new LlmWorker(chart, 'llama-70b', { model: 'meta-llama/Llama-3.1-70B-Instruct', maxContextLength: 8192, concurrency: 16, nodePool: dc });
    new LlmWorker(chart, 'mistral', { model: MISTRAL, nodePool: dc });
  });
  const pool = poolsOf(chart)[0];
  const accelerator = lookupAccelerator('A100-40GB');
  const gfd = accelerator.gfdProduct!;

  /** Servers: every GFD product, in rack r1 or r2, with or without the team label; tainted or not. */
  const servers: Node[] = ACCELERATORS.filter((a) => a.gfdProduct).flatMap((a) =>
    ['r1', 'r2'].flatMap((rack) =>
      [true, false].flatMap((team) =>
        [[TAINT], [{ ...TAINT, value: 'other' }]].map((taints) => ({
          id: `${a.gfdProduct}/${rack}/${team ? 'ml' : '-'}/${taints[0].value}`,
          labels: { 'nvidia.com/gpu.product': a.gfdProduct!, 'example.com/rack': rack, ...(team ? { 'example.com/team': 'ml' } : {}) },
          taints,
        })),
      ),
    ),
  );

  it('emits no Karpenter object; everything validates; the RuntimeClass is cluster-scoped', () => {
    expect(ofKind(objects, 'NodePool')).toEqual([]);
    expect(ofKind(objects, 'EC2NodeClass')).toEqual([]);
    validateAll(objects);
    const runtimeClasses = ofKind(objects, 'RuntimeClass');
    expect(runtimeClasses).toHaveLength(1);
    expect(runtimeClasses[0].metadata).toMatchObject({ name: 'nvidia' });
    expect(runtimeClasses[0].metadata?.namespace).toBeUndefined();
    expect(runtimeClasses[0].handler).toBe('nvidia');
    expect(pool.capacity).toBe(32);
  });

  it("the GFD product label is the facts' value", () => {
    expect(catalogFacts()).toContain(`\`${gfd}\``);
  });

  it('workers: required affinity on the GFD product AND the selector labels in one term; tolerate the taint; nvidia runtime', () => {
    for (const worker of workersOf(chart)) {
      for (const spec of podSpecsOf(objects, worker)) {
        const terms = spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
        expect(terms).toHaveLength(1);
        expect(terms[0].matchExpressions).toContainEqual({ key: 'nvidia.com/gpu.product', operator: 'In', values: [gfd] });
        const landing = servers.filter((n) => schedulable(spec, n)).map((n) => n.id);
        expect(landing).toEqual([`${gfd}/r1/ml/llm`]);
        expect(spec.tolerations).toHaveLength(1);
        expect(spec.runtimeClassName).toBe('nvidia');
      }
      expect(worker.plan.accelerator.id).toBe(accelerator.id);
      expect(worker.plan.acceleratorsPerNode).toBe(8);
    }
  });

  it('the plan is the one planModel gives for the accelerator and 8 per node', () => {
    const worker = workersOf(chart).find((w) => w.node.id === 'llama-70b')!;
    const expected = planModel({ model: 'meta-llama/Llama-3.1-70B-Instruct', maxContextLength: 8192, concurrency: 16, accelerator: 'A100-40GB', acceleratorsPerNode: 8 });
    expect(worker.plan.tensorParallel).toBe(expected.tensorParallel);
    expect(worker.plan.acceleratorsPerReplica).toBe(expected.acceleratorsPerReplica);
  });

  it('plumbing: device plugin, GFD and DCGM only on the selected servers, tolerating the taint, with the nvidia runtime', () => {
    const names = daemonSetsOf(objects, pool)
      .map((d) => d.spec.template.metadata.labels['app.kubernetes.io/name'])
      .sort();
    expect(names).toEqual(['dcgm-exporter', 'gpu-feature-discovery', 'nvidia-device-plugin']);
    for (const ds of daemonSetsOf(objects, pool)) {
      const spec = ds.spec.template.spec;
      expect(spec.runtimeClassName).toBe('nvidia');
      // Before GFD has labelled a server the plumbing cannot select its product: it selects the rack.
      const landing = servers.filter((n) => schedulable(spec, n));
      expect(landing.length).toBeGreaterThan(0);
      for (const n of landing) expect(n.labels['example.com/rack'] === 'r1' && n.labels['example.com/team'] === 'ml' && n.taints[0].value === 'llm').toBe(true);
      expect(landing.some((n) => n.labels['nvidia.com/gpu.product'] === gfd)).toBe(true);
    }
  });
});

it('on-prem pool without a taint: workers tolerate nothing', () => {
  const { objects, chart } = build((chart) => {
    const dc = new GpuNodePool(chart, 'dc', { accelerator: 'H100-SXM5-80GB', provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 } });
    new LlmWorker(chart, 'mistral', { model: MISTRAL, nodePool: dc });
  });
  for (const spec of podSpecsOf(objects, workersOf(chart)[0])) expect(spec.tolerations ?? []).toEqual([]);
  expect(ofKind(objects, 'DaemonSet')).toEqual([]);
  expect(ofKind(objects, 'RuntimeClass')).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// Several pools in one chart; workers on and off pools
// ---------------------------------------------------------------------------------------------

describe('one chart, several pools: workers on a pool and workers without one', () => {
  const { objects, chart } = build((chart) => {
    const a10g = new GpuNodePool(chart, 'a10g', { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: 8 });
    const inf2 = new GpuNodePool(chart, 'inf2', { accelerator: 'inferentia2', provisioner: KARPENTER, maxAccelerators: 8 });
    new LlmWorker(chart, 'on-a10g', { model: MISTRAL, nodePool: a10g });
    new LlmWorker(chart, 'on-inf2', { model: MISTRAL, engine: 'tgi-neuron', maxContextLength: 4096, concurrency: 4, nodePool: inf2 });
    new LlmWorker(chart, 'free-l4', { model: MISTRAL, accelerator: 'L4' });
    new LlmWorker(chart, 'free-neuron', { model: MISTRAL, engine: 'tgi-neuron', maxContextLength: 4096, concurrency: 4 });
  });
  const pools = poolsOf(chart);
  const taints = pools.map((p) => nodePoolOf(objects, p).spec.template.spec.taints[0] as Taint);

  it('every object validates', () => {
    validateAll(objects);
    expect(validateWithEsmModels(objects)).toEqual([]);
  });

  it('a worker on a pool tolerates its pool taint only and lands only on its pool', () => {
    for (const [workerId, poolId] of [
      ['on-a10g', 'a10g'],
      ['on-inf2', 'inf2'],
    ]) {
      const worker = workersOf(chart).find((w) => w.node.id === workerId)!;
      const pool = pools.find((p) => p.node.id === poolId)!;
      const own = nodePoolOf(objects, pool).spec.template.spec.taints[0];
      const others = pools.filter((p) => p !== pool);
      for (const spec of podSpecsOf(objects, worker)) {
        expect(spec.tolerations.every((t: Toleration) => tolerates(t, own))).toBe(true);
        for (const other of others) {
          const otherTaint = nodePoolOf(objects, other).spec.template.spec.taints[0];
          if (otherTaint.key !== own.key) expect(spec.tolerations.some((t: Toleration) => tolerates(t, otherTaint))).toBe(false);
          expect(poolNodes(objects, other).some((n) => schedulable(spec, n))).toBe(false);
        }
        expect(poolNodes(objects, pool).some((n) => schedulable(spec, n))).toBe(true);
      }
    }
  });

  it("workers without a pool tolerate no taint but their own accelerator's", () => {
    for (const id of ['free-l4', 'free-neuron']) {
      const worker = workersOf(chart).find((w) => w.node.id === id)!;
      const own = worker.plan.accelerator.resourceName;
      for (const spec of podSpecsOf(objects, worker)) {
        for (const taint of taints.filter((t) => t.key !== own)) {
          expect({ worker: id, taint: taint.key, tolerated: (spec.tolerations ?? []).some((t: Toleration) => tolerates(t, taint)) }).toEqual({ worker: id, taint: taint.key, tolerated: false });
        }
        expect((spec.tolerations ?? []).every((t: Toleration) => t.key === own)).toBe(true);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Time-slicing and MIG
// ---------------------------------------------------------------------------------------------

describe('time-sliced pools (4 slices per GPU)', () => {
  const VLLM_DEFAULT_UTILIZATION = 0.92; // facts D2 / DESIGN: vLLM gpu_memory_utilization default
  const sharing = { timeSlicing: { replicas: 4 } } as const;

  it('Karpenter: the worker gets a quarter of the engine default memory fraction and TP 1', () => {
    const { objects, chart } = build((chart) => {
      const pool = new GpuNodePool(chart, 'shared', { accelerator: 'A10G', provisioner: KARPENTER, plumbing: { gpuSharing: sharing }, maxAccelerators: 4 });
      new LlmWorker(chart, 'tiny', { model: 'meta-llama/Llama-3.2-1B-Instruct', maxContextLength: 4096, nodePool: pool });
    });
    const worker = workersOf(chart)[0];
    expect(worker.plan.gpuMemoryUtilization).toBeCloseTo(VLLM_DEFAULT_UTILIZATION / 4, 3);
    expect(worker.plan.tensorParallel).toBe(1);
    expect(worker.plan.acceleratorsPerReplica).toBe(1);
    validateAll(objects);
  });

  it('tensorParallel 2 on a time-sliced pool is a ValidationError on tensorParallel', () => {
    const { chart } = build(() => undefined);
    const pool = new GpuNodePool(chart, 'shared', { accelerator: 'A10G', provisioner: KARPENTER, plumbing: { gpuSharing: sharing }, maxAccelerators: 4 });
    const error = errorOf(() => new LlmWorker(chart, 'tp2', { model: 'meta-llama/Llama-3.2-1B-Instruct', tensorParallel: 2, nodePool: pool }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('tensorParallel');
    expect((error as ValidationError).suggestions.length).toBeGreaterThan(0);
  });

  it("on-prem: workers select GFD's <product>-SHARED label", () => {
    const { objects, chart } = build((chart) => {
      const pool = new GpuNodePool(chart, 'shared', {
        accelerator: 'L40S',
        provisioner: { type: 'on-prem', nodes: 1, acceleratorsPerNode: 4 },
        plumbing: { gpuSharing: sharing, installDevicePlugin: true },
      });
      new LlmWorker(chart, 'tiny', { model: 'meta-llama/Llama-3.2-1B-Instruct', maxContextLength: 4096, nodePool: pool });
    });
    const gfd = lookupAccelerator('L40S').gfdProduct!;
    const worker = workersOf(chart)[0];
    expect(worker.plan.gpuMemoryUtilization).toBeCloseTo(VLLM_DEFAULT_UTILIZATION / 4, 3);
    for (const spec of podSpecsOf(objects, worker)) {
      expect(admits(spec, { 'nvidia.com/gpu.product': `${gfd}-SHARED` })).toBe(true);
      expect(admits(spec, { 'nvidia.com/gpu.product': gfd })).toBe(false);
    }
    validateAll(objects);
  });

  it('capacity counts slices: 16 single-slice replicas fit 4 GPUs x 4, 17 do not', () => {
    const make = (replicas: number) => {
      const app = Testing.app();
      const chart = new Chart(app, 'llm', { namespace: 'llm' });
      const pool = new GpuNodePool(chart, 'shared', { accelerator: 'L40S', provisioner: { type: 'on-prem', nodes: 1, acceleratorsPerNode: 4 }, plumbing: { gpuSharing: sharing } });
      new LlmWorker(chart, 'tiny', { model: 'meta-llama/Llama-3.2-1B-Instruct', maxContextLength: 4096, nodePool: pool, replicas });
      return chart;
    };
    expect(() => Testing.synth(make(16))).not.toThrow();
    expect(() => Testing.synth(make(17))).toThrow(/shared/);
  });
});

it('a MIG pool refuses LLM workers: ValidationError on nodePool', () => {
  const { chart } = build(() => undefined);
  const pool = new GpuNodePool(chart, 'mig', {
    accelerator: 'A100-40GB',
    provisioner: { type: 'on-prem', nodes: 1, acceleratorsPerNode: 8 },
    plumbing: { gpuSharing: { mig: { strategy: 'single' } } },
  });
  const error = errorOf(() => new LlmWorker(chart, 'w', { model: MISTRAL, nodePool: pool }));
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe('nodePool');
});

// ---------------------------------------------------------------------------------------------
// Checks at synth and at construction: errors name the pool, the worker and the numbers
// ---------------------------------------------------------------------------------------------

describe('checks between pools and workers', () => {
  it('over capacity (Karpenter): synth fails naming the pool, each worker, the claimed and the available accelerators', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    const pool = new GpuNodePool(chart, 'tight-pool', { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: 3 });
    const alpha = new LlmWorker(chart, 'alpha-worker', { model: MISTRAL, nodePool: pool, replicas: 2 });
    const beta = new LlmWorker(chart, 'beta-worker', { model: MISTRAL, nodePool: pool, replicas: 2 });
    const claimed = 2 * alpha.plan.acceleratorsPerReplica + 2 * beta.plan.acceleratorsPerReplica;
    expect(claimed).toBeGreaterThan(3);
    const error = errorOf(() => Testing.synth(chart));
    expect(error).toBeDefined();
    for (const word of ['tight-pool', 'alpha-worker', 'beta-worker']) expect(error!.message).toContain(word);
    expect(mentions(error!.message, claimed)).toBe(true);
    expect(mentions(error!.message, 3)).toBe(true);
  });

  it('over capacity (on-prem): nodes x acceleratorsPerNode is the capacity', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    const pool = new GpuNodePool(chart, 'one-server', { accelerator: 'A100-40GB', provisioner: { type: 'on-prem', nodes: 1, acceleratorsPerNode: 8 } });
    const big = new LlmWorker(chart, 'llama-70b', { model: 'meta-llama/Llama-3.1-70B-Instruct', maxContextLength: 8192, concurrency: 16, nodePool: pool, replicas: 3 });
    const claimed = 3 * big.plan.acceleratorsPerReplica;
    expect(claimed).toBeGreaterThan(8);
    const error = errorOf(() => Testing.synth(chart));
    expect(error).toBeDefined();
    for (const word of ['one-server', 'llama-70b']) expect(error!.message).toContain(word);
    expect(mentions(error!.message, claimed)).toBe(true);
    expect(mentions(error!.message, 8)).toBe(true);
  });

  it('within capacity, synth passes', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'llm', { namespace: 'llm' });
    const pool = new GpuNodePool(chart, 'roomy', { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: 4 });
    new LlmWorker(chart, 'alpha', { model: MISTRAL, nodePool: pool, replicas: 2 });
    new LlmWorker(chart, 'beta', { model: MISTRAL, nodePool: pool, replicas: 2 });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  it('a replica larger than the largest node of the pool fails at construction, naming the pool and both numbers', () => {
    const { chart } = build(() => undefined);
    const pool = new GpuNodePool(chart, 'small-nodes', { instanceTypes: ['g5.xlarge', 'g5.12xlarge'], provisioner: KARPENTER, maxAccelerators: 16 });
    expect(Math.max(...pool.instanceTypes.map((it) => fact(it.name).count))).toBe(4);
    const error = errorOf(() => new LlmWorker(chart, 'tp8-worker', { model: MISTRAL, tensorParallel: 8, nodePool: pool }));
    expect(error).toBeInstanceOf(LlmConstructsError);
    expect(error!.message).toContain('small-nodes');
    expect(error!.message).toContain('tp8-worker');
    expect(mentions(error!.message, 8)).toBe(true);
    expect(mentions(error!.message, 4)).toBe(true);
  });

  it('a Neuron engine on a GPU pool fails, naming the pool and the worker', () => {
    const { chart } = build(() => undefined);
    const pool = new GpuNodePool(chart, 'gpu-pool', { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: 8 });
    const error = errorOf(() => new LlmWorker(chart, 'neuron-worker', { model: MISTRAL, engine: 'tgi-neuron', nodePool: pool }));
    expect(error).toBeInstanceOf(LlmConstructsError);
    expect(error!.message).toContain('gpu-pool');
    expect(error!.message).toContain('neuron-worker');
  });

  it('a GPU engine on an inf2 pool fails, naming the pool and the worker', () => {
    const { chart } = build(() => undefined);
    const pool = new GpuNodePool(chart, 'inf2-pool', { accelerator: 'inferentia2', provisioner: KARPENTER, maxAccelerators: 8 });
    const error = errorOf(() => new LlmWorker(chart, 'vllm-worker', { model: MISTRAL, engine: 'vllm', nodePool: pool }));
    expect(error).toBeInstanceOf(LlmConstructsError);
    expect(error!.message).toContain('inf2-pool');
    expect(error!.message).toContain('vllm-worker');
  });

  it('an instanceType outside the pool is a ValidationError on instanceType', () => {
    const { chart } = build(() => undefined);
    const pool = new GpuNodePool(chart, 'a10g', { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: 8 });
    const error = errorOf(() => new LlmWorker(chart, 'w', { model: MISTRAL, instanceType: 'g6.xlarge', nodePool: pool }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('instanceType');
    expect((error as ValidationError).suggestions.length).toBeGreaterThan(0);
  });

  it("an accelerator other than the on-prem pool's is a ValidationError on accelerator", () => {
    const { chart } = build(() => undefined);
    const pool = new GpuNodePool(chart, 'dc', { accelerator: 'A100-40GB', provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 } });
    const error = errorOf(() => new LlmWorker(chart, 'w', { model: MISTRAL, accelerator: 'H100', nodePool: pool }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('accelerator');
  });
});

// ---------------------------------------------------------------------------------------------
// Bad pool props: ValidationError with a field and suggestions, never a TypeError
// ---------------------------------------------------------------------------------------------

describe('bad pool props', () => {
  const cases: ReadonlyArray<[string, unknown, readonly string[]]> = [
    ['no provisioner', { accelerator: 'A10G', maxAccelerators: 8 }, ['provisioner']],
    ["provisioner.type 'both'", { accelerator: 'A10G', provisioner: { ...KARPENTER, type: 'both', nodes: 1, acceleratorsPerNode: 8 }, maxAccelerators: 8 }, ['provisioner.type']],
    ['karpenter without maxAccelerators', { accelerator: 'A10G', provisioner: KARPENTER }, ['maxAccelerators']],
    ['maxAccelerators 0', { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: 0 }, ['maxAccelerators']],
    ['maxAccelerators -1', { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: -1 }, ['maxAccelerators']],
    ["maxAccelerators '8'", { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: '8' }, ['maxAccelerators']],
    ['unknown accelerator', { accelerator: 'A11G', provisioner: KARPENTER, maxAccelerators: 8 }, ['accelerator']],
    ['unknown instance family', { instanceFamilies: ['g55'], provisioner: KARPENTER, maxAccelerators: 8 }, ['instanceFamilies']],
    ['unknown instance type', { instanceTypes: ['g5.3xlarge'], provisioner: KARPENTER, maxAccelerators: 8 }, ['instanceTypes', 'instanceType']],
    ['instanceTypes not a list', { instanceTypes: 'g5.xlarge', provisioner: KARPENTER, maxAccelerators: 8 }, ['instanceTypes']],
    ['accelerator and instanceTypes disagree', { accelerator: 'L4', instanceTypes: ['g5.xlarge'], provisioner: KARPENTER, maxAccelerators: 8 }, ['instanceTypes', 'accelerator']],
    ['accelerator and instanceFamilies disagree', { accelerator: 'L4', instanceFamilies: ['g5'], provisioner: KARPENTER, maxAccelerators: 8 }, ['instanceFamilies', 'accelerator']],
    ["GPU and Neuron families mixed (['g5', 'inf2'])", { instanceFamilies: ['g5', 'inf2'], provisioner: KARPENTER, maxAccelerators: 8 }, ['instanceFamilies']],
    ['on-prem without accelerator', { provisioner: { type: 'on-prem', nodes: 4, acceleratorsPerNode: 8 } }, ['accelerator']],
    ['on-prem nodes 0', { accelerator: 'A100-40GB', provisioner: { type: 'on-prem', nodes: 0, acceleratorsPerNode: 8 } }, ['provisioner.nodes']],
  ];

  it.each(cases)('%s', (_title, props, fields) => {
    const { chart } = build(() => undefined);
    const error = errorOf(() => new GpuNodePool(chart, 'bad-pool', props as GpuNodePoolProps));
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(fields).toContain(v.field);
    expect(v.suggestions.length).toBeGreaterThan(0);
    expect(v.message).toContain('bad-pool');
  });
});

// ---------------------------------------------------------------------------------------------
// Cost
// ---------------------------------------------------------------------------------------------

describe('maxHourlyCostUsd', () => {
  it('g4dn: the cheapest T4 is g4dn.xlarge (facts), x maxAccelerators', () => {
    const { chart } = build((chart) => new GpuNodePool(chart, 't4', { instanceFamilies: ['g4dn'], provisioner: KARPENTER, maxAccelerators: 8 }));
    const rows = poolsOf(chart)[0].instanceTypes.map((it) => fact(it.name));
    const cheapest = rows.reduce((a, b) => (a.priceUsd! / a.count <= b.priceUsd! / b.count ? a : b));
    expect(cheapest.name).toBe('g4dn.xlarge');
    // 4 x T4 in g4dn.12xlarge cost more per GPU than one g4dn.xlarge.
    expect(fact('g4dn.12xlarge').priceUsd! / fact('g4dn.12xlarge').count).toBeGreaterThan(cheapest.priceUsd!);
    expect(poolsOf(chart)[0].maxHourlyCostUsd).toBeCloseTo(cheapest.priceUsd! * 8, 4);
  });

  it('instance types without an on-demand price do not count (p5e is not sold on demand)', () => {
    expect(fact('p5e.48xlarge').priceUsd).toBeUndefined();
    const { chart } = build((chart) => {
      new GpuNodePool(chart, 'h200', { instanceTypes: ['p5e.48xlarge', 'p5en.48xlarge'], provisioner: KARPENTER, maxAccelerators: 16 });
      new GpuNodePool(chart, 'h200-unpriced', { instanceTypes: ['p5e.48xlarge'], provisioner: KARPENTER, maxAccelerators: 16 });
    });
    const [priced, unpriced] = poolsOf(chart);
    const row = fact('p5en.48xlarge');
    expect(priced.maxHourlyCostUsd).toBeCloseTo((row.priceUsd! / row.count) * 16, 3);
    expect(unpriced.maxHourlyCostUsd).toBeUndefined();
  });
});

describe('checks the CRDs would only make at apply time, made at synth', () => {
  const attempt = (props: GpuNodePoolProps): unknown => {
    try {
      new GpuNodePool(new Chart(Testing.app(), 'c'), 'p', props);
    } catch (error) {
      return error;
    }
    throw new Error('expected an error');
  };
  const expectField = (error: unknown, field: string) => {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as ValidationError).suggestions.length).toBeGreaterThan(0);
  };

  test('the EC2NodeClass CEL rules: an alias <al2023|bottlerocket>@<version>, a role, a cluster to discover subnets by', () => {
    expectField(attempt({ accelerator: 'A10G', provisioner: { ...KARPENTER, amiAlias: 'ubuntu' }, maxAccelerators: 4 }), 'provisioner.amiAlias');
    expectField(attempt({ accelerator: 'A10G', provisioner: { ...KARPENTER, nodeRole: '' }, maxAccelerators: 4 }), 'provisioner.nodeRole');
    expectField(attempt({ accelerator: 'A10G', provisioner: { type: 'karpenter', nodeRole: 'r' } as never, maxAccelerators: 4 }), 'provisioner.clusterName');
  });

  test('capacity types are the three Karpenter knows (karpenter.sh/capacity-type)', () => {
    expectField(attempt({ accelerator: 'A10G', provisioner: KARPENTER, capacityTypes: ['spto' as never], maxAccelerators: 4 }), 'capacityTypes');
  });

  test('no NVIDIA agents on an AMD pool', () => {
    expectField(attempt({ accelerator: 'MI300X', provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 }, plumbing: { installDevicePlugin: true } }), 'plumbing.installDevicePlugin');
  });

  test('two on-prem pools without nodeSelector would both plumb every NVIDIA node: synth fails', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new GpuNodePool(chart, 'a', { accelerator: 'A100-40GB', provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 }, plumbing: { installDevicePlugin: true } });
    new GpuNodePool(chart, 'b', { accelerator: 'H100-SXM5-80GB', provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 }, plumbing: { installDevicePlugin: true } });
    expect(() => app.synth()).toThrow(/nodeSelector/);
    const ok = Testing.app();
    const separate = new Chart(ok, 'c');
    new GpuNodePool(separate, 'a', {
      accelerator: 'A100-40GB',
      provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8, nodeSelector: { rack: 'a' } },
      plumbing: { installDevicePlugin: true },
    });
    new GpuNodePool(separate, 'b', {
      accelerator: 'H100-SXM5-80GB',
      provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8, nodeSelector: { rack: 'b' } },
      plumbing: { installDevicePlugin: true },
    });
    expect(() => ok.synth()).not.toThrow();
  });
});

describe('a worker naming an instance type on a pool', () => {
  test('is pinned to that type, which its host resources were sized for', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'llm' });
    const pool = new GpuNodePool(chart, 'a10g', { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: 8 });
    new LlmWorker(chart, 'w', { model: 'mistralai/Mistral-7B-Instruct-v0.3', nodePool: pool, instanceType: 'g5.12xlarge', tensorParallel: 2 });
    const deployment = (Testing.synth(chart) as any[]).find((o) => o.kind === 'Deployment');
    const terms = deployment.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    // One term (AND of its expressions): this pool's nodes, of exactly the named type.
    expect(terms).toHaveLength(1);
    const expressions = Object.fromEntries(terms[0].matchExpressions.map((e: any) => [e.key, e.values]));
    expect(expressions['karpenter.sh/nodepool']).toEqual([pool.name]);
    expect(expressions['node.kubernetes.io/instance-type']).toEqual(['g5.12xlarge']);
  });
});
