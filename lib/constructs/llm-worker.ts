import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodMonitor } from '../../imports/monitoring.coreos.com';
import { FASTCHAT_WORKER_PORT, recipeFor } from '../engines';
import type { ContainerRecipe, SecretKeyRef } from '../engines/types';
import { SCRAPE_INTERVAL_SECONDS } from '../engines/metrics';
import { ValidationError } from '../errors';
import { planModel } from '../performance/plan';
import { workloadScaling } from '../performance/scaling';
import { versionOfImage } from '../sizing/engine-version';
import { startupBudgetSeconds } from '../sizing/startup';
import type { ModelPlan, PlanRequest } from '../sizing/types';
import { lookupAccelerator } from '../catalog/accelerators';
import { ENGINE_PROFILES } from '../sizing/engine-profiles';
import { LeaderWorkerSet, LWS_WORKER_INDEX_LABEL } from './leader-worker-set';
import { cacheVolume, type ModelCache } from './model-cache';
import { DEFAULT_MONITORING, type Peer } from './gateway/network-policies';
import { closeWorkerPolicies, workerPolicies } from './worker-policies';
import { GpuNodePool } from './gpu-node-pool';
import { describe } from '../sizing/validate';
import { checkAutoscaling, metricAutoscaler, type AutoscalingProps } from './autoscaling';
import { checkDnsLabel, toDnsLabel } from './names';
import { planPlacement } from './placement';
import { interconnectFor } from './interconnect';
import { warnAtSynth } from './warnings';
import { rayLeaderScript, rayWorkerScript } from './ray-group';
import { pickProps, rejectUnknownProps } from '../unknown-props';
import { LLM_WORKER_SPEC } from './props-specs';
import { checkNamesAppWide } from './unique-names';
import { constructStep, invalid } from './validation';
import { PLAN_REQUEST_SPEC } from '../sizing/request-spec';
import { podTemplate } from './pod-template';

/**
 * The sizing fields (`model`, `engine`, `accelerator`, `instanceType`, `quantization`,
 * `maxContextLength`, `concurrency`, `tensorParallel`, `pipelineParallel`, `gpuMemoryUtilization`,
 * `kvCacheDtype`, `acceleratorsPerNode`) mean exactly what they mean in `PlanRequest`; a named
 * `instanceType` also pins the pods to it.
 */
