import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { SecretKeyRef } from '../../engines/types';
import { ValidationError } from '../../errors';
import { checkDnsLabel } from '../names';
import type { IInferenceBackend } from '../inference-backend';

/** What the gateway hands a front-door implementation (LiteLLM, FastChat). */
export interface FrontDoorInput {
  /** Object-name prefix, a DNS-1123 label, e.g. `llm-gateway`. */
  readonly name: string;
  readonly namespace: string;
  readonly backends: readonly IInferenceBackend[];
  /** The clients' API key(s), by reference. Undefined only when the user set `allowUnauthenticated`. */
  readonly apiKeySecret?: SecretKeyRef;
  /**
   * Fewest replicas of the client-facing Deployment: the minimum of the gateway's autoscaler, which owns
   * the count (the Deployment carries no `replicas`). The caller decides the default, 2.
   */
  readonly replicas: number;
  /** Common labels for every object and pod. */
  readonly labels: Readonly<Record<string, string>>;
  readonly imagePullSecrets: readonly string[];
  /** Overrides the pinned image of the client-facing component (FastChat: of both components; required). */
  readonly image?: string;
}

/** Where the writable scratch emptyDir is mounted (root filesystems are read-only). */
export const SCRATCH_PATH = '/tmp';
const SCRATCH_VOLUME = 'tmp';

/** Throws when the input cannot produce valid objects: names, replicas. */
export function checkFrontDoorInput(input: FrontDoorInput, longestSuffix: string): void {
  checkDnsLabel(input.name, 'name');
  // The longest object name must still be a DNS-1123 label (Service names are labels, max 63).
  checkDnsLabel(`${input.name}-${longestSuffix}`, 'name');
  checkDnsLabel(input.namespace, 'namespace');
  if (!Number.isInteger(input.replicas) || input.replicas < 1) {
    throw new ValidationError('invalid-replicas', `replicas must be an integer >= 1, got ${String(input.replicas)}`, {
      field: 'replicas',
      suggestions: ['replicas: 2 (survives a node drain with a PodDisruptionBudget)'],
    });
  }
}

/**
 * Labels of one component's pods. `podLabels` (name, instance, component) select exactly that Deployment's
 * pods; the common labels are added to objects and pods but never to selectors (a user label could match
 * other pods), and cannot override the selecting keys.
 */
export function componentLabels(input: FrontDoorInput, name: string, component: string): { podLabels: Record<string, string>; labels: Record<string, string> } {
  const podLabels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': input.name, 'app.kubernetes.io/component': component };
  return { podLabels, labels: { ...input.labels, ...podLabels, 'app.kubernetes.io/managed-by': 'llm-constructs' } };
}

/** An env var from the Secret, by reference only: the value never enters the manifest. */
export function secretEnv(name: string, ref: SecretKeyRef): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

function quantities(values: { readonly cpu: string; readonly memory: string }): Record<string, k8s.Quantity> {
  return { cpu: k8s.Quantity.fromString(values.cpu), memory: k8s.Quantity.fromString(values.memory) };
}

/** Restricted-profile container security: non-root, read-only root, no privilege escalation, no capabilities. */
function restrictedSecurityContext(runAsUser: number): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser,
  };
}

const scratchMount: k8s.VolumeMount = { name: SCRATCH_VOLUME, mountPath: SCRATCH_PATH };
export const scratchVolume: k8s.Volume = { name: SCRATCH_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } };

/** What every front-door pod shares: no API token, no service links, RuntimeDefault seccomp, pull secrets. */
export function podSpecBase(input: FrontDoorInput, runAsUser: number): Pick<k8s.PodSpec, 'automountServiceAccountToken' | 'enableServiceLinks' | 'securityContext' | 'imagePullSecrets'> {
  return {
    // Front doors never call the Kubernetes API.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: { runAsNonRoot: true, runAsUser, seccompProfile: { type: 'RuntimeDefault' } },
    imagePullSecrets: input.imagePullSecrets.length > 0 ? input.imagePullSecrets.map((name) => ({ name })) : undefined,
  };
}

/** A ClusterIP Service with one port named `http` targeting the container port `http`. */
export function httpService(scope: Construct, id: string, input: FrontDoorInput, name: string, labels: Record<string, string>, selector: Record<string, string>, port: number): k8s.KubeService {
  return new k8s.KubeService(scope, id, {
    metadata: { name, namespace: input.namespace, labels },
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [{ name: 'http', port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
    },
  });
}

/** In-cluster URL of a Service. */
export function serviceUrl(name: string, namespace: string, port: number): string {
  return `http://${name}.${namespace}.svc.cluster.local:${port}`;
}

/** An HTTP GET probe on the container port named `http`. */
function httpGet(path: string): Pick<k8s.Probe, 'httpGet'> {
  return { httpGet: { path, port: k8s.IntOrString.fromString('http') } };
}

/** What differs between the front doors' containers; `frontDoorContainer` adds what they share. */
export interface FrontDoorContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly args: string[];
  readonly env: k8s.EnvVar[];
  readonly workingDir?: string;
  /** The container port named `http`. */
  readonly port: number;
  readonly resources: { readonly requests: { cpu: string; memory: string }; readonly limits: { cpu: string; memory: string } };
  /** Probe paths: `alive` (startup and liveness: the process answers) and `ready` (it may take requests). */
  readonly probes: { readonly alive: string; readonly ready: string };
  readonly lifecycle?: k8s.Lifecycle;
  /** Mounts besides the scratch volume. */
  readonly volumeMounts?: readonly k8s.VolumeMount[];
  readonly runAsUser: number;
}

/**
 * A front-door container: pinned pull policy, the `http` port, requests and limits, probes on `http` (up to
 * 2 minutes to start, then checked every 10 s for readiness and every 15 s for liveness), the scratch mount,
 * the restricted security context.
 */
export function frontDoorContainer(spec: FrontDoorContainerSpec): k8s.Container {
  return {
    name: spec.name,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    command: spec.command,
    args: spec.args,
    env: spec.env,
    workingDir: spec.workingDir,
    ports: [{ name: 'http', containerPort: spec.port, protocol: 'TCP' }],
    resources: { requests: quantities(spec.resources.requests), limits: quantities(spec.resources.limits) },
    startupProbe: { ...httpGet(spec.probes.alive), periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 24 },
    readinessProbe: { ...httpGet(spec.probes.ready), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: { ...httpGet(spec.probes.alive), periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
    lifecycle: spec.lifecycle,
    volumeMounts: [...(spec.volumeMounts ?? []), scratchMount],
    securityContext: restrictedSecurityContext(spec.runAsUser),
  };
}
