import type { ModelPlan } from '../sizing/types';

/**
 * The network between the nodes of one multi-node replica: extra device resources for every pod of the
 * group, the environment NCCL needs to use them, and the capabilities they need.
 */
export interface Interconnect {
  /** Extended resources per pod, e.g. `{ 'vpc.amazonaws.com/efa': 32 }`. */
  readonly resources: Readonly<Record<string, number>>;
  readonly env: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** Capabilities the server container keeps (RDMA verbs pin memory: IPC_LOCK). */
  readonly capabilities: readonly string[];
  /** What the operator must also provide, for the synth warning. */
  readonly prerequisites: string;
}

/** On-prem InfiniBand or RoCE, exposed by an RDMA device plugin. */
export interface OnPremInterconnect {
  /** The RDMA device plugin's resource, e.g. `rdma/rdma_shared_device_a` or `nvidia.com/hostdev`. */
  readonly resource: string;
  /** How many of it a pod (one per node) requests. @default 1 */
  readonly perNode?: number;
  /** NCCL_IB_HCA: the HCAs NCCL may use, e.g. `mlx5_0,mlx5_1` or `=mlx5_0:1`. @default NCCL's own choice */
  readonly ibHca?: string;
  /** RoCE: NCCL_IB_GID_INDEX (RoCE v2 is usually index 3). @default NCCL's own choice */
  readonly gidIndex?: number;
}

/** The AWS Elastic Fabric Adapter resource (EFA device plugin; Amazon EKS User Guide, "Manage EFA devices on Amazon EKS"). */
export const EFA_RESOURCE = 'vpc.amazonaws.com/efa';

/** Instance families whose EFA supports GPUDirect RDMA (EC2 User Guide, "Elastic Fabric Adapter", supported instance types). */
const RDMA_FAMILIES = /^(p4d|p4de|p5|p5e|p5en|p6-b200|p6e-gb200)\./;

/**
 * Every pod of a multi-node replica on an EFA instance type requests all of the instance's EFA interfaces
 * (one pod per node; the EKS guide: request `vpc.amazonaws.com/efa` in requests and limits; Karpenter
 * then attaches the interfaces as type EFA), and tells libfabric to use them (`FI_PROVIDER=efa`;
 * `FI_EFA_USE_DEVICE_RDMA=1` where GPUDirect RDMA exists; `FI_EFA_FORK_SAFE=1` because vLLM's Python
 * workers fork) as in the EC2 User Guide, "Get started with EFA and NCCL". NCCL reaches EFA only through
 * the aws-ofi-nccl plugin and libfabric in the image.
 * On-prem, the pool's `interconnect` names the RDMA device plugin's resource and NCCL's HCA choice.
 */
export function interconnectFor(plan: ModelPlan, onPrem?: OnPremInterconnect): Interconnect | undefined {
  if (plan.nodesPerReplica <= 1) return undefined;
  const instance = plan.instanceType;
  if (instance && instance.efa > 0) {
    return {
      resources: { [EFA_RESOURCE]: instance.efa },
      env: [{ name: 'FI_PROVIDER', value: 'efa' }, ...(RDMA_FAMILIES.test(instance.name) ? [{ name: 'FI_EFA_USE_DEVICE_RDMA', value: '1' }] : []), { name: 'FI_EFA_FORK_SAFE', value: '1' }],
      capabilities: [],
      prerequisites:
        `${instance.name} pods request its ${instance.efa} EFA interfaces (${EFA_RESOURCE}): install the EFA device plugin (EKS AMIs do not ship it), ` +
        'and run an image with libfabric and the aws-ofi-nccl plugin, or NCCL falls back to TCP sockets',
    };
  }
  if (onPrem) {
    return {
      resources: { [onPrem.resource]: onPrem.perNode ?? 1 },
      env: [
        ...(onPrem.ibHca !== undefined ? [{ name: 'NCCL_IB_HCA', value: onPrem.ibHca }] : []),
        ...(onPrem.gidIndex !== undefined ? [{ name: 'NCCL_IB_GID_INDEX', value: String(onPrem.gidIndex) }] : []),
      ],
      // Verbs register (pin) memory, which needs IPC_LOCK past the default memlock limit (NVIDIA Network
      // Operator and k8s-rdma-shared-dev-plugin examples add it).
      capabilities: ['IPC_LOCK'],
      prerequisites: `pods request ${onPrem.perNode ?? 1} x ${onPrem.resource} and keep IPC_LOCK (Pod Security: privileged)`,
    };
  }
  return undefined;
}

/** Checks `provisioner.interconnect` of an on-prem pool. */
export function checkOnPremInterconnect(value: unknown, fail: (field: string, message: string, suggestions: string[]) => Error): OnPremInterconnect | undefined {
  if (value === undefined) return undefined;
  const hint = "provisioner.interconnect: { resource: 'rdma/rdma_shared_device_a', ibHca: 'mlx5_0,mlx5_1' }";
  const v = value as OnPremInterconnect;
  if (typeof value !== 'object' || value === null || typeof v.resource !== 'string' || !/^[a-z0-9.-]+\/[A-Za-z0-9_.-]+$/.test(v.resource)) {
    throw fail('provisioner.interconnect', `provisioner.interconnect.resource must name the RDMA device plugin's extended resource (domain/name), got ${JSON.stringify(value)}`, [hint]);
  }
  if (v.perNode !== undefined && !(Number.isSafeInteger(v.perNode) && v.perNode > 0))
    throw fail('provisioner.interconnect.perNode', `perNode must be a positive integer, got ${JSON.stringify(v.perNode)}`, [hint]);
  if (v.ibHca !== undefined && !(typeof v.ibHca === 'string' && /^[\^=]?[\w:,.-]+$/.test(v.ibHca)))
    throw fail('provisioner.interconnect.ibHca', `ibHca must be an NCCL_IB_HCA list, got ${JSON.stringify(v.ibHca)}`, [hint]);
  if (v.gidIndex !== undefined && !(Number.isSafeInteger(v.gidIndex) && v.gidIndex >= 0))
    throw fail('provisioner.interconnect.gidIndex', `gidIndex must be a non-negative integer, got ${JSON.stringify(v.gidIndex)}`, [hint]);
  return v;
}
