import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { SecretKeyRef } from '../../engines/types';
import { ValidationError } from '../../errors';
import { AutoscaledTriton } from '../autoscaled-triton';
import { LlmWorker } from '../llm-worker';
import { modelNameErrors } from '../model-names';
import { checkDnsLabel } from '../names';
import { describe } from '../../sizing/validate';
import { warnAtSynth } from '../warnings';
import { backendOf, type FrontDoor, type GatewayBackend } from './backend';
import { expose, type GatewayExposure } from './exposure';
import { fastChat } from './fastchat';
import type { FrontDoorInput } from './front-door-input';
import { gatewayApiRoutes, type GatewayApiOptions } from './gateway-api';
import { liteLlm } from './litellm';
import { allowIngress, DEFAULT_MONITORING, denyAllIngress, type Peer } from './network-policies';
import { rejectUnknownProps } from '../../unknown-props';
import { INFERENCE_GATEWAY_SPEC } from '../props-specs';
import { checkNamesAppWide } from '../unique-names';

export interface InferenceGatewayProps {
  /** @default 'litellm' */
  readonly implementation?: 'litellm' | 'fastchat' | 'gateway-api';
  /** The model servers behind the gateway, routed by served model name. */
  readonly workers: readonly LlmWorker[];
  /** Key clients must present (LiteLLM master key; FastChat API keys). Required unless `allowUnauthenticated`. @default none (then `allowUnauthenticated` must be true) */
  readonly apiKeySecret?: SecretKeyRef;
  /** Serve without an API key. A warning is printed at synth. @default false */
  readonly allowUnauthenticated?: boolean;
  /** @default { type: 'cluster-ip' } */
  readonly expose?: GatewayExposure;
  /** Who else may call the gateway (other namespaces, CIDRs), besides what `expose` opens. @default none */
  readonly clients?: readonly Peer[];
  /** Who may scrape the workers' metrics. @default pods of the namespace named `monitoring` */
  readonly monitoring?: Peer;
  /** `gateway-api` implementation: the Gateway and the inference extension. @default none (required with `implementation: 'gateway-api'`) */
  readonly gatewayApi?: GatewayApiOptions;
  /** Client-facing replicas. @default 2 */
  readonly replicas?: number;
  /** Most replicas the CPU autoscaler may run. @default 3 x replicas */
  readonly maxReplicas?: number;
  /** Image of the client-facing component (required for FastChat, which publishes none). @default the pinned LiteLLM image (LiteLLM); none for FastChat */
  readonly image?: string;
  /** @default [] */
  readonly imagePullSecrets?: readonly string[];
  /** Object name prefix. @default `<chart id>-<construct id>` */
  readonly name?: string;
}

/**
 * One OpenAI-compatible front door for many model servers: a LiteLLM proxy, FastChat's controller and
 * API server, or Gateway API routes; exposed as asked, guarded by an API key and by NetworkPolicies
 * that open exactly the intended paths.
 */
export class InferenceGateway extends Construct {
  /** In-cluster base URL of the OpenAI API (`.../v1`); undefined with `gateway-api` (the Gateway's address). */
  public readonly url?: string;
  /** Served model names, one per worker. */
  public readonly modelNames: readonly string[];
  public readonly name: string;
  /** Clients must present the API key (false only with an explicit `allowUnauthenticated: true`). */
  public readonly requiresApiKey: boolean;

