import { Chart } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { karpenterName } from '../catalog/accelerators';
import type { Accelerator, InstanceType } from '../catalog/types';
import { ValidationError } from '../errors';
import type { PlanRequest } from '../sizing/types';
import { describe } from '../sizing/validate';
import { type OnPremInterconnect } from './interconnect';
import { checkKarpenterOptions, karpenterPool, type KarpenterOptions } from './karpenter';
import { checkDnsLabel } from './names';
import { acceleratorTerms, type Placement } from './placement';
import { dcgmExporter, neuronDevicePlugin, nvidiaDevicePlugin, type GpuSharing, type PlumbingTarget } from './plumbing';
import { checkSharing } from './plumbing/nvidia-config';
import { rejectUnknownProps } from '../unknown-props';
import { GPU_NODE_POOL_SPEC } from './props-specs';
import { checkNamesAppWide } from './unique-names';
import { constructStep, invalid } from './validation';
import { onPremNodes, requiredTerms, selectorExpressions, type PoolNodes } from './pool-nodes';
export { NFD_NVIDIA_LABELS } from './pool-nodes';
import { karpenterCapacity, onPremCapacity } from './pool-capacity';

/** GPU plumbing a pool may install on its nodes. */
export interface PlumbingOptions {
  /**
   * NVIDIA device plugin with GPU Feature Discovery (Neuron device plugin on Inferentia/Trainium).
   * @default true for Karpenter pools on AL2023 (the AMI has drivers, not the plugin); false otherwise
   */
  readonly installDevicePlugin?: boolean;
  /** DCGM exporter with a ServiceMonitor (GPU utilisation, memory, power per pod). @default false */
  readonly installDcgmExporter?: boolean;
  /** Time-slicing or MIG, through the device plugin's config. @default whole GPUs */
  readonly gpuSharing?: GpuSharing;
  /** Namespace of the node agents (host-path DaemonSets need a privileged namespace). @default 'kube-system' */
  readonly plumbingNamespace?: string;
}

export interface KarpenterPoolOptions extends KarpenterOptions, PlumbingOptions {}

/** A fixed inventory of GPU servers. */
export interface OnPremOptions extends PlumbingOptions {
  readonly nodes: number;
  readonly acceleratorsPerNode: number;
  /** Extra labels the pool's nodes carry (e.g. a rack or a team). @default every node with an NVIDIA GPU (found by its NFD PCI label) */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** A taint the nodes carry, which the pool's workers tolerate. @default none */
  readonly taint?: { readonly key: string; readonly value?: string; readonly effect?: 'NoSchedule' | 'NoExecute' | 'PreferNoSchedule' };
  /** Emit a `nvidia` RuntimeClass and run workers with it (containerd without NVIDIA as default runtime). @default false */
  readonly runtimeClass?: boolean;
  /**
   * InfiniBand or RoCE between the nodes, through an RDMA device plugin: multi-node replicas request it and
   * NCCL is told which HCAs to use. @default none: NCCL between nodes over TCP sockets
   */
  readonly interconnect?: OnPremInterconnect;
}

export interface GpuNodePoolProps {
  /**
   * e.g. `A10G`, `A100-SXM4-80GB`, `inferentia2`, or an `Accelerator` object. Required on-prem (naming
   * the form factor: `A100-PCIE-80GB`, not `A100-80GB`); on EKS an alternative to instance types.
   * @default the accelerators of `instanceTypes` / `instanceFamilies`
   */
  readonly accelerator?: string | Accelerator;
  /** EC2 instance types the pool may launch. @default every catalog type with the accelerator */
  readonly instanceTypes?: readonly string[];
  /** EC2 instance families, e.g. `['g5', 'g6']`. @default every family (filtered by `accelerator`) */
  readonly instanceFamilies?: readonly string[];
  /** Provision with Karpenter on EKS. @default none: set exactly one of `karpenter` and `onPrem` */
  readonly karpenter?: KarpenterPoolOptions;
  /** Or use existing servers. @default none: set exactly one of `karpenter` and `onPrem` */
  readonly onPrem?: OnPremOptions;
  /** @default ['on-demand'] */
  readonly capacityTypes?: ReadonlyArray<'on-demand' | 'spot' | 'reserved'>;
  /** Most accelerators the pool may hold (Karpenter `limits`); required with `karpenter`. @default on-prem: nodes x acceleratorsPerNode (required with `karpenter`) */
  readonly maxAccelerators?: number;
  /** Object name. @default `<chart id>-<construct id>` */
  readonly name?: string;
}

