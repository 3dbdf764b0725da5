import type { k8s } from 'cdk8s-plus-28';
import { ValidationError } from '../../errors';
import { checkDnsLabel } from '../names';

/** The node pool a piece of GPU plumbing serves: its name, its nodes and its taints. */
export interface PlumbingTarget {
  /** Prefix for object names (a DNS-1123 label, e.g. the pool's name `llm-a10g`). */
  readonly name: string;
  /**
   * Selects exactly the pool's nodes (required node affinity). Use labels a node has when it joins
   * (`karpenter.sh/nodepool`, instance type), not `nvidia.com/gpu.*`: GPU Feature Discovery writes
   * those, and it runs only once selected.
   */
  readonly nodeAffinity: k8s.NodeAffinity;
  /** Tolerations for the pool's taints. */
  readonly tolerations: k8s.Toleration[];
  /** Labels added to every object (e.g. part-of). */
  readonly labels?: Record<string, string>;
  /**
   * RuntimeClass of the agents' pods, for nodes where the NVIDIA runtime is configured but is not
   * containerd's default (see `nvidiaRuntimeClass`): without it the NVIDIA agents see no GPU.
   * @default none: the node's default runtime injects the GPUs (EKS and Bottlerocket NVIDIA AMIs)
   */
  readonly runtimeClassName?: string;
  /** Namespace of the agents. @default 'kube-system' */
  readonly namespace?: string;
}

/**
 * Where namespaced plumbing goes: `kube-system` unless the target names another, as every upstream
 * manifest installs these agents (`system-node-critical` pods are always admitted there). Not the
 * workloads' namespace: host-path node agents cannot pass the Pod Security level those pods can.
 */
export const DEFAULT_PLUMBING_NAMESPACE = 'kube-system';

export function plumbingNamespace(target: PlumbingTarget): string {
  return target.namespace ?? DEFAULT_PLUMBING_NAMESPACE;
}

/** `<target.name>-<component>`, checked to stay a DNS-1123 label (Services and label values need one). */
export function plumbingName(target: PlumbingTarget, component: string): string {
  checkDnsLabel(target.name, 'name');
  const name = `${target.name}-${component}`;
  if (name.length > 63) {
    const room = 63 - component.length - 1;
    throw new ValidationError('name-too-long', `name '${target.name}' is too long for the object '${name}' (${name.length} > 63 characters)`, {
      field: 'name',
      suggestions: [`name: '${target.name.slice(0, room).replace(/-+$/, '')}'`],
    });
  }
  return name;
}

/** The labels that select one component's pods: stable, so they may appear in a DaemonSet selector. */
export function selectorLabels(target: PlumbingTarget, component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/instance': target.name };
}

/** Labels of every object of a component: the target's labels, then the selector labels. */
export function plumbingLabels(target: PlumbingTarget, component: string): Record<string, string> {
  return { ...target.labels, ...selectorLabels(target, component), 'app.kubernetes.io/component': 'gpu-plumbing' };
}
