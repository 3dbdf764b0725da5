import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { Accelerator, InstanceType } from '../catalog/types';
import type { PlanRequest } from '../sizing/types';
import type { GpuNodePoolProps, OnPremProvisioner, PlumbingOptions, PoolClaim, PoolProvisioner } from './gpu-node-pool-props';
import { type OnPremInterconnect } from './interconnect';
import { karpenterNodes } from './karpenter';
import { objectName } from './names';
import { acceleratorTerms, type Placement } from './placement';
import { dcgmExporter, neuronDevicePlugin, nvidiaDevicePlugin, type GpuSharing, type PlumbingTarget } from './plumbing';
import { checkSharing } from './plumbing/nvidia-config';
import { poolCapacity } from './pool-capacity';
import { onPool, type WorkerHardware } from './pool-constraints';
import { onPremNodes, requiredTerms, selectorExpressions, type PoolNodes } from './pool-nodes';
import { checkPoolProps, poolError } from './pool-props';
import { checkNamesAppWide } from './unique-names';
import { constructStep, invalid } from './validation';
export type { GpuNodePoolProps, KarpenterProvisioner, OnPremProvisioner, PlumbingOptions, PoolClaim, PoolProvisioner } from './gpu-node-pool-props';
export { NFD_NVIDIA_LABELS } from './pool-nodes';

/**
 * GPU capacity for LLM workers: a Karpenter NodePool + EC2NodeClass on EKS, or an on-prem inventory;
 * optionally the device plugin, GPU Feature Discovery and DCGM exporter on exactly its nodes. Workers
 * with `nodePool` are planned on its instance types, placed on its nodes, and counted against it.
 */
export class GpuNodePool extends Construct {
  public readonly name: string;
  public readonly kind: PoolProvisioner['type'];
  /** Accelerators the pool's nodes carry (one per GPU model, e.g. A10G and L4 for `['g5', 'g6']`). */
  public readonly accelerators: readonly Accelerator[];
  /** Instance types the pool may launch (empty on-prem). */
  public readonly instanceTypes: readonly InstanceType[];
  /** Devices of the largest node. */
  public readonly acceleratorsPerNode: number;
  /** Devices the pool may hold: `maxAccelerators`, or nodes x accelerators per node on-prem. */
  public readonly capacity: number;
  /** USD/hour at full capacity on the cheapest allowed shape (Karpenter pools with priced types). */
  public readonly maxHourlyCostUsd?: number;
  /** The taint workers must tolerate, if any. */
  public readonly taint?: k8s.Taint;
  /** RuntimeClass workers run with, when the pool needs one. */
  public readonly runtimeClassName?: string;
  /** Time-slicing or MIG configured on the pool's GPUs. */
  public readonly sharing?: GpuSharing;
  /** On-prem RDMA between the nodes, for multi-node replicas. */
  public readonly interconnect?: OnPremInterconnect;
  private readonly claims: PoolClaim[] = [];
  /** On-prem plumbing without a nodeSelector runs on every NVIDIA node of the cluster. */
  private plumbsEveryGpuNode = false;
  private readonly provisioner: PoolProvisioner;

  constructor(scope: Construct, id: string, props: GpuNodePoolProps) {
    super(scope, id);
    const provisioner = checkPoolProps(this, props);
    checkNamesAppWide(this);
    const step = <T>(run: () => T): T => constructStep(this, `GpuNodePool ${id}`, run, true);
    this.name = objectName(this, 'GpuNodePool', props.name);
    this.kind = provisioner.type;
    this.provisioner = provisioner;
    this.sharing = props.plumbing?.gpuSharing;

    const capacity = step(() => {
      checkSharing(this.sharing, 'plumbing.gpuSharing');
      return poolCapacity(this, props, provisioner, poolError(this));
    });
    this.instanceTypes = capacity.instanceTypes;
    this.accelerators = capacity.accelerators;
    this.acceleratorsPerNode = capacity.acceleratorsPerNode;
    this.capacity = capacity.capacity;
    this.maxHourlyCostUsd = capacity.maxHourlyCostUsd;
    this.interconnect = capacity.interconnect;

    const labels = { 'app.kubernetes.io/managed-by': 'llm-constructs', 'llm-constructs.io/pool': this.name };
    const nodes = this.nodes(props, provisioner, labels);
    this.taint = nodes.taint;
    this.runtimeClassName = nodes.runtimeClassName;
    const target = { name: this.name, nodeAffinity: nodes.plumbingAffinity, tolerations: this.tolerations(), labels, runtimeClassName: this.runtimeClassName, namespace: props.plumbing?.namespace };
    step(() => this.installPlumbing(props.plumbing ?? {}, target));
    this.node.addValidation({ validate: () => [...this.capacityErrors(), ...this.plumbingOverlapErrors()] });
  }

