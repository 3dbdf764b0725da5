import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { IInferenceBackend } from '../inference-backend';
import { modelNameErrors } from '../model-names';
import { objectName } from '../names';
import { checkNamesAppWide } from '../unique-names';
import { constructStep } from '../validation';
import type { FrontDoor } from './front-door';
import { expose } from './exposure';
import { fastChat } from './fastchat';
import type { FrontDoorInput } from './front-door-input';
import { gatewayApiRoutes } from './gateway-api';
import { checkGatewayProps, type GatewayApiImplementation, type InferenceGatewayProps } from './gateway-props';
import { liteLlm } from './litellm';
import { allowIngress, DEFAULT_MONITORING, denyAllIngress, type Peer } from './network-policies';
import { checkRoutable } from './routable';

export type { FastChatImplementation, GatewayApiImplementation, GatewayImplementation, InferenceGatewayProps, LiteLlmImplementation } from './gateway-props';

/**
 * One OpenAI-compatible front door for many model servers: a LiteLLM proxy, FastChat's controller and
 * API server, or Gateway API routes; exposed as asked, guarded by an API key and by NetworkPolicies
 * that open exactly the intended paths.
 */
export class InferenceGateway extends Construct {
  /** In-cluster base URL of the OpenAI API (`.../v1`); undefined with `gateway-api` (the Gateway's address). */
  public readonly url?: string;
  /** Served model names, one per backend. */
  public readonly modelNames: readonly string[];
  public readonly name: string;
  /** Clients must present the API key (false only with an explicit `allowUnauthenticated: true`). */
  public readonly requiresApiKey: boolean;
  private readonly labels: Record<string, string>;
  private readonly monitoring: Peer;

  constructor(scope: Construct, id: string, props: InferenceGatewayProps) {
    super(scope, id);
    const { implementation, backends, replicas, maxReplicas } = checkGatewayProps(this, props);
    checkNamesAppWide(this);
    checkRoutable(this, backends, implementation.type);
    this.requiresApiKey = props.allowUnauthenticated !== true;
    this.name = objectName(this, 'InferenceGateway', props.name);
    this.modelNames = backends.map((b) => b.modelName);
    this.node.addValidation({ validate: () => modelNameErrors(`InferenceGateway ${id}`, backends) });
    this.labels = { 'app.kubernetes.io/managed-by': 'llm-constructs', 'app.kubernetes.io/part-of': this.name, 'llm-constructs.io/gateway': this.name };
    this.monitoring = props.monitoring ?? DEFAULT_MONITORING;

    if (implementation.type === 'gateway-api') {
      constructStep(this, `InferenceGateway ${id}`, () => this.routeWithGatewayApi(implementation, backends, props.clients ?? []), true);
      for (const backend of backends) backend.attachGateway({ name: this.name });
      return;
    }
    const input: FrontDoorInput = {
      name: this.name,
      namespace: this.namespace,
      backends,
      apiKeySecret: props.apiKeySecret,
      replicas,
      labels: this.labels,
      imagePullSecrets: props.imagePullSecrets ?? [],
      image: implementation.image,
    };
    const door = constructStep(this, `InferenceGateway ${id}`, () => (implementation.type === 'litellm' ? liteLlm(this, input) : fastChat(this, input)), true);
    this.url = `http://${door.serviceName}.${this.namespace}.svc.cluster.local:${door.port}/v1`;
    this.highAvailability(door, replicas, maxReplicas);
    constructStep(this, `InferenceGateway ${id}`, () => this.guardFrontDoor(door, backends, props), true);
    for (const backend of backends) backend.attachGateway({ name: this.name, fastChatControllerUrl: door.controller?.url });
  }

  private get namespace(): string {
    return Chart.of(this).namespace ?? 'default';
  }

  /** LiteLLM or FastChat: what exposes the proxy, and the policies around it and its backends. */
  private guardFrontDoor(door: FrontDoor, backends: readonly IInferenceBackend[], props: InferenceGatewayProps): void {
    const labels = this.labels;
    const clients = [...expose(this, this.name, this.namespace, door, props.expose ?? { type: 'cluster-ip' }, labels), ...(props.clients ?? [])];
    denyAllIngress(this, 'deny-gateway', `${this.name}-deny`, { matchLabels: { 'llm-constructs.io/gateway': this.name } }, labels);
    allowIngress(this, 'allow-clients', `${this.name}-clients`, door.entry.podLabels, [door.entry.port], clients, labels);
    door.internal.forEach(({ from, to }, i) => allowIngress(this, `allow-internal-${i}`, `${to.name}-from-${from.name}`.slice(0, 63), to.podLabels, [to.port], [{ pods: from.podLabels }], labels));
    if (door.controller) {
      // FastChat workers register with the controller and send heartbeats to it.
      const fastChatWorkers = backends.flatMap((b) => (b.pods ? [{ pods: b.pods.podLabels }] : []));
      allowIngress(this, 'allow-registration', `${door.controller.name}-registration`, door.controller.podLabels, [door.controller.port], fastChatWorkers, labels);
    }
    this.protectBackends(
      backends,
      door.callers.map((c) => ({ pods: c.podLabels })),
    );
  }

  /** HTTPRoutes (and InferencePools) on the user's Gateway, whose proxy pods then call the backends. */
  private routeWithGatewayApi(implementation: GatewayApiImplementation, backends: readonly IInferenceBackend[], clients: readonly Peer[]): void {
    const routing = gatewayApiRoutes(this, this.name, backends, implementation, this.labels);
    const parent = implementation.parentRef;
    const gatewayPods: Peer = { namespaces: { 'kubernetes.io/metadata.name': parent.dataPlaneNamespace ?? parent.namespace ?? this.namespace } };
    this.protectBackends(backends, [gatewayPods, ...clients], routing.pickers);
  }

  /** Two replicas survive a node drain (PDB) and the autoscaler adds more under CPU load. */
  private highAvailability(door: FrontDoor, replicas: number, maxReplicas: number): void {
    new k8s.KubePodDisruptionBudget(this, 'pdb', {
      metadata: { name: door.entry.name, labels: this.labels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...door.entry.podLabels } } },
    });
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
      metadata: { name: door.entry.name, labels: this.labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: door.entry.name },
        minReplicas: replicas,
        maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
  }

  /**
   * Each backend with pods here: nothing in but its callers on the http port and monitoring on the metrics
   * port. External backends have no pods of ours, hence no policy.
   */
  private protectBackends(backends: readonly IInferenceBackend[], callers: readonly Peer[], pickers?: ReadonlyMap<string, Peer>): void {
    const labels = this.labels;
    for (const backend of backends) {
      const pods = backend.pods;
      if (!pods) continue;
      const [id, name] = [backend.node.id, pods.serviceName];
      denyAllIngress(this, `deny-${id}`, `${name}-deny`, { matchLabels: { ...pods.podLabels } }, labels);
      allowIngress(this, `allow-${id}`, `${name}-from-gateway`, pods.podLabels, [pods.httpPort], callers, labels);
      if (pods.metricsPort !== undefined) allowIngress(this, `metrics-${id}`, `${name}-metrics`, pods.podLabels, [pods.metricsPort], [this.monitoring], labels);
      // The pool's endpoint picker scrapes each model server's metrics (and probes its serving port).
      const picker = pickers?.get(name);
      if (picker) allowIngress(this, `picker-${id}`, `${name}-from-picker`, pods.podLabels, [pods.httpPort, ...(pods.metricsPort !== undefined ? [pods.metricsPort] : [])], [picker], labels);
    }
  }
}
