import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';

/** Who may open a connection: pods (in this namespace, or in namespaces matching labels), or an IP range. */
export type Peer =
  { readonly pods: Readonly<Record<string, string>> } | { readonly namespaces: Readonly<Record<string, string>>; readonly pods?: Readonly<Record<string, string>> } | { readonly cidr: string };

/** Where Prometheus runs unless told otherwise: pods of the namespace named `monitoring`. */
export const DEFAULT_MONITORING: Peer = { namespaces: { 'kubernetes.io/metadata.name': 'monitoring' } };

function toPeer(peer: Peer): k8s.NetworkPolicyPeer {
  if ('cidr' in peer) return { ipBlock: { cidr: peer.cidr } };
  if ('namespaces' in peer) {
    return { namespaceSelector: { matchLabels: { ...peer.namespaces } }, ...(peer.pods ? { podSelector: { matchLabels: { ...peer.pods } } } : {}) };
  }
  return { podSelector: { matchLabels: { ...peer.pods } } };
}

/**
 * Denies all ingress to the selected pods. NetworkPolicies are additive: the `allowIngress` policies
 * below then open exactly the intended paths.
 */
export function denyAllIngress(scope: Construct, id: string, name: string, podSelector: k8s.LabelSelector, labels: Record<string, string>): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name, labels },
    spec: { podSelector, policyTypes: ['Ingress'], ingress: [] },
  });
}

/**
 * Allows `from` to reach the pods labelled `to` on `ports` (TCP). No peers emits no policy: an empty
 * `from` list in a NetworkPolicy rule would allow every source.
 */
export function allowIngress(
  scope: Construct,
  id: string,
  name: string,
  to: Readonly<Record<string, string>>,
  ports: readonly number[],
  from: readonly Peer[],
  labels: Record<string, string>,
): k8s.KubeNetworkPolicy | undefined {
  if (from.length === 0) return undefined;
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name, labels },
    spec: {
      podSelector: { matchLabels: { ...to } },
      policyTypes: ['Ingress'],
      ingress: [{ from: from.map(toPeer), ports: [...new Set(ports)].map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })) }],
    },
  });
}