export interface LlmWorkerProps extends Omit<PlanRequest, 'instanceTypes'> {
  /**
   * Run on this pool: planned on its instance types (or on-prem accelerator and node size), placed on
   * its nodes, tolerating its taint, and counted against its capacity at synth.
   * @default scheduled on any node with the planned accelerator
   */
  readonly nodePool?: GpuNodePool;
  /**
   * Reachable from any pod of its namespace without a gateway (a stack's default-deny policy would
   * otherwise isolate it). @default false: only its gateway may call it
   */
  readonly internal?: boolean;
  /**
   * Who may scrape the metrics port while no gateway fronts the worker (or it is internal).
   * @default pods of the namespace named `monitoring`
   */
  readonly monitoring?: Peer;
  /** Fixed replica count; with `autoscaling` the autoscaler owns it instead. @default 1 (with `workload`: the replicas that meet its SLO) */
  readonly replicas?: number;
  /**
   * Scale on the engine's queue depth (HPA via prometheus-adapter, or KEDA). With `workload`,
   * `maxReplicas` defaults to the replicas that meet its SLO, `minReplicas` to 1, and `target` (queue
   * depth) to what one replica can let wait within the TTFT target (lib/performance/scaling.ts).
   * @default fixed `replicas`
   */
  readonly autoscaling?: Partial<AutoscalingProps>;
  /** Name clients send as `"model"`. @default the hub id's last segment, lowercased */
  readonly servedModelName?: string;
  /** Object name. @default `<chart id>-<construct id>` */
  readonly name?: string;
  /** Hugging Face token, by reference only. */
  readonly hfTokenSecret?: SecretKeyRef;
  /** Names of docker-registry Secrets. @default none */
  readonly imagePullSecrets?: readonly string[];
  /** Where weights are cached. @default { type: 'emptyDir' } sized from the weights */
  readonly modelCache?: ModelCache;
  /** Hub repo of the weights when not the model's own (required for AWQ, GPTQ, int8). @default the model id */
  readonly checkpoint?: string;
  /** GGUF file inside `ggufRepo` (llama-cpp, GGUF on vLLM). */
  readonly ggufFile?: string;
  /** Triton: folder of prebuilt TensorRT-LLM engines on the model cache (skips the build). */
  readonly trtllmEngineDir?: string;
  /** Hub repo holding `ggufFile`. @default the model id */
  readonly ggufRepo?: string;
  /** Ollama model to pull, e.g. `llama3.1:8b`. @default `hf.co/<ggufRepo>:<quant>` */
  readonly ollamaModel?: string;
  /**
   * Download the checkpoint in an init container before the server starts (vllm, tgi, tgi-neuron,
   * fastchat-vllm). @default no init step: the server downloads at start, within its startup budget
   */
  readonly prefetch?: { readonly timeoutSeconds: number; readonly retries: number };
  /** Replaces the engine's pinned image. */
  readonly image?: string;
  /** @default 'IfNotPresent' (images are pinned) */
  readonly imagePullPolicy?: 'IfNotPresent' | 'Always' | 'Never';
  readonly extraArgs?: readonly string[];
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Bytes per second at which weights reach the pod, for the startup budget. @default 200 MB/s */
  readonly loadBandwidthBytesPerSecond?: number;
  /**
   * `replace` updates one pod at a time without an extra GPU node (maxSurge 0); `surge` starts the new
   * pod first (needs spare accelerators). @default 'replace'
   */
  readonly rollout?: 'replace' | 'surge';
  /** Seconds a stopping pod gets to finish in-flight generations. @default 120 */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * FastChat workers: the controller URL they register with.
   * @default the controller of the FastChat InferenceGateway the worker is attached to
   */
  readonly controllerUrl?: string;
}

const CACHE_PATH = '/models';
/** `spec.replicas` is an int32 in the Kubernetes API. */
const MAX_REPLICAS = 2_147_483_647;

/**
 * One model server, sized by the planner: a Deployment (or a LeaderWorkerSet when one replica spans
 * nodes), its Service, a PodMonitor, a PodDisruptionBudget when replicated, and the cache claim.
 */
export class LlmWorker extends Construct {
  /** The sizing plan every object derives from. */
  public readonly plan: ModelPlan;
  /** Name clients use in the OpenAI API. */
  public readonly modelName: string;
  /** `servedModelName` was set: several workers may then share it on purpose (see model-names.ts). */
  public readonly servedModelNameSet: boolean;
  /** Name of the ClusterIP Service. */
  public readonly serviceName: string;
  /** In-cluster base URL: the OpenAI-compatible API (`.../v1`) or the engine's own API. */
  public readonly endpoint: string;
  /** The engine recipe (image, args, ports, probes). */
  public readonly recipe: ContainerRecipe;
  /** Pod labels that select this worker's pods. */
  public readonly selector: Record<string, string>;
  /** The workload object (KubeDeployment or LeaderWorkerSet). */
  public readonly workload: k8s.KubeDeployment | LeaderWorkerSet;
  /** Fewest and most replicas this worker runs (its autoscaler's bounds, or its fixed count twice). */
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  /** Reachable without a gateway (`internal`). */
  public readonly internal: boolean;
  /** Names of the gateways that route to this worker. */
  public readonly gateways: string[] = [];
  /** FastChat controller this worker registers with (set by the prop or by a FastChat gateway). */
  private controllerUrl?: string;

