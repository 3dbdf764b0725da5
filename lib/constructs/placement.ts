import type { k8s } from 'cdk8s-plus-28';
import { karpenterName } from '../catalog/accelerators';
import { INSTANCE_TYPES } from '../catalog/instance-types';
import type { Accelerator } from '../catalog/types';
import type { ModelPlan } from '../sizing/types';

/** Where a pod may run and which taints it tolerates. */
export interface Placement {
  readonly affinity: k8s.Affinity;
  readonly tolerations: k8s.Toleration[];
}

/**
 * Node selection for a plan without a node pool. Terms are OR'ed, so one manifest works on both
 * kinds of cluster: EKS nodes carry Karpenter's well-known labels, other clusters the labels of
 * NVIDIA GPU Feature Discovery (or AMD's node labeller). A named instance type pins that type.
 */
export function acceleratorTerms(accelerator: Accelerator, instanceTypeName?: string): k8s.NodeSelectorTerm[] {
  if (instanceTypeName) return [{ matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: [instanceTypeName] }] }];
  const terms: k8s.NodeSelectorTerm[] = [];
  if (accelerator.gfdProduct) {
    terms.push({ matchExpressions: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: [accelerator.gfdProduct] }] });
  }
  if (accelerator.nodeLabels) {
    terms.push({
      matchExpressions: Object.entries(accelerator.nodeLabels)
        .slice(0, 1)
        .map(([key, value]) => ({ key, operator: 'In', values: [value] })),
    });
  }
  const karpenter = karpenterName(accelerator);
  if (karpenter) {
    const memory = karpenter.kind === 'gpu' ? gpuMemoryMatch(accelerator) : [];
    terms.push({ matchExpressions: [{ key: karpenter.label, operator: 'In', values: [karpenter.value] }, ...memory] });
  }
  return terms;
}

/** Karpenter names `a100` and `v100` cover two memory sizes: pin the size (MiB per GPU) of this accelerator. */
function gpuMemoryMatch(accelerator: Accelerator): k8s.NodeSelectorRequirement[] {
  const sizes = [...new Set(INSTANCE_TYPES.filter((it) => it.acceleratorId === accelerator.id).map((it) => String(it.acceleratorMemoryMiB)))];
  return sizes.length > 0 ? [{ key: 'karpenter.k8s.aws/instance-gpu-memory', operator: 'In', values: sizes }] : [];
}

/** GPU nodes are tainted with their device resource (Karpenter pools and the NVIDIA/EKS convention). */
export function acceleratorToleration(accelerator: Accelerator): k8s.Toleration {
  return { key: accelerator.resourceName, operator: 'Exists', effect: 'NoSchedule' };
}

export function planPlacement(plan: ModelPlan, pinInstanceType: boolean): Placement {
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: acceleratorTerms(plan.accelerator, pinInstanceType ? plan.instanceType?.name : undefined),
        },
      },
    },
    tolerations: [acceleratorToleration(plan.accelerator)],
  };
}
