/**
 * Which @pulumi/kubernetes class registers which synthesized object: the typed class for built-in kinds,
 * `apiextensions.CustomResource` for everything served by a CRD (Karpenter, Prometheus operator, KEDA,
 * Gateway API, Inference Extension, LeaderWorkerSet).
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { KubeObject } from './plan';

/* eslint-disable @typescript-eslint/no-explicit-any */
type TypedKind = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** `apiVersion/kind` -> typed class. Built lazily: @pulumi/kubernetes loads its modules on first access. */
let typedKinds: ReadonlyMap<string, TypedKind> | undefined;
function typed(): ReadonlyMap<string, TypedKind> {
  typedKinds ??= new Map<string, TypedKind>([
    ['v1/Namespace', k8s.core.v1.Namespace],
    ['v1/ConfigMap', k8s.core.v1.ConfigMap],
    ['v1/Secret', k8s.core.v1.Secret],
    ['v1/Service', k8s.core.v1.Service],
    ['v1/ServiceAccount', k8s.core.v1.ServiceAccount],
    ['v1/PersistentVolumeClaim', k8s.core.v1.PersistentVolumeClaim],
    ['apps/v1/Deployment', k8s.apps.v1.Deployment],
    ['apps/v1/DaemonSet', k8s.apps.v1.DaemonSet],
    ['apps/v1/StatefulSet', k8s.apps.v1.StatefulSet],
    ['policy/v1/PodDisruptionBudget', k8s.policy.v1.PodDisruptionBudget],
    ['autoscaling/v2/HorizontalPodAutoscaler', k8s.autoscaling.v2.HorizontalPodAutoscaler],
    ['networking.k8s.io/v1/NetworkPolicy', k8s.networking.v1.NetworkPolicy],
    ['networking.k8s.io/v1/Ingress', k8s.networking.v1.Ingress],
    ['node.k8s.io/v1/RuntimeClass', k8s.node.v1.RuntimeClass],
    ['rbac.authorization.k8s.io/v1/ClusterRole', k8s.rbac.v1.ClusterRole],
    ['rbac.authorization.k8s.io/v1/ClusterRoleBinding', k8s.rbac.v1.ClusterRoleBinding],
    ['rbac.authorization.k8s.io/v1/Role', k8s.rbac.v1.Role],
    ['rbac.authorization.k8s.io/v1/RoleBinding', k8s.rbac.v1.RoleBinding],
  ]);
  return typedKinds;
}

/**
 * API groups served by the Kubernetes API server itself (no CRD). An object of one of these groups must map
 * to a typed class; note that `gateway.networking.k8s.io`, `inference.networking.k8s.io` and `*.x-k8s.io`
 * are CRD groups despite the suffix.
 */
const BUILT_IN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

/** The API group of an apiVersion (`apps/v1` -> `apps`, `v1` -> ``). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** True when the object's kind is served by a CustomResourceDefinition rather than the API server. */
export function isCustomResource(object: Pick<KubeObject, 'apiVersion'>): boolean {
  return !BUILT_IN_GROUPS.has(apiGroup(object.apiVersion));
}

/** Every `apiVersion/kind` registered with a typed class. */
export function typedKindKeys(): string[] {
  return [...typed().keys()];
}

/** Creates the Pulumi resource of one object; `factoryFor` has already checked that its kind is mapped. */
export type ResourceFactory = (name: string, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * How to register one object: its typed class (args = the object's fields) or a CustomResource (apiVersion,
 * kind, metadata and every other top-level field). A built-in kind without a typed class is an error naming it.
 * The object is copied, so the resource never shares structure with the caller's manifests.
 */
export function factoryFor(object: KubeObject): ResourceFactory {
  // A JSON copy (the objects are JSON): `structuredClone` would build arrays of the host realm, which the
  // SDK's serializer does not take for arrays when the program runs in another realm (jest's vm context).
  const args = JSON.parse(JSON.stringify(object)) as KubeObject;
  if (isCustomResource(object)) {
    return (name, opts) => new k8s.apiextensions.CustomResource(name, args, opts);
  }
  const cls = typed().get(`${object.apiVersion}/${object.kind}`);
  if (!cls) {
    const where = `${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
    throw new Error(
      `llm-constructs/pulumi: no @pulumi/kubernetes class is mapped for the built-in kind ${object.apiVersion} ${object.kind} (object ${where}). ` +
        `Mapped kinds: ${typedKindKeys().join(', ')}. Add it to lib/pulumi/kinds.ts.`,
    );
  }
  return (name, opts) => new cls(name, args, opts);
}