  constructor(scope: Construct, id: string, props: LlmWorkerProps) {
    super(scope, id);
    if (typeof props !== 'object' || props === null) {
      throw new ValidationError('invalid-props', `LlmWorker ${id}: props must be an object with at least 'model', got ${describe(props)}`, { field: 'props', suggestions: ["{ model: 'mistralai/Mistral-7B-Instruct-v0.3' }"] });
    }
    rejectUnknownProps(`LlmWorker ${id}`, props, LLM_WORKER_SPEC);
    checkNamesAppWide(this);
    const chart = Chart.of(this);
    const name = checkDnsLabel(props.name ?? `${chart.node.id}-${id}`, props.name ? 'name' : 'id');
    if (props.autoscaling && props.replicas !== undefined) {
      throw new ValidationError('replicas-and-autoscaling', `LlmWorker ${id}: replicas ${describe(props.replicas)} and autoscaling ${describe(props.autoscaling)} are both set: set one (the autoscaler owns the replica count)`, {
        field: 'replicas',
        suggestions: ['autoscaling: { minReplicas, maxReplicas }', 'replicas: N without autoscaling'],
      });
    }
    let replicas = props.replicas ?? 1;
    checkWorkerProps(this, props);
    if (!Number.isSafeInteger(replicas) || replicas < 0 || replicas > MAX_REPLICAS) {
      throw new ValidationError('invalid-replicas', `LlmWorker ${id}: replicas must be an integer from 0 to ${MAX_REPLICAS}, got ${describe(replicas)}`, { field: 'replicas', suggestions: ['replicas: 1'] });
    }

    const pool = props.nodePool;
    this.plan = constructStep(this, `LlmWorker ${pool ? `${id} on ${pool.describe()}` : id}`, () => planModel(planRequest(props)));
    const sized = workloadScaling(this.plan, props.workload);
    replicas = props.replicas ?? sized?.replicas ?? replicas;
    const autoscaling = props.autoscaling && sized
      ? ({ minReplicas: 1, maxReplicas: sized.replicas, ...(props.autoscaling.metric === undefined ? { target: sized.queueDepthTarget } : {}), ...definedOnly(props.autoscaling) } as AutoscalingProps)
      : (props.autoscaling as AutoscalingProps | undefined);
    this.modelName = props.servedModelName ?? (this.plan.model.id.split('/').pop() ?? name).toLowerCase();
    this.servedModelNameSet = props.servedModelName !== undefined;
    this.serviceName = name;
    this.controllerUrl = props.controllerUrl;
    this.recipe = constructStep(this, `LlmWorker ${id}`, () =>
      recipeFor(this.plan, {
        servedModelName: this.modelName,
        cachePath: CACHE_PATH,
        hfTokenSecret: props.hfTokenSecret,
        image: props.image,
        extraArgs: props.extraArgs,
        extraEnv: props.extraEnv,
        checkpoint: props.checkpoint,
        prefetch: props.prefetch,
        ggufFile: props.ggufFile,
        ggufRepo: props.ggufRepo,
        ollamaModel: props.ollamaModel,
        trtllmEngineDir: props.trtllmEngineDir,
        controllerUrl: this.plan.engine === 'fastchat-vllm' ? (props.controllerUrl ?? this.lazyControllerUrl()) : undefined,
        // The controller calls workers back at this address: the worker's own Service.
        workerAddress: `http://${name}.${chart.namespace ?? 'default'}.svc.cluster.local:${FASTCHAT_WORKER_PORT}`,
      }),
    );
    for (const warning of this.recipe.warnings ?? []) warnAtSynth(this, warning);
    const metric = autoscaling ? checkAutoscaling(autoscaling, this.plan.engine, `LlmWorker ${id}`) : undefined;
    this.maxReplicas = autoscaling?.maxReplicas ?? replicas;
    this.minReplicas = autoscaling?.minReplicas ?? replicas;
    this.internal = props.internal === true;
    if (this.plan.nodesPerReplica > 1 && !ENGINE_PROFILES[this.plan.engine].multiNode) {
      throw new ValidationError('no-multi-node', `LlmWorker ${id}: ${this.plan.model.id} needs ${this.plan.nodesPerReplica} nodes per replica, but ${this.plan.engine} cannot span nodes`, {
        field: 'engine',
        suggestions: ["engine: 'vllm' (multi-node with a LeaderWorkerSet)", 'a larger instance type or a quantization that fits one node'],
      });
    }

    this.selector = { 'app.kubernetes.io/name': 'llm-worker', 'app.kubernetes.io/instance': name };
    const labels = { ...this.selector, 'app.kubernetes.io/component': this.plan.engine, 'llm-constructs.io/model': toDnsLabel(this.modelName) };
    const template = {
      plan: this.plan,
      recipe: this.recipe,
      cache: constructStep(this, `LlmWorker ${id}`, () => cacheVolume(this, `${name}-cache`, props.modelCache ?? { type: 'emptyDir' }, this.plan, this.maxReplicas, undefined, this.recipe.downloadBytes)),
      cachePath: CACHE_PATH,
      placement: pool ? pool.placement(this.plan.accelerator, props.instanceType) : planPlacement(this.plan, props.instanceType !== undefined),
      runtimeClassName: pool?.runtimeClassName,
      interconnect: interconnectFor(this.plan, pool?.interconnect),
      labels,
      startupBudgetSeconds: startupBudgetSeconds(this.plan, this.recipe.initSeconds, props.loadBandwidthBytesPerSecond, this.recipe.downloadBytes),
      imagePullPolicy: props.imagePullPolicy ?? 'IfNotPresent',
      imagePullSecrets: props.imagePullSecrets ?? [],
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 120,
    };

    if (template.interconnect) warnAtSynth(this, `multi-node replica: ${template.interconnect.prerequisites}`);
    pool?.claim({
      worker: `LlmWorker ${this.node.path}`,
      acceleratorsPerReplica: this.plan.acceleratorsPerReplica,
      maxReplicas: this.maxReplicas,
      nodeCacheGiB: template.cache.ephemeralGiB,
    });

    let serviceSelector = this.selector;
    if (this.plan.nodesPerReplica > 1) {
      this.workload = this.leaderWorkerSet(name, autoscaling ? undefined : replicas, template);
      serviceSelector = { ...this.selector, [LWS_WORKER_INDEX_LABEL]: '0' };
    } else {
      const surge = props.rollout === 'surge';
      this.workload = new k8s.KubeDeployment(this, 'deployment', {
        metadata: { name, labels },
        spec: {
          // An autoscaler owns the count: a replicas field would fight it on every apply.
          replicas: autoscaling ? undefined : replicas,
          selector: { matchLabels: this.selector },
          strategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(surge ? 1 : 0), maxUnavailable: k8s.IntOrString.fromNumber(surge ? 0 : 1) },
          },
          template: podTemplate(template),
        },
      });
    }

    const metricsPort = this.recipe.ports.metrics !== undefined && this.recipe.ports.metrics !== this.recipe.ports.http ? 'metrics' : 'http';
    new k8s.KubeService(this, 'service', {
      metadata: { name, labels },
      spec: {
        type: 'ClusterIP',
        selector: serviceSelector,
        ports: [
          { name: 'http', port: this.recipe.ports.http, targetPort: k8s.IntOrString.fromString('http') },
          ...(this.recipe.ports.grpc !== undefined ? [{ name: 'grpc', port: this.recipe.ports.grpc, targetPort: k8s.IntOrString.fromString('grpc') }] : []),
          ...(metricsPort === 'metrics' ? [{ name: 'metrics', port: this.recipe.ports.metrics!, targetPort: k8s.IntOrString.fromString('metrics') }] : []),
        ],
      },
    });
    if (this.recipe.metricsPath) {
      new PodMonitor(this, 'pod-monitor', {
        metadata: { name, labels },
        spec: {
          selector: { matchLabels: this.selector },
          podMetricsEndpoints: [{ port: metricsPort, path: this.recipe.metricsPath, interval: `${SCRAPE_INTERVAL_SECONDS}s` }],
          // Series carry the worker's instance label, which scopes its recording rules.
          podTargetLabels: ['app.kubernetes.io/instance'],
        },
      });
    }
    if (autoscaling && metric) {
      const lws = this.plan.nodesPerReplica > 1;
      metricAutoscaler(this, {
        name,
        namespace: chart.namespace ?? 'default',
        apiVersion: lws ? 'leaderworkerset.x-k8s.io/v1' : 'apps/v1',
        kind: lws ? 'LeaderWorkerSet' : 'Deployment',
        engine: this.plan.engine,
        instance: name,
        startupBudgetSeconds: template.startupBudgetSeconds,
        labels,
      }, autoscaling, metric);
    }
    workerPolicies(this, {
      name,
      selector: this.selector,
      labels,
      clientPorts: [this.recipe.ports.http, ...(this.recipe.ports.grpc ? [this.recipe.ports.grpc] : [])],
      metricsPort: this.recipe.metricsPath ? (this.recipe.ports.metrics ?? this.recipe.ports.http) : undefined,
      monitoring: props.monitoring ?? DEFAULT_MONITORING,
      multiNode: this.plan.nodesPerReplica > 1,
    });
    if (this.maxReplicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'pdb', {
        metadata: { name, labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selector } },
      });
    }
    this.endpoint = `http://${name}.${chart.namespace ?? 'default'}.svc.cluster.local:${this.recipe.ports.http}${this.recipe.openAiBasePath ?? ''}`;
  }

  /** Records that a gateway routes to this worker (a stack checks that every worker is reachable). */
  public attachGateway(name: string): void {
    this.gateways.push(name);
    // The gateway's policies now admit exactly its callers; an internal worker stays open to its namespace.
    if (!this.internal) closeWorkerPolicies(this);
  }

  /**
   * Registers this FastChat worker with a controller (called by a FastChat InferenceGateway). The
   * worker's args are resolved at synth, so the gateway may be created after the worker.
   */
  public attachController(url: string): void {
    if (this.controllerUrl !== undefined && this.controllerUrl !== url) {
      throw new ValidationError('controller-conflict', `LlmWorker ${this.node.id} is already registered with ${this.controllerUrl}; one worker, one FastChat controller`, {
        field: 'workers',
        suggestions: ['attach the worker to one FastChat gateway only'],
      });
    }
    this.controllerUrl = url;
  }

  /** Until a gateway attaches the worker, its controller URL is unknown: resolved at synth, checked there. */
  private lazyControllerUrl(): string {
    this.node.addValidation({
      validate: () => (this.controllerUrl === undefined
        ? [`LlmWorker ${this.node.id} (fastchat-vllm) is not attached to a FastChat InferenceGateway and has no controllerUrl: it would register nowhere`]
        : []),
    });
    return Lazy.any({ produce: () => this.controllerUrl ?? 'unattached' }) as unknown as string;
  }

  /** vLLM over Ray: the leader starts the Ray head and serves; workers join the head and block. */
  private leaderWorkerSet(name: string, replicas: number | undefined, template: Parameters<typeof podTemplate>[0]): LeaderWorkerSet {
    // The recipe's args already carry `--distributed-executor-backend ray` for a multi-node plan.
    const serve = [...(this.recipe.command ?? ['python3', '-m', 'vllm.entrypoints.openai.api_server']), ...this.recipe.args];
    // Joining and waiting are bounded by the pod's startup budget: the group forms within the time a pod
    // has to get ready (workers may still be downloading their shards). The leader's startup probe then
    // allows the wait and the load one after the other.
    const leader = podTemplate({
      ...template,
      startupBudgetSeconds: 2 * template.startupBudgetSeconds,
      labels: { ...template.labels, role: 'leader' },
      command: ['/bin/sh', '-c'],
      args: [rayLeaderScript(serve, this.plan.nodesPerReplica, template.startupBudgetSeconds)],
    });
    const worker = podTemplate({
      ...template,
      labels: { ...template.labels, role: 'worker' },
      command: ['/bin/sh', '-c'],
      args: [rayWorkerScript(template.startupBudgetSeconds)],
    });
    // Workers serve no HTTP: their health is the group's (LWS recreates the group when one fails).
    const workerContainer = worker.spec!.containers[0];
    const workerSpec = { ...worker.spec!, containers: [{ ...workerContainer, startupProbe: undefined, readinessProbe: undefined, livenessProbe: undefined, ports: [] }] };
    return new LeaderWorkerSet(this, 'leader-worker-set', {
      metadata: { name, labels: template.labels },
      replicas,
      size: this.plan.nodesPerReplica,
      leaderTemplate: leader,
      workerTemplate: { ...worker, spec: workerSpec },
    });
  }
}

