/** The props of GpuNodePool (their own file: the construct, its steps and props-specs.ts import them). */
import type { Accelerator } from '../catalog/types';
import type { OnPremInterconnect } from './interconnect';
import type { KarpenterOptions } from './karpenter';
import type { GpuSharing } from './plumbing';

/** Provision with Karpenter on EKS: a NodePool and an EC2NodeClass launch the pool's nodes. */
export interface KarpenterProvisioner extends KarpenterOptions {
  readonly type: 'karpenter';
}

/** Use existing servers: a fixed inventory of `nodes` x `acceleratorsPerNode` devices. */
export interface OnPremProvisioner {
  readonly type: 'on-prem';
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

/** Where the pool's nodes come from. */
export type PoolProvisioner = KarpenterProvisioner | OnPremProvisioner;

/** GPU plumbing a pool may install on its nodes, whichever its provisioner. */
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
  readonly namespace?: string;
}

export interface GpuNodePoolProps {
  /** Karpenter on EKS, or existing servers (on-prem). */
  readonly provisioner: PoolProvisioner;
  /** @default Karpenter pools on AL2023 get the device plugin; nothing else is installed */
  readonly plumbing?: PlumbingOptions;
  /**
   * e.g. `A10G`, `A100-SXM4-80GB`, `inferentia2`, or an `Accelerator` object. Required on-prem (naming
   * the form factor: `A100-PCIE-80GB`, not `A100-80GB`); with Karpenter an alternative to instance types.
   * @default the accelerators of `instanceTypes` / `instanceFamilies`
   */
  readonly accelerator?: string | Accelerator;
  /** Karpenter only: EC2 instance types the pool may launch. @default every catalog type with the accelerator */
  readonly instanceTypes?: readonly string[];
  /** Karpenter only: EC2 instance families, e.g. `['g5', 'g6']`. @default every family (filtered by `accelerator`) */
  readonly instanceFamilies?: readonly string[];
  /** Karpenter only. @default ['on-demand'] */
  readonly capacityTypes?: ReadonlyArray<'on-demand' | 'spot' | 'reserved'>;
  /** Most accelerators the pool may hold (Karpenter `limits`); required with Karpenter. @default on-prem: nodes x acceleratorsPerNode (required with Karpenter) */
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