  constructor(scope: Construct, id: string, props: InferenceGatewayProps) {
    super(scope, id);
    const fail = (field: string, message: string, suggestions: string[]) => new ValidationError('invalid-gateway', `InferenceGateway ${id}: ${message}`, { field, suggestions });
    if (typeof props !== 'object' || props === null) throw fail('props', `props must be an object, got ${describe(props)}`, ['{ workers: [worker], apiKeySecret: { name, key } }']);
    rejectUnknownProps(`InferenceGateway ${id}`, props, INFERENCE_GATEWAY_SPEC);
    checkNamesAppWide(this);
    const triton = Array.isArray(props.workers) ? props.workers.find((w: unknown) => w instanceof AutoscaledTriton) : undefined;
    if (triton) {
      throw fail(
        'workers',
        `AutoscaledTriton ${(triton as unknown as AutoscaledTriton).node.id} serves Triton's KServe v2 protocol (POST /v2/models/ensemble/generate), not the OpenAI API, and no front door here is known to translate for it: LiteLLM's triton/ provider (litellm/llms/triton/completion/transformation.py) sends max_tokens inside the generate request's "parameters", while the TensorRT-LLM ensemble (tensorrtllm_backend v0.17.0, all_models/inflight_batcher_llm/ensemble/config.pbtxt) declares max_tokens a required input`,
        ['internal: true on the AutoscaledTriton: clients of the namespace call its generate endpoint directly', "engine: 'vllm' on an LlmWorker for an OpenAI-compatible model behind a gateway"],
      );
    }
    if (!Array.isArray(props.workers) || props.workers.length === 0 || !props.workers.every((w) => w instanceof LlmWorker)) {
      throw fail('workers', `workers must be a non-empty list of LlmWorker, got ${describeWorkers(props.workers)}`, ['workers: [mistral, llama]']);
    }
    if (props.clients !== undefined && !Array.isArray(props.clients)) {
      throw fail('clients', `clients must be a list of peers, got ${describe(props.clients)}`, [
        "clients: [{ cidr: '10.0.0.0/8' }]",
        "clients: [{ namespaces: { 'kubernetes.io/metadata.name': 'apps' } }]",
      ]);
    }
    const implementation = props.implementation ?? 'litellm';
    if (!['litellm', 'fastchat', 'gateway-api'].includes(implementation)) {
      throw fail('implementation', `implementation must be litellm, fastchat or gateway-api; got ${JSON.stringify(implementation)}`, ["implementation: 'litellm'"]);
    }
    const replicas = props.replicas ?? 2;
    if (!Number.isSafeInteger(replicas) || replicas < 1) throw fail('replicas', `replicas must be a positive integer, got ${String(replicas)}`, ['replicas: 2']);
    const maxReplicas = props.maxReplicas ?? replicas * 3;
    if (!Number.isSafeInteger(maxReplicas) || maxReplicas < replicas)
      throw fail('maxReplicas', `maxReplicas must be an integer ≥ replicas (${replicas}), got ${String(maxReplicas)}`, [`maxReplicas: ${replicas * 3}`]);
    this.checkAuth(props, implementation, fail);
    this.requiresApiKey = props.allowUnauthenticated !== true;

    this.name = checkDnsLabel(props.name ?? `${Chart.of(this).node.id}-${id}`, props.name ? 'name' : 'id');
    const namespace = Chart.of(this).namespace ?? 'default';
    const backends = props.workers.map(backendOf);
    for (const worker of props.workers) worker.attachGateway(this.name);
    this.modelNames = backends.map((b) => b.modelName);
    this.node.addValidation({ validate: () => modelNameErrors(`InferenceGateway ${id}`, props.workers) });
    const labels = { 'app.kubernetes.io/managed-by': 'llm-constructs', 'app.kubernetes.io/part-of': this.name, 'llm-constructs.io/gateway': this.name };
    const monitoring = props.monitoring ?? DEFAULT_MONITORING;

    if (implementation === 'gateway-api') {
      if (!props.gatewayApi)
        throw fail('gatewayApi', `the gateway-api implementation needs gatewayApi.parentRef (the Gateway that serves the routes), got gatewayApi ${describe(props.gatewayApi)}`, [
          "gatewayApi: { parentRef: { name: 'inference-gateway' } }",
        ]);
      if (props.expose) throw fail('expose', `the gateway-api implementation is exposed by its Gateway; expose ${describe(props.expose)} applies to litellm and fastchat`, ['omit expose']);
      const routing = gatewayApiRoutes(this, this.name, backends, props.gatewayApi, labels);
      const parent = props.gatewayApi.parentRef;
      const gatewayPods: Peer = { namespaces: { 'kubernetes.io/metadata.name': parent.dataPlaneNamespace ?? parent.namespace ?? namespace } };
      this.protectWorkers(backends, [gatewayPods, ...(props.clients ?? [])], monitoring, labels, routing.pickers);
      return;
    }

    const input: FrontDoorInput = {
      name: this.name,
      namespace,
      backends,
      apiKeySecret: props.apiKeySecret,
      replicas,
      labels,
      imagePullSecrets: props.imagePullSecrets ?? [],
      image: props.image,
    };
    const door = implementation === 'litellm' ? liteLlm(this, input) : this.fastChat(input, props.workers, backends, fail);
    this.url = `http://${door.serviceName}.${namespace}.svc.cluster.local:${door.port}/v1`;
    this.highAvailability(door, replicas, maxReplicas, labels);

    const clients = [...expose(this, this.name, namespace, door, props.expose ?? { type: 'cluster-ip' }, labels), ...(props.clients ?? [])];
    denyAllIngress(this, 'deny-gateway', `${this.name}-deny`, { matchLabels: { 'llm-constructs.io/gateway': this.name } }, labels);
    allowIngress(this, 'allow-clients', `${this.name}-clients`, door.entry.podLabels, [door.entry.port], clients, labels);
    door.internal.forEach(({ from, to }, i) => allowIngress(this, `allow-internal-${i}`, `${to.name}-from-${from.name}`.slice(0, 63), to.podLabels, [to.port], [{ pods: from.podLabels }], labels));
    if (door.controller) {
      // FastChat workers register with the controller and send heartbeats to it.
      const fastChatWorkers = backends.map((b) => ({ pods: b.podLabels }));
      allowIngress(this, 'allow-registration', `${door.controller.name}-registration`, door.controller.podLabels, [door.controller.port], fastChatWorkers, labels);
    }
    this.protectWorkers(
      backends,
      door.callers.map((c) => ({ pods: c.podLabels })),
      monitoring,
      labels,
    );
  }