/**
 * The props that reach the manifest without passing the planner: checked here, so that a plain
 * JavaScript caller's string-for-a-list or typo fails with the prop's name rather than as a TypeError or
 * a manifest the API server (or the engine) rejects later.
 */
function checkWorkerProps(scope: Construct, props: LlmWorkerProps): void {
  const fail = (field: string, expected: string, value: unknown, suggestion: string) =>
    invalid(scope, 'LlmWorker', 'invalid-props', field, `${field} must be ${expected}, got ${describe(value)}`, [suggestion]);
  const text = (value: unknown) => typeof value === 'string' && value.trim() !== '';
  const strings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');
  if (props.nodePool !== undefined && !(props.nodePool instanceof GpuNodePool)) {
    throw fail('nodePool', 'a GpuNodePool construct', props.nodePool, "nodePool: new GpuNodePool(chart, 'a10g', { ... })");
  }
  const secret = props.hfTokenSecret as unknown;
  if (secret !== undefined && !(typeof secret === 'object' && secret !== null && text((secret as SecretKeyRef).name) && text((secret as SecretKeyRef).key))) {
    throw fail('hfTokenSecret', 'a Secret key reference { name, key }', secret, "hfTokenSecret: { name: 'hf-token', key: 'token' }");
  }
  if (props.extraArgs !== undefined && !strings(props.extraArgs)) throw fail('extraArgs', 'a list of strings', props.extraArgs, "extraArgs: ['--enforce-eager']");
  const env = props.extraEnv as unknown;
  if (env !== undefined) {
    if (typeof env !== 'object' || env === null || Array.isArray(env)) throw fail('extraEnv', 'an object of NAME: value strings', env, "extraEnv: { VLLM_LOGGING_LEVEL: 'DEBUG' }");
    for (const [name, value] of Object.entries(env)) {
      if (typeof value !== 'string') throw fail(`extraEnv.${name}`, 'a string', value, `extraEnv: { ${name}: '${String(value)}' }`);
    }
  }
  if (props.imagePullSecrets !== undefined && !(strings(props.imagePullSecrets) && props.imagePullSecrets.every(text))) {
    throw fail('imagePullSecrets', 'a list of Secret names', props.imagePullSecrets, "imagePullSecrets: ['regcred']");
  }
  if (props.imagePullPolicy !== undefined && !['IfNotPresent', 'Always', 'Never'].includes(props.imagePullPolicy)) {
    throw fail('imagePullPolicy', "'IfNotPresent', 'Always' or 'Never'", props.imagePullPolicy, "imagePullPolicy: 'IfNotPresent'");
  }
  if (props.rollout !== undefined && !['replace', 'surge'].includes(props.rollout)) throw fail('rollout', "'replace' or 'surge'", props.rollout, "rollout: 'replace'");
  const grace = props.terminationGracePeriodSeconds;
  if (grace !== undefined && !(Number.isSafeInteger(grace) && grace >= 0)) {
    throw fail('terminationGracePeriodSeconds', 'a non-negative integer', grace, 'terminationGracePeriodSeconds: 120');
  }
  const bandwidth = props.loadBandwidthBytesPerSecond;
  if (bandwidth !== undefined && !(typeof bandwidth === 'number' && Number.isFinite(bandwidth) && bandwidth > 0)) {
    throw fail('loadBandwidthBytesPerSecond', 'a positive number of bytes per second', bandwidth, 'loadBandwidthBytesPerSecond: 200e6 (200 MB/s)');
  }
  if (props.servedModelName !== undefined && !text(props.servedModelName)) throw fail('servedModelName', 'a non-empty string', props.servedModelName, "servedModelName: 'mistral-7b'");
  if (props.image !== undefined && !(text(props.image) && !/\s/.test(props.image))) throw fail('image', 'an image reference without spaces', props.image, "image: 'registry.example.com/vllm-openai:v0.11.0'");
  if (props.internal !== undefined && typeof props.internal !== 'boolean') throw fail('internal', 'true or false', props.internal, 'internal: true');
}

