import { k8s } from 'cdk8s-plus-28';
import { GiB } from '../catalog/units';
import type { ContainerRecipe, EnvVar } from '../engines/types';
import { hostResources } from '../sizing/host-resources';
import type { ModelPlan } from '../sizing/types';
import { CACHE_VOLUME, type CacheVolume } from './model-cache';
import { PRIVILEGES_ANNOTATION } from './privileges';
import type { Placement } from './placement';
import type { Interconnect } from './interconnect';

const PROBE_PERIOD_SECONDS = 10;
/** Memory-backed /dev/shm per accelerator (NCCL and PyTorch worker processes), capped. */
const SHM_BYTES_PER_ACCELERATOR = 4 * GiB;
const SHM_MAX_BYTES = 16 * GiB;
/** Init steps (downloads, pulls): hf_transfer and ollama use a few cores and buffer in memory. */
const INIT_CPU = 2;
const INIT_MEMORY = '4Gi';

export interface PodTemplateInput {
  readonly plan: ModelPlan;
  readonly recipe: ContainerRecipe;
  readonly cache: CacheVolume;
  readonly cachePath: string;
  readonly placement: Placement;
  readonly labels: Record<string, string>;
  readonly startupBudgetSeconds: number;
  readonly imagePullPolicy: string;
  readonly imagePullSecrets: readonly string[];
  readonly terminationGracePeriodSeconds: number;
  /** RuntimeClass of the pool's nodes (e.g. `nvidia`), when they need one. */
  readonly runtimeClassName?: string;
  /** Overrides the recipe's command and args (multi-node leader/worker wrappers). */
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly extraEnv?: readonly k8s.EnvVar[];
  /** Multi-node replicas: the network devices between the nodes (EFA, InfiniBand/RoCE) and NCCL's settings. */
  readonly interconnect?: Interconnect;
}

export function toEnv(vars: readonly EnvVar[]): k8s.EnvVar[] {
  return vars.map((v) => ('secretKeyRef' in v ? { name: v.name, valueFrom: { secretKeyRef: { name: v.secretKeyRef.name, key: v.secretKeyRef.key } } } : { name: v.name, value: v.value }));
}

function probeHandler(path: string, port: string): Pick<k8s.Probe, 'httpGet' | 'tcpSocket'> {
  return path.startsWith('/') ? { httpGet: { path, port: k8s.IntOrString.fromString(port) } } : { tcpSocket: { port: k8s.IntOrString.fromString(port) } };
}

/** Bytes of the memory-backed /dev/shm, or 0 when the engine does not need one. */
export function sharedMemoryBytes(plan: ModelPlan, recipe: ContainerRecipe): number {
  if (!recipe.needsSharedMemory) return 0;
  const perPod = plan.acceleratorsPerReplica / plan.nodesPerReplica;
  return Math.min(SHM_MAX_BYTES, Math.max(1, perPod) * SHM_BYTES_PER_ACCELERATOR);
}

