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
  const { recipe } = input;
  const shm = sharedMemoryBytes(input.plan, recipe);
  const writable = recipe.writablePaths.map((path, i) => ({ volume: `scratch-${i}`, path }));
  const container = serverContainer(input, shm, writable);
  const initContainers = initSteps(input, container);
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

/** The model server container: the recipe's command, env and ports, with the plan's resources and probes. */
function serverContainer(input: PodTemplateInput, shm: number, writable: ReadonlyArray<{ volume: string; path: string }>): k8s.Container {
  const { recipe } = input;
  const fabric = input.interconnect;
  const metricsPort = recipe.ports.metrics !== undefined && recipe.ports.metrics !== recipe.ports.http ? [{ name: 'metrics', containerPort: recipe.ports.metrics }] : [];
  const grpcPort = recipe.ports.grpc !== undefined ? [{ name: 'grpc', containerPort: recipe.ports.grpc }] : [];
  return {
    name: 'server',
    image: recipe.image,
    imagePullPolicy: input.imagePullPolicy,
    command: input.command ? [...input.command] : recipe.command ? [...recipe.command] : undefined,
    args: [...(input.args ?? recipe.args)],
    env: [...toEnv([...recipe.env, ...recipe.cacheEnv]), ...(fabric?.env ?? []).map((e) => ({ name: e.name, value: e.value })), ...(input.extraEnv ?? [])],
    ports: [{ name: 'http', containerPort: recipe.ports.http }, ...grpcPort, ...metricsPort],
    resources: serverResources(input, shm),
    ...probes(recipe, input.startupBudgetSeconds),
    volumeMounts: [{ name: CACHE_VOLUME, mountPath: input.cachePath }, ...(shm > 0 ? [{ name: 'dshm', mountPath: '/dev/shm' }] : []), ...writable.map((w) => ({ name: w.volume, mountPath: w.path }))],
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: fabric && fabric.capabilities.length > 0 ? [...fabric.capabilities] : undefined },
      readOnlyRootFilesystem: recipe.readOnlyRootFilesystem,
      runAsNonRoot: recipe.runAsUser !== undefined,
      runAsUser: recipe.runAsUser,
    },
  };
}

/** Host CPU and memory for the plan (plus the memory-backed /dev/shm), the accelerators and fabric devices, the node-disk cache. */
function serverResources(input: PodTemplateInput, shm: number): k8s.ResourceRequirements {
  const host = hostResources(input.plan);
  // A memory-backed emptyDir is charged to the container's memory: add it to the request.
  const memory = k8s.Quantity.fromString(`${Math.ceil((host.memoryBytes + shm) / GiB)}Gi`);
  const devices = {
    [input.recipe.accelerator.resource]: k8s.Quantity.fromNumber(input.recipe.accelerator.count),
    ...Object.fromEntries(Object.entries(input.interconnect?.resources ?? {}).map(([name, count]) => [name, k8s.Quantity.fromNumber(count)])),
  };
  const ephemeral = ephemeralStorage(input);
  return {
    requests: { cpu: k8s.Quantity.fromString(String(host.cpu)), memory, ...devices, ...ephemeral },
    limits: { cpu: k8s.Quantity.fromString(String(host.cpu * 2)), memory, ...devices, ...ephemeral },
  };
}

/** The cache on the node's disk (emptyDir), with 10 GiB for logs and scratch. */
function ephemeralStorage(input: PodTemplateInput): Record<string, k8s.Quantity> {
  return input.cache.ephemeralGiB > 0 ? { 'ephemeral-storage': k8s.Quantity.fromString(`${input.cache.ephemeralGiB + 10}Gi`) } : {};
}

/**
 * Startup allows the whole load; readiness means "model loaded"; liveness is cheap and only starts once
 * the startup probe has succeeded.
 */
function probes(recipe: ContainerRecipe, startupBudgetSeconds: number): Pick<k8s.Container, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> {
  return {
    startupProbe: {
      ...probeHandler(recipe.readyPath, 'http'),
      periodSeconds: PROBE_PERIOD_SECONDS,
      timeoutSeconds: 5,
      failureThreshold: Math.ceil(startupBudgetSeconds / PROBE_PERIOD_SECONDS),
    },
    readinessProbe: { ...probeHandler(recipe.readyPath, 'http'), periodSeconds: PROBE_PERIOD_SECONDS, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: { ...probeHandler(recipe.healthPath, 'http'), periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 5 },
  };
}

/** Init steps download or pull: CPU, memory and the cache volume, no accelerator and no device capability. */
function initSteps(input: PodTemplateInput, server: k8s.Container): k8s.Container[] {
  const resources = { cpu: k8s.Quantity.fromString(String(INIT_CPU)), memory: k8s.Quantity.fromString(INIT_MEMORY), ...ephemeralStorage(input) };
  return input.recipe.initSteps.map((step) => ({
    name: step.name,
    image: step.image,
    imagePullPolicy: input.imagePullPolicy,
    command: [...step.command],
    args: step.args ? [...step.args] : undefined,
    env: toEnv([...(step.env ?? []), ...input.recipe.cacheEnv]),
    resources: { requests: resources, limits: resources },
    volumeMounts: server.volumeMounts,
    securityContext: { ...server.securityContext, capabilities: { drop: ['ALL'] } },
  }));
}