/** The worker's PlanRequest: its own sizing props, within its pool's hardware when it has one. */
/** The fields that are set (an explicit `undefined` must not override a workload-derived default). */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function planRequest(props: LlmWorkerProps): PlanRequest {
  const { nodePool } = props;
  const own = pickProps<PlanRequest>(props, PLAN_REQUEST_SPEC);
  // Plan for the release the pod runs: an `image` tagged with a version sets engineVersion (issue 14).
  const imageVersion = typeof props.image === 'string' && props.engineVersion === undefined ? versionOfImage(props.image) : undefined;
  const request = imageVersion ? { ...own, engineVersion: imageVersion } : own;
  if (!nodePool) return request;
  const onPool = nodePool.planRequest();
  if (props.instanceType !== undefined && !nodePool.instanceTypes.some((it) => it.name === props.instanceType)) {
    throw new ValidationError('instance-type-not-in-pool', `instanceType ${props.instanceType} is not one of the pool's (${nodePool.instanceTypes.map((it) => it.name).join(', ') || 'on-prem nodes'})`, {
      field: 'instanceType',
      suggestions: ['omit instanceType: the planner picks the cheapest of the pool', ...nodePool.instanceTypes.slice(0, 3).map((it) => `instanceType: '${it.name}'`)],
    });
  }
  const sharing = nodePool.sharing;
  if (sharing && 'mig' in sharing) {
    throw new ValidationError('mig-pool', `${nodePool.describe()} partitions its GPUs with MIG; the planner sizes whole or time-sliced GPUs only`, {
      field: 'nodePool',
      suggestions: ['a pool without MIG for LLM workers', 'MIG slices suit small models; size them by hand with extraArgs'],
    });
  }
  if (onPool.accelerator && props.accelerator !== undefined && lookupAccelerator(props.accelerator).id !== onPool.accelerator) {
    throw new ValidationError('accelerator-not-in-pool', `accelerator ${props.accelerator} is not the pool's ${onPool.accelerator}`, {
      field: 'accelerator',
      suggestions: ['omit accelerator: the pool sets it', 'a GpuNodePool with that accelerator'],
    });
  }
  const sliced = nodePool.sliceFactor > 1 ? timeSliced(props, nodePool.sliceFactor) : {};
  return { ...request, ...(props.instanceType === undefined ? onPool : {}), accelerator: onPool.accelerator ?? props.accelerator, ...sliced };
}

/**
 * Time-sliced GPUs share their memory with the other slices' pods: a worker gets 1/slices of it, and
 * one slice only (the device plugin fails requests for more with `failRequestsGreaterThanOne`).
 */
function timeSliced(props: LlmWorkerProps, slices: number): Pick<PlanRequest, 'gpuMemoryUtilization' | 'tensorParallel' | 'pipelineParallel'> {
  if ((props.tensorParallel ?? 1) > 1 || (props.pipelineParallel ?? 1) > 1) {
    throw new ValidationError('time-sliced-parallel', `a time-sliced pool gives a pod one slice of one GPU; tensorParallel ${props.tensorParallel} needs whole GPUs`, {
      field: 'tensorParallel',
      suggestions: ['tensorParallel: 1', 'a pool without time-slicing'],
    });
  }
  const utilization = props.gpuMemoryUtilization ?? ENGINE_PROFILES[props.engine ?? 'vllm'].defaultUtilization;
  return { gpuMemoryUtilization: Math.floor((utilization / slices) * 1000) / 1000, tensorParallel: 1, pipelineParallel: 1 };
}