  /** The pool's nodes: one device kind (one device plugin, one taint), launched by Karpenter or found on-prem. */
  private nodes(props: GpuNodePoolProps, provisioner: PoolProvisioner, labels: Record<string, string>): PoolNodes {
    const resources = new Set(this.accelerators.map((a) => a.resourceName));
    if (resources.size > 1) {
      throw poolError(this)('instanceFamilies', `mixes device kinds (${[...resources].join(', ')}): one pool, one device plugin and one taint`, ['one GpuNodePool per accelerator kind']);
    }
    if (provisioner.type === 'on-prem') return onPremNodes(this, provisioner);
    return karpenterNodes(this, props, provisioner, labels, () => Math.max(0, ...this.claims.map((c) => c.nodeCacheGiB)), poolError(this));
  }

  /** The hardware this pool offers a plan: its instance types, or its accelerator and node size. */
  public hardware(): Pick<PlanRequest, 'instanceTypes' | 'accelerator' | 'acceleratorsPerNode'> {
    return this.kind === 'karpenter' ? { instanceTypes: this.instanceTypes.map((it) => it.name) } : { accelerator: this.accelerators[0].id, acceleratorsPerNode: this.acceleratorsPerNode };
  }

  /** A worker's sizing request within this pool (its hardware, whole GPUs, one time slice): see pool-constraints.ts. */
  public planRequest(request: PlanRequest, worker: WorkerHardware): PlanRequest {
    return onPool(this, request, worker);
  }

