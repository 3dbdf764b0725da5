import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { FASTCHAT_WORKER_PORT, recipeFor } from '../engines';
import type { ContainerRecipe } from '../engines/types';
import { startupBudgetSeconds } from '../sizing/startup';
import type { ModelPlan } from '../sizing/types';
import { LeaderWorkerSet, LWS_WORKER_INDEX_LABEL, rayLeaderWorkerSet } from './leader-worker-set';
import { cacheVolume } from './model-cache';
import { DEFAULT_MONITORING, type Peer } from './gateway/network-policies';
import { closeWorkerPolicies, workerPolicies } from './worker-policies';
import { describe } from '../describe';
import { checkAutoscaling, metricAutoscaler, type AutoscalingProps } from './autoscaling';
import { objectName, toDnsLabel } from './names';
import { planPlacement } from './placement';
import { interconnectFor } from './interconnect';
import { warnAtSynth } from './warnings';
import { rejectUnknownProps } from '../unknown-props';
import { LLM_WORKER_SPEC } from './props-specs';
import { checkNamesAppWide } from './unique-names';
import { constructStep, invalid } from './validation';
import { podTemplate, type PodTemplateInput } from './pod-template';
import { planWorker } from './worker-plan';
import { exposeWorker } from './worker-exposure';
import type { LlmWorkerProps } from './llm-worker-props';
import { nonOpenAiApi, type BackendApi, type BackendPods, type GatewayAttachment, type IInferenceBackend } from './inference-backend';

export type { LlmWorkerProps } from './llm-worker-props';

const CACHE_PATH = '/models';

/**
 * One model server, sized by the planner: a Deployment (or a LeaderWorkerSet when one replica spans
 * nodes), its Service, a PodMonitor, a PodDisruptionBudget when replicated, and the cache claim.
 */
