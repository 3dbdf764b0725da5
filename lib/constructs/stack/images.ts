import type { ConstructError } from '../validation';
import { podTemplatesOf } from './pod-security';

/** Where every container image of a stack comes from: a private or air-gapped mirror. */
export interface StackImages {
  /**
   * Registry (and optional path prefix) that mirrors the upstream images, e.g. `registry.corp.example/mirror`.
   * `nvcr.io/nvidia/k8s-device-plugin:v0.20.1` becomes `registry.corp.example/mirror/nvidia/k8s-device-plugin:v0.20.1`:
   * the upstream registry host is replaced, the repository path and tag (or digest) are kept.
   */
  readonly registry: string;
  /** docker-registry Secrets added to every pod of the stack (node agents' too: create them in their namespace). @default none */
  readonly pullSecrets?: readonly string[];
}

const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const SECRET = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function checkImages(stackError: ConstructError, images: unknown): StackImages | undefined {
  if (images === undefined) return undefined;
  const fail = (field: string, message: string) => stackError('invalid-images', field, message, ["images: { registry: 'registry.corp.example/mirror', pullSecrets: ['regcred'] }"]);
  const value = images as StackImages;
  if (typeof images !== 'object' || images === null || Array.isArray(images)) throw fail('images', `images must be { registry, pullSecrets? }, got ${JSON.stringify(images)}`);
  if (typeof value.registry !== 'string' || !REGISTRY.test(value.registry)) {
    throw fail('images.registry', `images.registry must be a registry host with an optional path (no scheme, no trailing '/'), got ${JSON.stringify(value.registry)}`);
  }
  const secrets: unknown = value.pullSecrets;
  if (secrets !== undefined && !(Array.isArray(secrets) && secrets.every((s) => typeof s === 'string' && SECRET.test(s)))) {
    throw fail('images.pullSecrets', `images.pullSecrets must be a list of Secret names, got ${JSON.stringify(secrets)}`);
  }
  return value;
}

/**
 * `registry/path:tag` -> `<mirror>/path:tag`. The registry of a reference is its first component when that
 * contains a `.` or `:` or is `localhost`; otherwise it is Docker Hub, whose one-component names live under
 * `library/` (the distribution reference grammar, distribution/reference `ParseNormalizedNamed`).
 */
export function mirrored(image: string, registry: string): string {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at) : '';
  const named = at >= 0 ? image.slice(0, at) : image;
  const slash = named.indexOf('/');
  const first = slash >= 0 ? named.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let path = hasRegistry ? named.slice(slash + 1) : named;
  if (!hasRegistry && !path.includes('/')) path = `library/${path}`;
  return `${registry}/${path}${digest}`;
}

/** Rewrites every container and init container image of the objects' pods and adds the pull secrets. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized manifests of every kind (as podTemplatesOf)
export function applyImages(objects: readonly any[], images: StackImages): void {
  for (const template of objects.flatMap(podTemplatesOf)) {
    const spec = template.spec;
    for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      if (typeof container.image === 'string') container.image = mirrored(container.image, images.registry);
    }
    const names = [...(spec.imagePullSecrets ?? []).map((s: { name: string }) => s.name), ...(images.pullSecrets ?? [])];
    if (names.length > 0) spec.imagePullSecrets = [...new Set(names)].map((name) => ({ name }));
  }
}