/** What a worker on the pool claims: checked against the pool's capacity at synth. */
export interface PoolClaim {
  readonly worker: string;
  readonly acceleratorsPerReplica: number;
  readonly maxReplicas: number;
  /** GiB of model cache the worker keeps on the node's disk. */
  readonly nodeCacheGiB: number;
}

/**
 * GPU capacity for LLM workers: a Karpenter NodePool + EC2NodeClass on EKS, or an on-prem inventory;
 * optionally the device plugin, GPU Feature Discovery and DCGM exporter on exactly its nodes. Workers
 * with `nodePool` are planned on its instance types, placed on its nodes, and counted against it.
 */
export class GpuNodePool extends Construct {
  public readonly name: string;
  public readonly kind: 'karpenter' | 'on-prem';
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
  private readonly onPrem?: OnPremOptions;

  constructor(scope: Construct, id: string, props: GpuNodePoolProps) {
    super(scope, id);
    const fail = (field: string, message: string, suggestions: string[]) => invalid(this, 'GpuNodePool', 'invalid-node-pool', field, message, suggestions);
    if (typeof props !== 'object' || props === null) throw fail('props', `props must be an object, got ${describe(props)}`, ["{ accelerator: 'A10G', karpenter: { ... }, maxAccelerators: 8 }"]);
    rejectUnknownProps(`GpuNodePool ${id}`, props, GPU_NODE_POOL_SPEC);
    checkNamesAppWide(this);
    if (!props.karpenter === !props.onPrem) {
      throw fail('karpenter', 'set exactly one of karpenter (EKS) or onPrem (existing servers)', [
        "karpenter: { clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' }",
        'onPrem: { nodes: 4, acceleratorsPerNode: 8 }',
      ]);
    }
    for (const key of ['karpenter', 'onPrem'] as const) {
      const options: unknown = props[key];
      if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
        throw fail(key, `${key} must be an object, got ${describe(options)}`, [
          key === 'karpenter' ? "karpenter: { clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' }" : 'onPrem: { nodes: 4, acceleratorsPerNode: 8 }',
        ]);
      }
    }
    this.name = checkDnsLabel(props.name ?? `${Chart.of(this).node.id}-${id}`, props.name ? 'name' : 'id');
    this.kind = props.karpenter ? 'karpenter' : 'on-prem';
    this.onPrem = props.onPrem;
    this.sharing = (props.karpenter ?? props.onPrem)?.gpuSharing;

    const capacity = constructStep(
      this,
      `GpuNodePool ${id}`,
      () => {
        checkSharing(this.sharing, `${this.kind === 'karpenter' ? 'karpenter' : 'onPrem'}.gpuSharing`);
        return props.karpenter ? karpenterCapacity(this, props) : onPremCapacity(this, props, fail);
      },
      true,
    );
    this.instanceTypes = capacity.instanceTypes;
    this.accelerators = capacity.accelerators;
    this.acceleratorsPerNode = capacity.acceleratorsPerNode;
    this.capacity = capacity.capacity;
    this.maxHourlyCostUsd = capacity.maxHourlyCostUsd;
    this.interconnect = capacity.interconnect;

    const resources = new Set(this.accelerators.map((a) => a.resourceName));
    if (resources.size > 1) {
      throw fail('instanceFamilies', `mixes device kinds (${[...resources].join(', ')}): one pool, one device plugin and one taint`, ['one GpuNodePool per accelerator kind']);
    }
    const accelerator = this.accelerators[0];
    const labels = { 'app.kubernetes.io/managed-by': 'llm-constructs', 'llm-constructs.io/pool': this.name };