  private checkAuth(props: InferenceGatewayProps, implementation: string, fail: (field: string, message: string, suggestions: string[]) => Error): void {
    if (props.allowUnauthenticated === true) {
      warnAtSynth(this, 'allowUnauthenticated: true — the gateway serves every model without an API key');
      return;
    }
    if (implementation === 'gateway-api') {
      throw fail(
        'allowUnauthenticated',
        "with gateway-api, keys are the Gateway's to check (e.g. an ext-auth or security policy): set allowUnauthenticated: true to acknowledge that this construct adds none",
        ['allowUnauthenticated: true', "implementation: 'litellm' (checks keys itself)"],
      );
    }
    const key = props.apiKeySecret;
    if (!key || typeof key.name !== 'string' || typeof key.key !== 'string' || key.name === '' || key.key === '') {
      throw fail('apiKeySecret', `apiKeySecret must reference a Secret key { name, key }, got ${describe(key)}: the gateway would otherwise serve anyone who reaches it`, [
        "apiKeySecret: { name: 'llm-api-keys', key: 'master-key' }",
        'allowUnauthenticated: true (explicit opt-out, warned at synth)',
      ]);
    }
  }

  /** FastChat: controller + API server; attached FastChat workers register with this controller. */
  private fastChat(input: FrontDoorInput, workers: readonly LlmWorker[], backends: readonly GatewayBackend[], fail: (field: string, message: string, suggestions: string[]) => Error): FrontDoor {
    const others = backends.filter((b) => b.engine !== 'fastchat-vllm');
    if (others.length > 0) {
      const embeddings = others.filter((b) => b.embedding);
      throw fail(
        'workers',
        `implementation 'fastchat' routes to FastChat workers only; ${others.map((b) => `${b.id} (${b.engine}${b.embedding ? ', embeddings' : ''})`).join(', ')} would be unreachable`,
        [
          ...(embeddings.length > 0
            ? [
                `put the embedding model${embeddings.length > 1 ? 's' : ''} (${embeddings.map((b) => b.id).join(', ')}) behind an InferenceGateway with implementation 'litellm' (it routes embeddings to TEI)`,
                "or one gateway for all: implementation 'litellm' (FastChat workers then run as engine 'vllm')",
              ]
            : []),
          ...(others.length > embeddings.length ? ["engine: 'fastchat-vllm' for the chat workers", "implementation: 'litellm' (routes to any OpenAI-compatible engine)"] : []),
        ],
      );
    }
    const door = fastChat(this, input);
    for (const worker of workers) worker.attachController(door.controller!.url);
    return door;
  }

  /** Two replicas survive a node drain (PDB) and the autoscaler adds more under CPU load. */
  private highAvailability(door: FrontDoor, replicas: number, maxReplicas: number, labels: Record<string, string>): void {
    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: door.entry.name, labels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...door.entry.podLabels } } },
    });
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
      metadata: { name: door.entry.name, labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: door.entry.name },
        minReplicas: replicas,
        maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
  }

  /** Each worker: nothing in but its callers on the http port and monitoring on the metrics port. */
  private protectWorkers(backends: readonly GatewayBackend[], callers: readonly Peer[], monitoring: Peer, labels: Record<string, string>, pickers?: ReadonlyMap<string, Peer>): void {
    for (const backend of backends) {
      const name = backend.serviceName;
      denyAllIngress(this, `deny-${backend.id}`, `${name}-deny`, { matchLabels: { ...backend.podLabels } }, labels);
      allowIngress(this, `allow-${backend.id}`, `${name}-from-gateway`, backend.podLabels, [backend.httpPort], callers, labels);
      if (backend.metricsPort !== undefined) {
        allowIngress(this, `metrics-${backend.id}`, `${name}-metrics`, backend.podLabels, [backend.metricsPort], [monitoring], labels);
      }
      // The pool's endpoint picker scrapes each model server's metrics (and probes its serving port).
      const picker = pickers?.get(name);
      if (picker)
        allowIngress(this, `picker-${backend.id}`, `${name}-from-picker`, backend.podLabels, [backend.httpPort, ...(backend.metricsPort !== undefined ? [backend.metricsPort] : [])], [picker], labels);
    }
  }
}

/** What `workers` was, for the error: constructs by kind and id (JSON of a construct is its whole tree). */
function describeWorkers(workers: unknown): string {
  const one = (w: unknown) => (w instanceof Construct ? `${w.constructor.name} ${w.node.id}` : describe(w));
  return Array.isArray(workers) ? `[${workers.map(one).join(', ')}]` : one(workers);
}
