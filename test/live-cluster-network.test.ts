/**
 * Issue 13, cluster side: what the manifests do on a live cluster. Reachability is COMPUTED from the
 * synthesized NetworkPolicies with ./support/network-policy.ts; node placement from the required node
 * affinity with Kubernetes' NodeSelector semantics; Ingress and Service settings against the controllers'
 * documented annotations and the Kubernetes docs. Each `describe` names the defect it guards.
 */
import { App, Chart, Testing } from 'cdk8s';
import { GpuNodePool, InferenceGateway, LlmStack, LlmWorker, type LlmWorkerProps } from '../lib';
import { ValidationError } from '../lib/errors';
import { allExamples } from '../examples';
import { gatewayApiExample } from '../examples/gateways';
import { BGE_BASE_EN_V15 } from '../examples/workers';
import { nodeAdmits, pod, podOf, podTemplates, reaches, synth, type Obj } from './support/cluster';

const NS = 'llm';
const HF_TOKEN = { name: 'hf-token', key: 'token' };
const KEYS = { name: 'llm-api-keys', key: 'master-key' };
const VLLM_8B: LlmWorkerProps = { model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4', concurrency: 8, maxContextLength: 8192, hfTokenSecret: HF_TOKEN };
/** 405B at 16k context needs two p5.48xlarge: a LeaderWorkerSet of a Ray head and a Ray worker. */
const VLLM_405B: LlmWorkerProps = { model: 'meta-llama/Llama-3.1-405B-Instruct', instanceType: 'p5.48xlarge', maxContextLength: 16384, concurrency: 8, hfTokenSecret: HF_TOKEN };
/** The Ray head's GCS port (`ray start --head --port`) and any other port Ray and NCCL open. */
const RAY_GCS = 6379;
const NCCL_ANY = 43127;

const client = pod(NS, { app: 'chat-frontend' });
const elsewhere = pod('apps', { app: 'chat-frontend' });
const prometheus = pod('monitoring', { 'app.kubernetes.io/name': 'prometheus' });

function chartIn(app: App = Testing.app(), id = 'c'): Chart {
  return new Chart(app, id, { namespace: NS });
}

/** The server pods of a worker (the leader and the Deployment's pods serve; LWS workers only join Ray). */
function workerPods(objects: Obj[], worker: LlmWorker) {
  return podTemplates(objects)
    .filter(({ owner }) => owner.metadata?.name === worker.serviceName && owner.kind !== 'DaemonSet')
    .map(({ owner, role, template }) => ({ role, endpoint: podOf(owner, role, template) }));
}

function metricsPort(worker: LlmWorker): number {
  return worker.recipe.ports.metrics ?? worker.recipe.ports.http;
}

describe('defect 6: standalone workers, single- and multi-node, have consistent, intended policies', () => {
  describe.each([
    ['single-node (Deployment)', VLLM_8B],
    ['multi-node (LeaderWorkerSet)', VLLM_405B],
  ])('%s', (_kind, props) => {
    const chart = chartIn();
    const worker = new LlmWorker(chart, 'w', props);
    const objects = synth(chart);
    const pods = workerPods(objects, worker);
    const server = pods.find((p) => p.role !== 'worker')!.endpoint;

    it('clients of the namespace reach the serving port; pods of other namespaces do not', () => {
      expect(reaches(objects, client, server, worker.recipe.ports.http)).toBe(true);
      expect(reaches(objects, elsewhere, server, worker.recipe.ports.http)).toBe(false);
    });

    it('Prometheus (namespace monitoring) scrapes the metrics port', () => {
      expect(worker.recipe.metricsPath).toBeDefined();
      expect(reaches(objects, prometheus, server, metricsPort(worker))).toBe(true);
    });

    it('the pods of one replica reach each other on every port (Ray GCS, raylets, NCCL)', () => {
      if (pods.length < 2) return;
      const [a, b] = [pods[0]!.endpoint, pods[1]!.endpoint];
      for (const port of [RAY_GCS, NCCL_ANY]) {
        expect(reaches(objects, a, b, port)).toBe(true);
        expect(reaches(objects, b, a, port)).toBe(true);
      }
      // ... and nobody else does.
      expect(reaches(objects, client, pods[1]!.endpoint, RAY_GCS)).toBe(false);
    });
  });

  it('a gateway that fronts the worker takes over: only its callers reach the serving port', () => {
    const chart = chartIn();
    const worker = new LlmWorker(chart, 'w', VLLM_8B);
    new InferenceGateway(chart, 'gw', { backends: [worker], apiKeySecret: KEYS });
    const objects = synth(chart);
    const server = workerPods(objects, worker)[0]!.endpoint;
    const proxy = podTemplates(objects).find(({ owner }) => owner.kind === 'Deployment' && owner.metadata?.name === 'c-gw-litellm')!;
    const gateway = podOf(proxy.owner, 'Deployment', proxy.template);
    expect(reaches(objects, gateway, server, worker.recipe.ports.http)).toBe(true);
    expect(reaches(objects, client, server, worker.recipe.ports.http)).toBe(false);
    // Clients reach the gateway instead (cluster-ip exposure: its namespace), on the proxy's port.
    const port = proxy.template.spec.containers[0].ports[0].containerPort;
    expect(reaches(objects, client, gateway, port)).toBe(true);
    expect(reaches(objects, elsewhere, gateway, port)).toBe(false);
    expect(reaches(objects, prometheus, server, metricsPort(worker))).toBe(true);
    // One policy per name: the worker's and the gateway's do not collide.
    const names = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata?.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('an internal multi-node worker in a stack (default deny): clients, Prometheus and Ray peers get through', () => {
    const stack = new LlmStack(Testing.app(), 'llm', { namespace: NS });
    const worker = new LlmWorker(stack, 'big', { ...VLLM_405B, internal: true });
    const objects = synth(stack);
    const [leader, rayWorker] = workerPods(objects, worker).map((p) => p.endpoint);
    expect(reaches(objects, client, leader!, worker.recipe.ports.http)).toBe(true);
    expect(reaches(objects, prometheus, leader!, metricsPort(worker))).toBe(true);
    expect(reaches(objects, leader!, rayWorker!, RAY_GCS)).toBe(true);
    expect(reaches(objects, rayWorker!, leader!, RAY_GCS)).toBe(true);
  });
});

describe('defects 4 and 5: one endpoint picker per InferencePool, and it reaches its model servers', () => {
  const parentRef = { name: 'inference-gateway', namespace: 'gateway-system' };
  const picker = (service: string) => ({ name: `${service}-epp`, port: 9002, pods: { app: `${service}-epp` } });

  it('the gateway-api example gives every InferencePool its own picker', () => {
    const objects = synth(gatewayApiExample(Testing.app()));
    const pools = objects.filter((o) => o.kind === 'InferencePool');
    expect(pools.length).toBeGreaterThan(1);
    const refs = pools.map((p) => p.spec.endpointPickerRef?.name);
    expect(refs.every((r) => typeof r === 'string')).toBe(true);
    expect(new Set(refs).size).toBe(pools.length);
  });

  it('two pools sharing one picker fail, citing the upstream rule', () => {
    const chart = chartIn();
    const a = new LlmWorker(chart, 'a', VLLM_8B);
    const b = new LlmWorker(chart, 'b', { ...VLLM_8B, servedModelName: 'llama-b' });
    const shared = { name: 'epp', port: 9002, pods: { app: 'epp' } };
    const build = () =>
      new InferenceGateway(chart, 'gw', {
        implementation: { type: 'gateway-api', parentRef, inferenceExtension: { endpointPickers: { [a.serviceName]: shared, [b.serviceName]: shared } } },
        allowUnauthenticated: true,
        backends: [a, b],
      });
    let error: unknown;
    try {
      build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(String((error as Error).message)).toMatch(/single InferencePool/);
  });

  it('the old single endpointPicker is refused with what replaces it', () => {
    const chart = chartIn();
    const a = new LlmWorker(chart, 'a', VLLM_8B);
    const implementation = { type: 'gateway-api', parentRef, inferenceExtension: { endpointPicker: { name: 'epp', port: 9002 } } } as never;
    expect(() => new InferenceGateway(chart, 'gw', { implementation, allowUnauthenticated: true, backends: [a] })).toThrow(/endpointPickers/);
  });

  it("each picker reaches its own pool's serving and metrics ports, not the other pool; Prometheus and the Gateway get in", () => {
    const chart = chartIn();
    const a = new LlmWorker(chart, 'a', VLLM_8B);
    const b = new LlmWorker(chart, 'b', { ...VLLM_8B, model: 'Qwen/Qwen2.5-7B-Instruct' });
    new InferenceGateway(chart, 'gw', {
      implementation: { type: 'gateway-api', parentRef, inferenceExtension: { endpointPickers: { [a.serviceName]: picker(a.serviceName), [b.serviceName]: picker(b.serviceName) } } },
      allowUnauthenticated: true,
      backends: [a, b],
    });
    const objects = synth(chart);
    const podA = workerPods(objects, a)[0]!.endpoint;
    const podB = workerPods(objects, b)[0]!.endpoint;
    const pickerA = pod(NS, picker(a.serviceName).pods);
    expect(reaches(objects, pickerA, podA, metricsPort(a))).toBe(true);
    expect(reaches(objects, pickerA, podA, a.recipe.ports.http)).toBe(true);
    expect(reaches(objects, pickerA, podB, metricsPort(b))).toBe(false);
    expect(reaches(objects, prometheus, podA, metricsPort(a))).toBe(true);
    const dataPlane = pod('gateway-system', { 'app.kubernetes.io/name': 'envoy' });
    expect(reaches(objects, dataPlane, podA, a.recipe.ports.http)).toBe(true);
    expect(reaches(objects, client, podA, a.recipe.ports.http)).toBe(false);
  });
});

describe('defect 7: on-prem GPU agents schedule on a stock node-feature-discovery', () => {
  const chart = chartIn();
  new GpuNodePool(chart, 'a100', {
    accelerator: 'A100-SXM4-80GB',
    provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 },
    plumbing: { installDevicePlugin: true, installDcgmExporter: true },
  });
  const agents = podTemplates(synth(chart)).filter(({ owner }) => owner.kind === 'DaemonSet');

  // NFD's default `deviceLabelFields: [class, vendor]` (source/pci/pci.go): class 0302 = 3D controller (A100,
  // H100, L4 ...), 0300 = VGA; NVIDIA's GPU Operator configures `[vendor]`.
  it.each([
    ['stock NFD, 3D controller', { 'feature.node.kubernetes.io/pci-0302_10de.present': 'true' }],
    ['stock NFD, VGA controller', { 'feature.node.kubernetes.io/pci-0300_10de.present': 'true' }],
    ['NFD as the GPU Operator configures it', { 'feature.node.kubernetes.io/pci-10de.present': 'true' }],
  ])('%s', (_case, labels) => {
    expect(agents.length).toBeGreaterThanOrEqual(3);
    for (const { template } of agents) expect(nodeAdmits(template, labels)).toBe(true);
  });

  it('not on a node without an NVIDIA device (virtio NIC only)', () => {
    for (const { template } of agents) expect(nodeAdmits(template, { 'feature.node.kubernetes.io/pci-0200_1af4.present': 'true' })).toBe(false);
  });
});

describe('defect 8: no replicas on a workload an autoscaler owns', () => {
  const app = Testing.app();
  const objects = allExamples(app).flatMap((chart) => Testing.synth(chart) as Obj[]);
  const targets = [
    ...objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => ({ kind: o.spec.scaleTargetRef.kind, name: o.spec.scaleTargetRef.name, ns: o.metadata?.namespace })),
    ...objects.filter((o) => o.kind === 'ScaledObject').map((o) => ({ kind: o.spec.scaleTargetRef.kind ?? 'Deployment', name: o.spec.scaleTargetRef.name, ns: o.metadata?.namespace })),
  ];

  it('every HPA and ScaledObject target, gateways included, carries no spec.replicas', () => {
    expect(targets.some((t) => t.name.endsWith('-litellm'))).toBe(true);
    for (const t of targets) {
      const owned = objects.filter((o) => o.kind === t.kind && o.metadata?.name === t.name);
      expect(owned.length).toBeGreaterThan(0);
      for (const o of owned) expect({ target: `${t.kind}/${t.name}`, replicas: o.spec.replicas }).toEqual({ target: `${t.kind}/${t.name}`, replicas: undefined });
    }
  });
});

describe('defect 9: an Ingress does not cut long completions', () => {
  function ingressOf(expose: object): Obj {
    const chart = chartIn();
    const worker = new LlmWorker(chart, 'w', VLLM_8B);
    new InferenceGateway(chart, 'gw', { backends: [worker], apiKeySecret: KEYS, expose: expose as never });
    return synth(chart).find((o) => o.kind === 'Ingress')!;
  }
  /** How long LiteLLM waits for a backend: `litellm_settings.request_timeout` of the synthesized config. */
  const LITELLM_TIMEOUT: number = (() => {
    const chart = chartIn();
    new InferenceGateway(chart, 'gw', { backends: [new LlmWorker(chart, 'w', VLLM_8B)], apiKeySecret: KEYS });
    const config = JSON.parse(synth(chart).find((o) => o.kind === 'ConfigMap')!.data['config.yaml']);
    return config.litellm_settings.request_timeout;
  })();

  it("LiteLLM's own request timeout is set (its SDK default is 6000 s), in minutes", () => {
    expect(LITELLM_TIMEOUT).toBeGreaterThanOrEqual(300);
  });

  it("ingress-nginx: read/send timeouts beyond LiteLLM's, a body limit above the 1m default, no response buffering", () => {
    const a = ingressOf({ type: 'ingress', host: 'llm.example.com', className: 'nginx' }).metadata!.annotations!;
    expect(Number(a['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThan(LITELLM_TIMEOUT);
    expect(Number(a['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThan(LITELLM_TIMEOUT);
    expect(a['nginx.ingress.kubernetes.io/proxy-body-size']).toMatch(/^\d+m$/);
    expect(parseInt(a['nginx.ingress.kubernetes.io/proxy-body-size']!, 10)).toBeGreaterThan(1);
    expect(a['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
  });

  it("ALB: idle timeout beyond LiteLLM's, IP targets (the Service is a ClusterIP); the ALB's subnets are the clients", () => {
    const chart = chartIn();
    const worker = new LlmWorker(chart, 'w', VLLM_8B);
    new InferenceGateway(chart, 'gw', { backends: [worker], apiKeySecret: KEYS, expose: { type: 'ingress', host: 'llm.example.com', className: 'alb', sourceRanges: ['10.0.0.0/16'] } });
    const objects = synth(chart);
    const a = objects.find((o) => o.kind === 'Ingress')!.metadata!.annotations!;
    const idle = /idle_timeout\.timeout_seconds=(\d+)/.exec(a['alb.ingress.kubernetes.io/load-balancer-attributes'] ?? '');
    expect(Number(idle?.[1])).toBeGreaterThan(LITELLM_TIMEOUT);
    expect(a['alb.ingress.kubernetes.io/target-type']).toBe('ip');
    const proxy = podTemplates(objects).find(({ owner }) => owner.metadata?.name === 'c-gw-litellm')!;
    const entry = podOf(proxy.owner, 'Deployment', proxy.template);
    expect(reaches(objects, { kind: 'external', ip: '10.0.3.7' }, entry, 4000)).toBe(true);
    expect(reaches(objects, { kind: 'external', ip: '203.0.113.9' }, entry, 4000)).toBe(false);
  });

  it('ALB without the addresses it connects from is refused (its NetworkPolicy would shut it out)', () => {
    expect(() => ingressOf({ type: 'ingress', host: 'llm.example.com', className: 'alb' })).toThrow(/sourceRanges/);
  });

  it('user annotations are added and win', () => {
    const a = ingressOf({
      type: 'ingress',
      host: 'h.example.com',
      className: 'nginx',
      annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '1800', 'cert-manager.io/cluster-issuer': 'le' },
    }).metadata!.annotations!;
    expect(a['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('1800');
    expect(a['cert-manager.io/cluster-issuer']).toBe('le');
    expect(() => ingressOf({ type: 'ingress', host: 'h.example.com', annotations: { 'bad key!': 'x' } })).toThrow(ValidationError);
  });
});

describe('NodePort and externalTrafficPolicy', () => {
  function serviceOf(expose: object): Obj {
    const chart = chartIn();
    const worker = new LlmWorker(chart, 'w', VLLM_8B);
    new InferenceGateway(chart, 'gw', { backends: [worker], apiKeySecret: KEYS, expose: expose as never });
    return synth(chart).find((o) => o.kind === 'Service' && o.spec.type === 'NodePort')!;
  }

  it('without sourceRanges, Cluster: every node answers', () => {
    expect(serviceOf({ type: 'node-port' }).spec.externalTrafficPolicy).toBe('Cluster');
  });

  it('with sourceRanges, Local (the policy sees client addresses), and synth says only gateway nodes answer', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const app = Testing.app();
    const chart = chartIn(app);
    const worker = new LlmWorker(chart, 'w', VLLM_8B);
    new InferenceGateway(chart, 'gw', { backends: [worker], apiKeySecret: KEYS, expose: { type: 'node-port', sourceRanges: ['192.0.2.0/24'] } });
    app.synth();
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/only on the nodes that run a gateway pod/);
    warn.mockRestore();
    expect(synth(chart).find((o) => o.kind === 'Service' && o.spec.type === 'NodePort')!.spec.externalTrafficPolicy).toBe('Local');
  });

  it("Cluster with sourceRanges is refused: the source address would be a node's", () => {
    expect(() => serviceOf({ type: 'node-port', sourceRanges: ['192.0.2.0/24'], externalTrafficPolicy: 'Cluster' })).toThrow(/node's/);
  });
});

describe('embeddings behind FastChat: the error says what works', () => {
  it('points to a LiteLLM gateway (or both), not to engine fastchat-vllm', () => {
    const chart = chartIn();
    const bge = new LlmWorker(chart, 'bge', { model: BGE_BASE_EN_V15, engine: 'tei', accelerator: 'T4' });
    let error: ValidationError | undefined;
    try {
      new InferenceGateway(chart, 'gw', { implementation: { type: 'fastchat', image: 'registry.example.com/fastchat:0.2.36' }, backends: [bge], apiKeySecret: KEYS });
    } catch (e) {
      error = e as ValidationError;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.suggestions.join('\n')).toMatch(/litellm/);
    expect(error!.suggestions.join('\n')).not.toMatch(/fastchat-vllm'? for (those|the) workers|serve '.*' with engine 'fastchat-vllm'/);
  });
});

describe('every example applies without one object overwriting another', () => {
  it('(apiVersion group, kind, namespace, name) is unique across all examples', () => {
    const seen = new Map<string, string>();
    for (const chart of allExamples(Testing.app())) {
      for (const o of synth(chart)) {
        const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'RuntimeClass', 'NodePool', 'EC2NodeClass'].includes(o.kind);
        const key = `${o.apiVersion.split('/')[0]} ${o.kind} ${clusterScoped ? '' : o.metadata?.namespace}/${o.metadata?.name}`;
        expect({ key, also: seen.get(key) }).toEqual({ key, also: undefined });
        seen.set(key, chart.node.id);
      }
    }
  });
});
