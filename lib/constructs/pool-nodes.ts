/** How a pool's nodes are found: taint, runtime class and the node affinity of its plumbing DaemonSets. */
import type { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { OnPremProvisioner } from './gpu-node-pool-props';
import { nvidiaRuntimeClass } from './plumbing';

export interface PoolNodes {
  readonly taint?: k8s.Taint;
  readonly runtimeClassName?: string;
  /** Where the pool's device plugin, GFD and DCGM exporter run. */
  readonly plumbingAffinity: k8s.NodeAffinity;
}

/**
 * What plumbing selects before GFD has labelled the node: node-feature-discovery's PCI label of an NVIDIA
 * device (vendor 10de). A stock NFD composes it from `deviceLabelFields: [class, vendor]`
 * (kubernetes-sigs/node-feature-discovery source/pci/pci.go `newDefaultConfig`): `pci-0302_10de` (3D
 * controller: data-centre GPUs) or `pci-0300_10de` (VGA); NVIDIA's GPU Operator configures NFD with
 * `[vendor]`: `pci-10de`. Any of the three, as the GPU Operator's own node check does (NVIDIA/gpu-operator
 * controllers/state_manager.go `gpuNodeLabels`). Terms of a node affinity are OR'ed.
 */
export const NFD_NVIDIA_LABELS = ['feature.node.kubernetes.io/pci-0302_10de.present', 'feature.node.kubernetes.io/pci-0300_10de.present', 'feature.node.kubernetes.io/pci-10de.present'] as const;

/** Existing servers: their taint, if any, and the NVIDIA RuntimeClass when asked for. */
export function onPremNodes(scope: Construct, onPrem: OnPremProvisioner): PoolNodes {
  if (onPrem.runtimeClass) nvidiaRuntimeClass(scope);
  return {
    taint: onPrem.taint ? { key: onPrem.taint.key, value: onPrem.taint.value, effect: onPrem.taint.effect ?? 'NoSchedule' } : undefined,
    runtimeClassName: onPrem.runtimeClass ? 'nvidia' : undefined,
    // Before GPU Feature Discovery labels a node, NFD's PCI label (or the user's selector) finds it.
    plumbingAffinity: requiredTerms(
      onPrem.nodeSelector ? [{ matchExpressions: selectorExpressions(onPrem.nodeSelector) }] : NFD_NVIDIA_LABELS.map((key) => ({ matchExpressions: [{ key, operator: 'In', values: ['true'] }] })),
    ),
  };
}

/** A required node affinity of OR'ed terms. */
export function requiredTerms(terms: k8s.NodeSelectorTerm[]): k8s.NodeAffinity {
  return { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } };
}

/** A nodeSelector as node-affinity expressions. */
export function selectorExpressions(selector: Readonly<Record<string, string>>): k8s.NodeSelectorRequirement[] {
  return Object.entries(selector).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
}