  /**
   * Node affinity and tolerations that put a worker on exactly this pool's nodes; with `accelerator`
   * (the plan's), only on those that carry it: in a pool of several GPUs (`['g6', 'g6e']`, p4d + p4de)
   * Karpenter would otherwise launch the cheapest, which may be smaller than the plan's.
   */
  public placement(accelerator?: Accelerator, instanceType?: string): Placement {
    // A worker naming its instance type gets exactly it (its host resources were sized for it);
    // on a pool of several accelerators, a worker gets the types that carry its plan's accelerator.
    const carrying = instanceType ? [instanceType] : accelerator && this.accelerators.length > 1 ? this.instanceTypes.filter((it) => it.acceleratorId === accelerator.id).map((it) => it.name) : [];
    const terms: k8s.NodeSelectorTerm[] =
      this.kind === 'karpenter'
        ? [
            {
              matchExpressions: [
                { key: 'karpenter.sh/nodepool', operator: 'In', values: [this.name] },
                ...(carrying.length > 0 ? [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: carrying }] : []),
              ],
            },
          ]
        : acceleratorTerms(this.accelerators[0])
            .slice(0, 1)
            .map((term) => ({
              matchExpressions: [...(term.matchExpressions ?? []).map((e) => this.sharedProduct(e)), ...selectorExpressions(this.onPremSelector ?? {})],
            }));
    return { affinity: { nodeAffinity: requiredTerms(terms) }, tolerations: this.tolerations() };
  }

  /** Time-sliced GPUs: schedulable `nvidia.com/gpu` per physical GPU (1 without time-slicing). */
  public get sliceFactor(): number {
    return this.sharing && 'timeSlicing' in this.sharing ? this.sharing.timeSlicing.replicas : 1;
  }

  /** GPU Feature Discovery names time-sliced GPUs `<product>-SHARED` (its default `renameByDefault: false`). */
  private sharedProduct(expression: k8s.NodeSelectorRequirement): k8s.NodeSelectorRequirement {
    if (this.sliceFactor === 1 || expression.key !== 'nvidia.com/gpu.product') return expression;
    return { ...expression, values: (expression.values ?? []).map((v) => `${v}-SHARED`) };
  }

  /** Records a worker's claim on the pool (checked against the capacity at synth). */
  public claim(claim: PoolClaim): void {
    this.claims.push(claim);
  }

  /** `GpuNodePool a10g (4 x A10G per node at most, 16 accelerators)`, for error messages. */
  public describe(): string {
    return `GpuNodePool ${this.node.id} (${this.accelerators.map((a) => a.id).join('/')}, up to ${this.acceleratorsPerNode} per node, capacity ${this.capacity})`;
  }

  private tolerations(): k8s.Toleration[] {
    if (!this.taint) return [];
    return [{ key: this.taint.key, operator: this.taint.value ? 'Equal' : 'Exists', value: this.taint.value, effect: this.taint.effect }];
  }

  /** Two on-prem pools whose plumbing selects every NVIDIA node would run two device plugins per node. */
  private plumbingOverlapErrors(): string[] {
    if (!this.plumbsEveryGpuNode) return [];
    const others = this.node.root.node.findAll().filter((c): c is GpuNodePool => c instanceof GpuNodePool && c !== this && c.plumbsEveryGpuNode);
    if (others.length === 0) return [];
    return [
      `${this.describe()} and ${others.map((o) => o.describe()).join(', ')} install GPU plumbing on every NVIDIA node (no provisioner.nodeSelector): ` +
        'two device plugins per node. Give each on-prem pool a provisioner.nodeSelector that matches only its servers.',
    ];
  }

  private capacityErrors(): string[] {
    const claimed = this.claims.reduce((sum, c) => sum + c.acceleratorsPerReplica * c.maxReplicas, 0);
    const capacity = this.capacity * this.sliceFactor;
    if (claimed <= capacity) return [];
    const detail = this.claims.map((c) => `${c.worker}: ${c.maxReplicas} x ${c.acceleratorsPerReplica}`).join(', ');
    return [
      `${this.describe()} is over capacity: its workers claim ${claimed} accelerators at their maximum replicas (${detail}), ` +
        `but it holds ${capacity}${this.sliceFactor > 1 ? ` (${this.capacity} GPUs x ${this.sliceFactor} time slices)` : ''}. Raise ${this.kind === 'karpenter' ? 'maxAccelerators' : 'provisioner.nodes'} or lower the workers' replicas.`,
    ];
  }

  /** The device plugin (NVIDIA or Neuron) and the DCGM exporter on the pool's nodes, as `plumbing` asks. */
  private installPlumbing(options: PlumbingOptions, target: PlumbingTarget): void {
    const accelerator = this.accelerators[0];
    const amiAlias = this.provisioner.type === 'karpenter' ? (this.provisioner.amiAlias ?? 'al2023@latest') : undefined;
    const al2023 = amiAlias !== undefined && !amiAlias.startsWith('bottlerocket@');
    const devicePlugin = options.installDevicePlugin ?? al2023;
    if ((devicePlugin || options.installDcgmExporter === true) && accelerator.vendor === 'amd') {
      throw invalid(this, 'GpuNodePool', 'no-amd-plumbing', 'plumbing.installDevicePlugin', "llm-constructs ships NVIDIA and Neuron plumbing, not AMD's", [
        'install the ROCm k8s-device-plugin and node labeller separately',
        'plumbing: { installDevicePlugin: false }',
      ]);
    }
    this.plumbsEveryGpuNode = (devicePlugin || options.installDcgmExporter === true) && this.onPremSelector === undefined && this.kind === 'on-prem';
    if (devicePlugin) {
      if (accelerator.kind === 'neuron') neuronDevicePlugin(this, target);
      else nvidiaDevicePlugin(this, target, { sharing: options.gpuSharing });
    }
    if (options.installDcgmExporter && accelerator.vendor === 'nvidia') dcgmExporter(this, target);
  }

  /** An on-prem pool's `nodeSelector`. */
  private get onPremSelector(): OnPremProvisioner['nodeSelector'] {
    return this.provisioner.type === 'on-prem' ? this.provisioner.nodeSelector : undefined;
  }
}