export class LlmWorker extends Construct implements IInferenceBackend {
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
      throw invalid(this, 'LlmWorker', 'invalid-props', 'props', `props must be an object with at least 'model', got ${describe(props)}`, ["{ model: 'mistralai/Mistral-7B-Instruct-v0.3' }"]);
    }
    rejectUnknownProps(`LlmWorker ${id}`, props, LLM_WORKER_SPEC);
    checkNamesAppWide(this);
    const chart = Chart.of(this);
    const name = objectName(this, 'LlmWorker', props.name);
    this.serviceName = name;
    this.controllerUrl = props.controllerUrl;
    this.internal = props.internal === true;

    // 1. plan
    const { plan, replicas, autoscaling } = planWorker(this, props);
    this.plan = plan;
    this.modelName = props.servedModelName ?? (plan.model.id.split('/').pop() ?? name).toLowerCase();
    this.servedModelNameSet = props.servedModelName !== undefined;
    // 2. recipe
    this.recipe = this.recipeStep(props, `http://${name}.${chart.namespace ?? 'default'}.svc.cluster.local:${FASTCHAT_WORKER_PORT}`);
    const metric = autoscaling ? checkAutoscaling(this, autoscaling, plan.engine) : undefined;
    this.maxReplicas = autoscaling?.maxReplicas ?? replicas;
    this.minReplicas = autoscaling?.minReplicas ?? replicas;
    this.selector = { 'app.kubernetes.io/name': 'llm-worker', 'app.kubernetes.io/instance': name };
    const labels = { ...this.selector, 'app.kubernetes.io/component': plan.engine, 'llm-constructs.io/model': toDnsLabel(this.modelName) };
    // 3. workload
    const template = this.podInput(props, name, labels);
    const multiNode = plan.nodesPerReplica > 1;
    this.workload = multiNode
      ? rayLeaderWorkerSet(this, { name, replicas: autoscaling ? undefined : replicas, nodes: plan.nodesPerReplica, recipe: this.recipe, template })
      : this.deployment(name, labels, autoscaling ? undefined : replicas, props.rollout === 'surge', template);
    // 4. exposure
    const serviceSelector = multiNode ? { ...this.selector, [LWS_WORKER_INDEX_LABEL]: '0' } : this.selector;
    exposeWorker(this, { name, labels, selector: this.selector, serviceSelector, recipe: this.recipe });
    this.endpoint = `http://${name}.${chart.namespace ?? 'default'}.svc.cluster.local:${this.recipe.ports.http}${this.recipe.openAiBasePath ?? ''}`;
    // 5. policies: autoscaler, network policies, disruption budget
    if (autoscaling && metric) this.autoscaler(name, labels, autoscaling, metric, template.startupBudgetSeconds);
    this.policies(name, labels, props.monitoring ?? DEFAULT_MONITORING);
  }

  /** The metric autoscaler that owns the replica count (a Deployment, or the LeaderWorkerSet of multi-node replicas). */
  private autoscaler(name: string, labels: Record<string, string>, autoscaling: AutoscalingProps, metric: string, startupBudgetSeconds: number): void {
    const multiNode = this.plan.nodesPerReplica > 1;
    const target = {
      name,
      namespace: Chart.of(this).namespace ?? 'default',
      apiVersion: multiNode ? 'leaderworkerset.x-k8s.io/v1' : 'apps/v1',
      kind: multiNode ? 'LeaderWorkerSet' : 'Deployment',
      engine: this.plan.engine,
      instance: name,
      startupBudgetSeconds,
      labels,
    };
    metricAutoscaler(this, target, autoscaling, metric);
  }

  /** The engine's container recipe for the plan; `workerAddress` is where a FastChat controller calls back. */
  private recipeStep(props: LlmWorkerProps, workerAddress: string): ContainerRecipe {
    const recipe = constructStep(this, `LlmWorker ${this.node.id}`, () =>
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
        workerAddress,
      }),
    );
    for (const warning of recipe.warnings ?? []) warnAtSynth(this, warning);
    return recipe;
  }

  /** What every pod of the worker is built from: cache, placement, startup budget; claims its pool's capacity. */
  private podInput(props: LlmWorkerProps, name: string, labels: Record<string, string>): PodTemplateInput {
    const pool = props.nodePool;
    const template: PodTemplateInput = {
      plan: this.plan,
      recipe: this.recipe,
      cache: constructStep(this, `LlmWorker ${this.node.id}`, () =>
        cacheVolume(this, `${name}-cache`, props.modelCache ?? { type: 'emptyDir' }, this.plan, this.maxReplicas, undefined, this.recipe.downloadBytes),
      ),
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
    return template;
  }

  /** One replica on one node: a Deployment (replicas undefined when an autoscaler owns the count). */
  private deployment(name: string, labels: Record<string, string>, replicas: number | undefined, surge: boolean, template: PodTemplateInput): k8s.KubeDeployment {
    return new k8s.KubeDeployment(this, 'deployment', {
      metadata: { name, labels },
      spec: {
        // An autoscaler owns the count: a replicas field would fight it on every apply.
        replicas,
        selector: { matchLabels: this.selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(surge ? 1 : 0), maxUnavailable: k8s.IntOrString.fromNumber(surge ? 0 : 1) },
        },
        template: podTemplate(template),
      },
    });
  }

  /** Network policies, and a PodDisruptionBudget when the worker may run more than one replica. */
  private policies(name: string, labels: Record<string, string>, monitoring: Peer): void {
    workerPolicies(this, {
      name,
      selector: this.selector,
      labels,
      clientPorts: [this.recipe.ports.http, ...(this.recipe.ports.grpc ? [this.recipe.ports.grpc] : [])],
      metricsPort: this.recipe.metricsPath ? (this.recipe.ports.metrics ?? this.recipe.ports.http) : undefined,
      monitoring,
      multiNode: this.plan.nodesPerReplica > 1,
    });
    if (this.maxReplicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'pdb', {
        metadata: { name, labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: this.selector } },
      });
    }
  }

  /** The served model (IInferenceBackend): its Hugging Face id. */
  public get modelId(): string {
    return this.plan.model.id;
  }

  /** Served by TEI, or an embedding model: routed as embeddings. */
  public get embedding(): boolean {
    return this.plan.engine === 'tei' || this.plan.model.embedding === true;
  }

  /** The API gateways route to: OpenAI-compatible at `endpoint`, a FastChat worker, or the engine's own. */
  public get api(): BackendApi {
    if (this.recipe.openAiBasePath !== undefined) return { type: 'openai', baseUrl: this.endpoint, model: this.modelName };
    return this.plan.engine === 'fastchat-vllm' ? { type: 'fastchat-worker' } : nonOpenAiApi(this.plan.engine);
  }

  /** The worker's pods, as a gateway's routes and policies see them. */
  public get pods(): BackendPods {
    return {
      engine: this.plan.engine,
      serviceName: this.serviceName,
      namespace: Chart.of(this).namespace ?? 'default',
      httpPort: this.recipe.ports.http,
      metricsPort: this.recipe.metricsPath !== undefined ? this.recipe.ports.metrics : undefined,
      podLabels: this.selector,
      multiNode: this.plan.nodesPerReplica > 1,
    };
  }

  /**
   * Records that a gateway routes to this worker (a stack checks that every worker is reachable), and, from
   * a FastChat gateway, the controller to register with: the worker's args are resolved at synth, so the
   * gateway may be created after the worker.
   */
  public attachGateway(gateway: GatewayAttachment): void {
    const url = gateway.fastChatControllerUrl;
    if (url !== undefined && this.controllerUrl !== undefined && this.controllerUrl !== url) {
      throw invalid(this, 'LlmWorker', 'controller-conflict', 'backends', `already registered with ${this.controllerUrl}; one worker, one FastChat controller`, [
        'attach the worker to one FastChat gateway only',
      ]);
    }
    if (url !== undefined) this.controllerUrl = url;
    this.gateways.push(gateway.name);
    // The gateway's policies now admit exactly its callers; an internal worker stays open to its namespace.
    if (!this.internal) closeWorkerPolicies(this);
  }

  /** Until a gateway attaches the worker, its controller URL is unknown: resolved at synth, checked there. */
  private lazyControllerUrl(): string {
    this.node.addValidation({
      validate: () =>
        this.controllerUrl === undefined ? [`LlmWorker ${this.node.id} (fastchat-vllm) is not attached to a FastChat InferenceGateway and has no controllerUrl: it would register nowhere`] : [],
    });
    return Lazy.any({ produce: () => this.controllerUrl ?? 'unattached' }) as unknown as string;
  }
}