    const nodes = props.karpenter ? this.karpenterNodes(props, props.karpenter, accelerator, labels, fail) : onPremNodes(this, props.onPrem!);
    this.taint = nodes.taint;
    this.runtimeClassName = nodes.runtimeClassName;
    this.installPlumbing(
      props.karpenter ?? props.onPrem!,
      props.karpenter?.amiAlias,
      {
        name: this.name,
        nodeAffinity: nodes.plumbingAffinity,
        tolerations: this.tolerations(),
        labels,
        runtimeClassName: this.runtimeClassName,
        namespace: (props.karpenter ?? props.onPrem)?.plumbingNamespace,
      },
      accelerator,
    );
    this.node.addValidation({ validate: () => [...this.capacityErrors(), ...this.plumbingOverlapErrors()] });
  }

  /** The Karpenter NodePool and EC2NodeClass that launch this pool's nodes, tainted for GPU workloads only. */
  private karpenterNodes(
    props: GpuNodePoolProps,
    karpenter: KarpenterPoolOptions,
    accelerator: Accelerator,
    labels: Record<string, string>,
    fail: (field: string, message: string, suggestions: string[]) => Error,
  ): PoolNodes {
    checkKarpenterOptions(karpenter, props.capacityTypes ?? ['on-demand'], fail);
    karpenterPool(this, {
      name: this.name,
      accelerator,
      acceleratorNames: [...new Set(this.accelerators.flatMap((a) => karpenterName(a)?.value ?? []))],
      instanceTypes: this.instanceTypes,
      capacityTypes: props.capacityTypes ?? ['on-demand'],
      maxAccelerators: this.capacity,
      labels,
      // A stack's cost-allocation labels become EC2 tags of every instance the pool launches.
      options: { ...karpenter, tags: { ...(Chart.of(this) as { costAllocationTags?: Record<string, string> }).costAllocationTags, ...karpenter.tags } },
      cacheGiB: () => Math.max(0, ...this.claims.map((c) => c.nodeCacheGiB)),
    });
    return {
      taint: { key: accelerator.resourceName, effect: 'NoSchedule' },
      plumbingAffinity: requiredTerms([{ matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: [this.name] }] }]),
    };
  }

  /** Sizing inputs of a worker on this pool: its instance types, or its accelerator and node size. */
  public planRequest(): Pick<PlanRequest, 'instanceTypes' | 'accelerator' | 'acceleratorsPerNode'> {
    return this.kind === 'karpenter' ? { instanceTypes: this.instanceTypes.map((it) => it.name) } : { accelerator: this.accelerators[0].id, acceleratorsPerNode: this.acceleratorsPerNode };
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
              matchExpressions: [...(term.matchExpressions ?? []).map((e) => this.sharedProduct(e)), ...selectorExpressions(this.onPrem?.nodeSelector ?? {})],
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
      `${this.describe()} and ${others.map((o) => o.describe()).join(', ')} install GPU plumbing on every NVIDIA node (no onPrem.nodeSelector): ` +
        'two device plugins per node. Give each on-prem pool an onPrem.nodeSelector that matches only its servers.',
    ];
  }

  private capacityErrors(): string[] {
    const claimed = this.claims.reduce((sum, c) => sum + c.acceleratorsPerReplica * c.maxReplicas, 0);
    const capacity = this.capacity * this.sliceFactor;
    if (claimed <= capacity) return [];
    const detail = this.claims.map((c) => `${c.worker}: ${c.maxReplicas} x ${c.acceleratorsPerReplica}`).join(', ');
    return [
      `${this.describe()} is over capacity: its workers claim ${claimed} accelerators at their maximum replicas (${detail}), ` +
        `but it holds ${capacity}${this.sliceFactor > 1 ? ` (${this.capacity} GPUs x ${this.sliceFactor} time slices)` : ''}. Raise ${this.kind === 'karpenter' ? 'maxAccelerators' : 'onPrem.nodes'} or lower the workers' replicas.`,
    ];
  }

  private installPlumbing(options: PlumbingOptions, amiAlias: string | undefined, target: PlumbingTarget, accelerator: Accelerator): void {
    const al2023 = this.kind === 'karpenter' && !(amiAlias ?? 'al2023@latest').startsWith('bottlerocket@');
    const wanted = (options.installDevicePlugin ?? al2023) || options.installDcgmExporter === true;
    if (wanted && accelerator.vendor === 'amd') {
      throw new ValidationError('no-amd-plumbing', `GpuNodePool ${this.node.id}: llm-constructs ships NVIDIA and Neuron plumbing, not AMD's`, {
        field: 'installDevicePlugin',
        suggestions: ['install the ROCm k8s-device-plugin and node labeller separately', 'installDevicePlugin: false'],
      });
    }
    this.plumbsEveryGpuNode = wanted && this.kind === 'on-prem' && this.onPrem?.nodeSelector === undefined;
    if (options.installDevicePlugin ?? al2023) {
      if (accelerator.kind === 'neuron') neuronDevicePlugin(this, target);
      else nvidiaDevicePlugin(this, target, { sharing: options.gpuSharing });
    }
    if (options.installDcgmExporter && accelerator.vendor === 'nvidia') dcgmExporter(this, target);
  }
}
