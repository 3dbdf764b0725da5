/**
 * How a synthesized construct tree becomes Pulumi resources: a stable, unique resource name per object and
 * the order of creation (`dependsOn`). Pure functions over the JSON objects: no Pulumi import, so the order
 * can be tested without an engine.
 */
import { podTemplatesOf } from '../constructs/stack/pod-security';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A synthesized Kubernetes object (what `LlmStack.toJson()` returns). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: any };
  readonly [field: string]: any;
}

/** One object to register: its Pulumi resource name and the names of the resources it must wait for. */
export interface Registration {
  readonly name: string;
  readonly object: KubeObject;
  /** Resource names of the registrations this one `dependsOn` (always registered before it). */
  readonly dependsOn: readonly string[];
}

/** Kinds a workload's pod spec can reference by name, and must exist before its pods start. */
type ReferencedKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount';

/** `<resource prefix>-<kind>-<namespace | cluster>-<name>`: stable across runs, unique per object. */
export function resourceName(prefix: string, object: KubeObject): string {
  return `${prefix}-${object.kind.toLowerCase()}-${object.metadata.namespace ?? 'cluster'}-${object.metadata.name}`;
}

/**
 * The ConfigMaps, Secrets, PVCs and ServiceAccount a pod spec references by name (volumes, projected
 * volumes, envFrom, env valueFrom, imagePullSecrets, serviceAccountName), as `Kind/name`.
 */
export function podSpecReferences(spec: any): Set<`${ReferencedKind}/${string}`> {
  const refs = new Set<`${ReferencedKind}/${string}`>();
  const add = (kind: ReferencedKind, name: unknown) => {
    if (typeof name === 'string' && name.length > 0) refs.add(`${kind}/${name}`);
  };
  if (!spec) return refs;
  add('ServiceAccount', spec.serviceAccountName ?? spec.serviceAccount);
  for (const secret of spec.imagePullSecrets ?? []) add('Secret', secret?.name);
  for (const volume of spec.volumes ?? []) {
    add('ConfigMap', volume.configMap?.name);
    add('Secret', volume.secret?.secretName);
    add('PersistentVolumeClaim', volume.persistentVolumeClaim?.claimName);
    for (const source of volume.projected?.sources ?? []) {
      add('ConfigMap', source.configMap?.name);
      add('Secret', source.secret?.name);
    }
  }
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const from of container.envFrom ?? []) {
      add('ConfigMap', from.configMapRef?.name);
      add('Secret', from.secretRef?.name);
    }
    for (const env of container.env ?? []) {
      add('ConfigMap', env.valueFrom?.configMapKeyRef?.name);
      add('Secret', env.valueFrom?.secretKeyRef?.name);
    }
  }
  return refs;
}

/**
 * Every object with its resource name and dependencies, in an order where each comes after what it depends on:
 * - a namespaced object depends on the Namespace object of its namespace, when the tree creates that Namespace
 *   (objects the stack places in `kube-system` have none);
 * - a workload (anything with a pod template: Deployment, DaemonSet, LeaderWorkerSet, ...) depends on the
 *   ConfigMaps, Secrets, PVCs and ServiceAccounts of its namespace that its pods reference and the tree creates.
 * Namespaces come first; otherwise the synthesized order is kept. Custom resources are not ordered after their CRDs (the tree creates
 * no CRD). Throws if two objects would get the same resource name.
 */
export function planRegistrations(prefix: string, objects: readonly KubeObject[]): Registration[] {
  const names = new Map<string, KubeObject>();
  const byKindAndName = new Map<string, string>(); // `namespace/Kind/name` -> resource name
  for (const object of objects) {
    if (typeof object?.apiVersion !== 'string' || typeof object.kind !== 'string' || typeof object.metadata?.name !== 'string') {
      throw new Error(`LlmStackComponent ${prefix}: a synthesized object has no apiVersion, kind or metadata.name: ${JSON.stringify(object).slice(0, 200)}`);
    }
    const name = resourceName(prefix, object);
    const clash = names.get(name);
    if (clash) {
      throw new Error(`LlmStackComponent ${prefix}: ${describe(clash)} and ${describe(object)} would both be registered as Pulumi resource '${name}'`);
    }
    names.set(name, object);
    byKindAndName.set(`${object.metadata.namespace ?? ''}/${object.kind}/${object.metadata.name}`, name);
  }

  const registrations = objects.map((object): Registration => {
    const namespace = object.metadata.namespace;
    const dependsOn = new Set<string>();
    if (namespace !== undefined) {
      const ns = byKindAndName.get(`/Namespace/${namespace}`);
      if (ns) dependsOn.add(ns);
      for (const template of podTemplatesOf(object)) {
        for (const ref of podSpecReferences(template.spec)) {
          const target = byKindAndName.get(`${namespace}/${ref}`);
          if (target) dependsOn.add(target);
        }
      }
    }
    return { name: resourceName(prefix, object), object, dependsOn: [...dependsOn] };
  });
  // Namespaces first, then the synthesized order, moved only as far as dependencies require.
  return topologicalOrder([...registrations.filter((r) => r.object.kind === 'Namespace'), ...registrations.filter((r) => r.object.kind !== 'Namespace')]);
}

/** Kahn's algorithm, stable: among the registrations whose dependencies are placed, the earliest synthesized goes first. */
function topologicalOrder(registrations: readonly Registration[]): Registration[] {
  const placed = new Set<string>();
  const ordered: Registration[] = [];
  const pending = [...registrations];
  while (pending.length > 0) {
    const next = pending.findIndex((r) => r.dependsOn.every((d) => placed.has(d)));
    if (next < 0) throw new Error(`dependency cycle between ${pending.map((r) => r.name).join(', ')}`);
    const [registration] = pending.splice(next, 1);
    placed.add(registration.name);
    ordered.push(registration);
  }
  return ordered;
}

function describe(object: KubeObject): string {
  return `${object.apiVersion} ${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
}