/** The pod of one model server: container, probes, resources, volumes, security and placement. */
export function podTemplate(input: PodTemplateInput): k8s.PodTemplateSpec {
  const { plan, recipe } = input;
  const host = hostResources(plan);
  const shm = sharedMemoryBytes(plan, recipe);
  // A memory-backed emptyDir is charged to the container's memory: add it to the request.
  const memory = k8s.Quantity.fromString(`${Math.ceil((host.memoryBytes + shm) / GiB)}Gi`);
  const fabric = input.interconnect;
  const accelerator = {
    [recipe.accelerator.resource]: k8s.Quantity.fromNumber(recipe.accelerator.count),
    ...Object.fromEntries(Object.entries(fabric?.resources ?? {}).map(([name, count]) => [name, k8s.Quantity.fromNumber(count)])),
  };
  const ephemeral: Record<string, k8s.Quantity> = input.cache.ephemeralGiB > 0 ? { 'ephemeral-storage': k8s.Quantity.fromString(`${input.cache.ephemeralGiB + 10}Gi`) } : {};
  const writable = recipe.writablePaths.map((path, i) => ({ volume: `scratch-${i}`, path }));
  const metricsPort = recipe.ports.metrics !== undefined && recipe.ports.metrics !== recipe.ports.http ? [{ name: 'metrics', containerPort: recipe.ports.metrics }] : [];
  const grpcPort = recipe.ports.grpc !== undefined ? [{ name: 'grpc', containerPort: recipe.ports.grpc }] : [];

  const container: k8s.Container = {
    name: 'server',
    image: recipe.image,
    imagePullPolicy: input.imagePullPolicy,
    command: input.command ? [...input.command] : recipe.command ? [...recipe.command] : undefined,
    args: [...(input.args ?? recipe.args)],
    env: [...toEnv([...recipe.env, ...recipe.cacheEnv]), ...(fabric?.env ?? []).map((e) => ({ name: e.name, value: e.value })), ...(input.extraEnv ?? [])],
    ports: [{ name: 'http', containerPort: recipe.ports.http }, ...grpcPort, ...metricsPort],
    resources: {
      requests: { cpu: k8s.Quantity.fromString(String(host.cpu)), memory, ...accelerator, ...ephemeral },
      limits: { cpu: k8s.Quantity.fromString(String(host.cpu * 2)), memory, ...accelerator, ...ephemeral },
    },
    // Startup allows the whole load; readiness means "model loaded"; liveness is cheap and only
    // starts once the startup probe has succeeded.
    startupProbe: {
      ...probeHandler(recipe.readyPath, 'http'),
      periodSeconds: PROBE_PERIOD_SECONDS,
      timeoutSeconds: 5,
      failureThreshold: Math.ceil(input.startupBudgetSeconds / PROBE_PERIOD_SECONDS),
    },
    readinessProbe: { ...probeHandler(recipe.readyPath, 'http'), periodSeconds: PROBE_PERIOD_SECONDS, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: { ...probeHandler(recipe.healthPath, 'http'), periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 5 },
    volumeMounts: [{ name: CACHE_VOLUME, mountPath: input.cachePath }, ...(shm > 0 ? [{ name: 'dshm', mountPath: '/dev/shm' }] : []), ...writable.map((w) => ({ name: w.volume, mountPath: w.path }))],
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: fabric && fabric.capabilities.length > 0 ? [...fabric.capabilities] : undefined },
      readOnlyRootFilesystem: recipe.readOnlyRootFilesystem,
      runAsNonRoot: recipe.runAsUser !== undefined,
      runAsUser: recipe.runAsUser,
    },
  };

  // Init steps download or pull: CPU, memory and the cache volume, no accelerator.
  const initResources = { cpu: k8s.Quantity.fromString(String(INIT_CPU)), memory: k8s.Quantity.fromString(INIT_MEMORY), ...ephemeral };
  const initContainers: k8s.Container[] = recipe.initSteps.map((step) => ({
    name: step.name,
    image: step.image,
    imagePullPolicy: input.imagePullPolicy,
    command: [...step.command],
    args: step.args ? [...step.args] : undefined,
    env: toEnv([...(step.env ?? []), ...recipe.cacheEnv]),
    resources: { requests: initResources, limits: initResources },
    volumeMounts: container.volumeMounts,
    // Downloads need no device capability.
    securityContext: { ...container.securityContext, capabilities: { drop: ['ALL'] } },
  }));

  return {
    metadata: { labels: input.labels, annotations: recipe.rootReason ? { [PRIVILEGES_ANNOTATION]: `root: ${recipe.rootReason}` } : undefined },
    spec: {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
      runtimeClassName: input.runtimeClassName,
      securityContext: {
        seccompProfile: { type: 'RuntimeDefault' },
        ...(recipe.runAsUser !== undefined ? { runAsNonRoot: true, runAsUser: recipe.runAsUser, fsGroup: recipe.runAsUser } : {}),
      },
      imagePullSecrets: input.imagePullSecrets.length > 0 ? input.imagePullSecrets.map((name) => ({ name })) : undefined,
      initContainers: initContainers.length > 0 ? initContainers : undefined,
      containers: [container],
      volumes: [
        input.cache.volume,
        ...(shm > 0 ? [{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(`${Math.ceil(shm / GiB)}Gi`) } }] : []),
        ...writable.map((w) => ({ name: w.volume, emptyDir: {} })),
      ],
      affinity: input.placement.affinity,
      tolerations: input.placement.tolerations,
    },
  };
}
