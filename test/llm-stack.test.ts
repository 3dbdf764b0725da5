/**
 * LlmStack (issue 7): one construct tree, checked as a whole. Stacks are synthesized in memory with
 * cdk8s and every check reads the synthesized objects:
 * - the Namespace's Pod Security level is recomputed from the namespace's own pods with the evaluator;
 * - who may reach whom is COMPUTED from the NetworkPolicies with ./support/network-policy.ts;
 * - costs are recomputed from the on-demand prices of catalog-facts.md table B (test/fixtures/catalog-facts);
 * - whole-tree errors must name the constructs involved by their construct PATH.
 */
import { App, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GpuNodePool, InferenceGateway, LlmStack, LlmWorker, type LlmWorkerProps } from '../lib';
import { ValidationError } from '../lib/errors';
import { namespaceSecurityLevel, podSecurityLevel, podTemplatesOf } from '../lib/constructs/stack/pod-security';
import { eksStackExample } from '../examples/stack';
import { BGE_BASE_EN_V15 } from '../examples/workers';
import { allowedSources, withNamespace, type Endpoint, type PodEndpoint } from './support/network-policy';
import { catalogFacts } from './support/fixtures';
import { validateObject, validateWithEsmModels, type K8sObject } from './support/schemas';

type Obj = K8sObject & { spec?: any; [key: string]: any };

const NS = 'llm';
const ROOT = path.join(__dirname, '..');
const HF_TOKEN = { name: 'hf-token', key: 'token' };
const KEYS = { name: 'llm-api-keys', key: 'master-key' };
const KARPENTER = { type: 'karpenter' as const, clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' };
const COST_LABELS = { team: 'ml-platform', 'cost-center': 'cc-4242', project: 'search' };
const STACK_PROPS = { namespace: NS, team: 'ml-platform', costCenter: 'cc-4242', labels: { project: 'search' } };
const LWS_INDEX = 'leaderworkerset.sigs.k8s.io/worker-index';

// concurrency 3: at the pinned vLLM 0.11 the profiling sampler (256 x 128,256 fp32 logits) leaves 3.8 GiB of KV on an L4, not the 4 GiB of 4 x 8192 tokens (issue 14).
const LLAMA_8B: LlmWorkerProps = { model: 'meta-llama/Llama-3.1-8B-Instruct', maxContextLength: 8192, concurrency: 3, hfTokenSecret: HF_TOKEN };
const QWEN_7B: LlmWorkerProps = { model: 'Qwen/Qwen2.5-7B-Instruct', maxContextLength: 8192, concurrency: 4, hfTokenSecret: HF_TOKEN };
/** TGI runs as root (its image has no non-root user): Baseline at best. */
const MISTRAL_TGI: LlmWorkerProps = { model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi', accelerator: 'A10G', maxContextLength: 8192, concurrency: 4, hfTokenSecret: HF_TOKEN };

// ---------------------------------------------------------------------------------------------------
// Prices from the facts (table B of the vendored catalog-facts.md)
// ---------------------------------------------------------------------------------------------------

/** On-demand USD/hour by instance type, from the rows of catalog-facts table B ("n/a" rows left out). */
function factsPrices(text: string): Map<string, number> {
  const start = text.indexOf('## B. AWS EC2 accelerator instance types');
  const end = text.indexOf('### B2.', start);
  if (start < 0 || end < 0) throw new Error('table B not found in catalog-facts.md');
  const rows = text
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const header = rows[0]!;
  const column = header.findIndex((cell) => cell.startsWith('On-demand $/h'));
  if (header[0] !== 'Instance' || column < 0) throw new Error(`unexpected table B header: ${header.join(' | ')}`);
  const prices = new Map<string, number>();
  for (const cells of rows.slice(1)) {
    if (/^\d+(\.\d+)?$/.test(cells[column] ?? '')) prices.set(cells[0]!, Number(cells[column]));
  }
  return prices;
}

const PRICES: Map<string, number> = factsPrices(catalogFacts());

function priceOf(instanceType: string): number {
  const price = PRICES.get(instanceType);
  if (price === undefined) throw new Error(`no on-demand price for ${instanceType} in the facts`);
  return price;
}

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

function synth(stack: LlmStack): Obj[] {
  return Testing.synth(stack) as Obj[];
}

function expectAllValid(objects: Obj[]): void {
  expect(objects.length).toBeGreaterThan(0);
  for (const o of objects) expect(() => validateObject(o)).not.toThrow();
  expect(validateWithEsmModels(objects)).toEqual([]);
}

interface Pod {
  /** `Kind/name`, `... leader` / `... worker` for a LeaderWorkerSet. */
  readonly where: string;
  readonly owner: Obj;
  readonly template: any;
}

/** Every pod template of the objects, found with the evaluator's own podTemplatesOf. */
function podsOf(objects: Obj[]): Pod[] {
  return objects.flatMap((owner) => {
    const templates = podTemplatesOf(owner);
    return templates.map((template, i) => ({
      where: `${owner.kind}/${owner.metadata?.name}${owner.kind === 'LeaderWorkerSet' ? (i === 0 ? ' leader' : ' worker') : ''}`,
      owner,
      template,
    }));
  });
}

function named(objects: Obj[], kind: string, name: string): Obj {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}/${name}, found ${found.length}`);
  return found[0]!;
}

/** A restricted pod spec, for a Deployment the stack's constructs know nothing about. */
function plainRestrictedPodSpec(port: number): k8s.PodSpec {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'app',
        image: 'registry.example.com/tools/echo:1.2.3',
        ports: [{ name: 'http', containerPort: port }],
        resources: {
          requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('64Mi') },
          limits: { cpu: k8s.Quantity.fromString('200m'), memory: k8s.Quantity.fromString('64Mi') },
        },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      },
    ],
  };
}

/** The synth error of a stack (cdk8s validation), or a failure if it synthesizes. */
function synthError(stack: LlmStack): string {
  try {
    Testing.synth(stack);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected ${stack.node.path} to fail at synth`);
}

function thrown(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw new Error(`expected a ValidationError, got ${String(error)}`);
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

// ---------------------------------------------------------------------------------------------------
// Stack A: vLLM workers (one autoscaled, one multi-node LeaderWorkerSet) behind LiteLLM, an internal
// TEI worker, Karpenter pools with DCGM, and a Deployment of the user's that no policy mentions
// ---------------------------------------------------------------------------------------------------

function buildStackA() {
  const app = Testing.app();
  const stack = new LlmStack(app, 'llm', STACK_PROPS);
  const l4 = new GpuNodePool(stack, 'l4', { accelerator: 'L4', provisioner: KARPENTER, plumbing: { installDcgmExporter: true }, maxAccelerators: 8 });
  const p5 = new GpuNodePool(stack, 'p5', { instanceTypes: ['p5.48xlarge'], provisioner: KARPENTER, maxAccelerators: 16 });
  const llama = new LlmWorker(stack, 'llama-8b', { ...LLAMA_8B, nodePool: l4, autoscaling: { minReplicas: 1, maxReplicas: 4 } });
  const qwen = new LlmWorker(stack, 'qwen-7b', { ...QWEN_7B, nodePool: l4, replicas: 2 });
  // One replica spans two p5.48xlarge: a LeaderWorkerSet (leader and worker pod templates).
  const big = new LlmWorker(stack, 'llama-405b', { model: 'meta-llama/Llama-3.1-405B-Instruct', nodePool: p5, maxContextLength: 16384, concurrency: 8, hfTokenSecret: HF_TOKEN });
  const bge = new LlmWorker(stack, 'bge', { model: BGE_BASE_EN_V15, engine: 'tei', accelerator: 'T4', internal: true });
  const gateway = new InferenceGateway(stack, 'gateway', { backends: [llama, qwen, big], apiKeySecret: KEYS });
  new k8s.KubeDeployment(stack, 'lonely', {
    metadata: { name: 'lonely' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'lonely' } }, template: { metadata: { labels: { app: 'lonely' } }, spec: plainRestrictedPodSpec(8080) } },
  });
  return { stack, gateway, workers: { llama, qwen, big, bge } };
}

const A = buildStackA();
const objectsA = synth(A.stack);

describe('stack A: vLLM + LiteLLM + internal TEI on Karpenter pools', () => {
  it('every object validates against its upstream schema', () => {
    expectAllValid(objectsA);
  });

  it('has the expected workloads (Deployments, a LeaderWorkerSet, node agents)', () => {
    const pods = podsOf(objectsA).map((p) => p.where);
    expect(pods).toEqual(
      expect.arrayContaining([
        'Deployment/llm-llama-8b',
        'Deployment/llm-qwen-7b',
        'LeaderWorkerSet/llm-llama-405b leader',
        'LeaderWorkerSet/llm-llama-405b worker',
        'Deployment/llm-bge',
        'Deployment/llm-gateway-litellm',
        'Deployment/lonely',
        'DaemonSet/llm-l4-dcgm-exporter',
      ]),
    );
  });

  describe('Namespace and Pod Security', () => {
    const namespaces = objectsA.filter((o) => o.kind === 'Namespace');

    it('one Namespace named after the stack namespace, cluster-scoped (no metadata.namespace)', () => {
      expect(namespaces).toHaveLength(1);
      expect(namespaces[0]!.metadata!.name).toBe(NS);
      expect(namespaces[0]!.metadata!.namespace).toBeUndefined();
      expect(A.stack.namespace).toBe(NS);
    });

    it('every namespaced object of the stack lives in the stack namespace, or is a node agent in kube-system', () => {
      const elsewhere = objectsA.filter((o) => o.metadata?.namespace !== undefined && o.metadata.namespace !== NS);
      expect(elsewhere.length).toBeGreaterThan(0);
      for (const o of elsewhere) expect({ object: `${o.kind}/${o.metadata?.name}`, namespace: o.metadata?.namespace }).toEqual({ object: `${o.kind}/${o.metadata?.name}`, namespace: 'kube-system' });
      const clusterScoped = objectsA.filter((o) => o.metadata?.namespace === undefined).map((o) => o.kind);
      expect(new Set(clusterScoped)).toEqual(new Set(['Namespace', 'NodePool', 'EC2NodeClass']));
    });

    it('enforce = the strictest level that admits every pod of the namespace (computed), here restricted', () => {
      const own = podsOf(objectsA).filter((p) => p.owner.metadata?.namespace === NS);
      expect(own.length).toBeGreaterThanOrEqual(7);
      const expected = namespaceSecurityLevel(own.map((p) => p.template));
      const labels = namespaces[0]!.metadata!.labels!;
      expect(labels['pod-security.kubernetes.io/enforce']).toBe(expected);
      expect(expected).toBe('restricted');
      expect(own.map((p) => [p.where, podSecurityLevel(p.template.spec, p.template.metadata)])).toEqual(own.map((p) => [p.where, 'restricted']));
    });

    it('node agents in kube-system are Privileged and do not lower the namespace level', () => {
      const agents = podsOf(objectsA).filter((p) => p.owner.kind === 'DaemonSet');
      expect(agents.length).toBeGreaterThan(0);
      for (const agent of agents) expect(agent.owner.metadata?.namespace).toBe('kube-system');
      const dcgm = agents.find((p) => p.owner.metadata?.name === 'llm-l4-dcgm-exporter')!;
      expect(podSecurityLevel(dcgm.template.spec, dcgm.template.metadata)).toBe('privileged');
      expect(namespaces[0]!.metadata!.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
    });

    it('warn and audit at restricted, enforce-version latest', () => {
      const labels = namespaces[0]!.metadata!.labels!;
      expect(labels['pod-security.kubernetes.io/warn']).toBe('restricted');
      expect(labels['pod-security.kubernetes.io/audit']).toBe('restricted');
      expect(labels['pod-security.kubernetes.io/enforce-version']).toBe('latest');
    });
  });

  describe('common and cost-allocation labels', () => {
    const expected = { 'app.kubernetes.io/part-of': 'llm', 'app.kubernetes.io/managed-by': 'llm-constructs', ...COST_LABELS };

    it('on every object', () => {
      for (const o of objectsA) {
        expect({ object: `${o.kind}/${o.metadata?.name}`, labels: o.metadata?.labels }).toEqual({ object: `${o.kind}/${o.metadata?.name}`, labels: expect.objectContaining(expected) });
      }
    });

    it('on every pod template (Deployments, LeaderWorkerSet leader and worker, DaemonSets)', () => {
      const pods = podsOf(objectsA);
      expect(pods.length).toBeGreaterThanOrEqual(9);
      for (const pod of pods) {
        expect({ pod: pod.where, labels: pod.template.metadata?.labels }).toEqual({ pod: pod.where, labels: expect.objectContaining(expected) });
      }
    });

    it('pod labels still satisfy their workload selectors', () => {
      for (const pod of podsOf(objectsA)) {
        const selector = pod.owner.kind === 'LeaderWorkerSet' ? {} : pod.owner.spec.selector.matchLabels;
        for (const [key, value] of Object.entries(selector)) expect({ pod: pod.where, key, value: pod.template.metadata.labels[key] }).toEqual({ pod: pod.where, key, value });
      }
    });

    it('the stack exposes exactly the cost-allocation tags', () => {
      expect(A.stack.costAllocationTags).toEqual(COST_LABELS);
    });

    it('every EC2NodeClass tags its instances with them (EC2 spend is attributable)', () => {
      const classes = objectsA.filter((o) => o.kind === 'EC2NodeClass');
      expect(classes.map((c) => c.metadata?.name).sort()).toEqual(['llm-l4', 'llm-p5']);
      for (const c of classes) expect(c.spec.tags).toEqual(expect.objectContaining(COST_LABELS));
    });

    it('the DCGM exporter attributes GPU metrics to pods (pod-resources socket), scraped by a ServiceMonitor', () => {
      const daemonSet = named(objectsA, 'DaemonSet', 'llm-l4-dcgm-exporter');
      const container = daemonSet.spec.template.spec.containers[0];
      expect(container.env).toEqual(expect.arrayContaining([{ name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' }]));
      const volume = daemonSet.spec.template.spec.volumes.find((v: any) => v.hostPath?.path === '/var/lib/kubelet/pod-resources');
      expect(volume).toBeDefined();
      expect(container.volumeMounts).toEqual(expect.arrayContaining([expect.objectContaining({ name: volume.name, mountPath: '/var/lib/kubelet/pod-resources' })]));
      const service = named(objectsA, 'Service', 'llm-l4-dcgm-exporter');
      const monitor = named(objectsA, 'ServiceMonitor', 'llm-l4-dcgm-exporter');
      for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels)) expect(service.metadata!.labels![k]).toBe(v);
      for (const [k, v] of Object.entries(service.spec.selector)) expect(daemonSet.spec.template.metadata.labels[k]).toBe(v);
    });
  });

  describe('stack-wide default-deny, computed with the NetworkPolicy evaluator', () => {
    const policies = withNamespace(objectsA, NS).filter((o) => o.kind === 'NetworkPolicy');
    let ip = 10;
    const podIp = () => `10.244.0.${++ip}`;
    const endpointOf = (pod: Pod, extra: Record<string, string> = {}): PodEndpoint => ({
      kind: 'pod',
      namespace: pod.owner.metadata!.namespace!,
      labels: { ...pod.template.metadata.labels, ...extra },
      ip: podIp(),
      ports: pod.template.spec.containers.flatMap((c: any) => c.ports ?? []),
    });
    const other = (namespace: string, labels: Record<string, string>): PodEndpoint => ({ kind: 'pod', namespace, labels, ip: podIp() });
    const pods = podsOf(objectsA).filter((p) => p.owner.metadata?.namespace === NS);
    const podNamed = (where: string) =>
      pods.find((p) => p.where === where) ??
      (() => {
        throw new Error(`no pod ${where}`);
      })();

    /** The gateway's pods: those behind the Service that gateway.url names. */
    const gatewayService = new URL(A.gateway.url!).hostname.split('.')[0]!;
    const gatewayPod = pods.find(
      (p) => p.owner.kind === 'Deployment' && Object.entries(named(objectsA, 'Service', gatewayService).spec.selector).every(([k, v]) => p.template.metadata.labels[k] === v),
    )!;

    const candidates: Array<{ id: string; endpoint: Endpoint }> = [
      { id: 'gateway', endpoint: endpointOf(gatewayPod) },
      { id: 'worker:llama-8b', endpoint: endpointOf(podNamed('Deployment/llm-llama-8b')) },
      { id: 'worker:qwen-7b', endpoint: endpointOf(podNamed('Deployment/llm-qwen-7b')) },
      { id: 'worker:llama-405b/leader', endpoint: endpointOf(podNamed('LeaderWorkerSet/llm-llama-405b leader'), { [LWS_INDEX]: '0' }) },
      { id: 'worker:llama-405b/worker', endpoint: endpointOf(podNamed('LeaderWorkerSet/llm-llama-405b worker'), { [LWS_INDEX]: '1' }) },
      { id: 'worker:bge', endpoint: endpointOf(podNamed('Deployment/llm-bge')) },
      { id: 'lonely', endpoint: endpointOf(podNamed('Deployment/lonely')) },
      { id: 'random-pod', endpoint: other(NS, { app: 'random' }) },
      { id: 'monitoring', endpoint: other('monitoring', { 'app.kubernetes.io/name': 'prometheus' }) },
      { id: 'ingress-nginx', endpoint: other('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }) },
      { id: 'other-namespace', endpoint: other('team-b', { app: 'client' }) },
      { id: 'external', endpoint: { kind: 'external', ip: '203.0.113.7' } },
    ];
    const byId = (id: string) => candidates.find((c) => c.id === id)!.endpoint as PodEndpoint;
    const reach = (target: PodEndpoint, port: number): string[] => {
      const allowed = new Set(
        allowedSources(
          policies,
          target,
          port,
          candidates.map((c) => c.endpoint),
        ),
      );
      return candidates
        .filter((c) => allowed.has(c.endpoint))
        .map((c) => c.id)
        .sort();
    };
    const containerPort = (endpoint: PodEndpoint, name: string): number => {
      const port = endpoint.ports?.find((p) => p.name === name);
      if (!port) throw new Error(`no container port named ${name}`);
      return port.containerPort;
    };
    /** The port Prometheus scrapes: the PodMonitor's named port, resolved on the pod. */
    const metricsPort = (worker: LlmWorker, endpoint: PodEndpoint): number => containerPort(endpoint, named(objectsA, 'PodMonitor', worker.serviceName).spec.podMetricsEndpoints[0].port);
    const namespacePods = candidates
      .filter((c) => c.endpoint.kind === 'pod' && c.endpoint.namespace === NS)
      .map((c) => c.id)
      .sort();

    it('the stack namespace has a default-deny ingress policy selecting every pod', () => {
      const denyAll = policies.filter((p) => Object.keys(p.spec.podSelector).length === 0 && (p.spec.ingress ?? []).length === 0);
      expect(denyAll).toHaveLength(1);
      expect(denyAll[0]!.spec.policyTypes).toEqual(['Ingress']);
    });

    it.each([
      ['llama-8b', 'worker:llama-8b'],
      ['qwen-7b', 'worker:qwen-7b'],
    ] as const)('%s, behind the gateway: only the gateway (and monitoring where metrics share the port)', (key, id) => {
      const worker = A.workers[key === 'llama-8b' ? 'llama' : 'qwen'];
      const pod = byId(id);
      const http = containerPort(pod, 'http');
      const metrics = metricsPort(worker, pod);
      expect(reach(pod, http)).toEqual(metrics === http ? ['gateway', 'monitoring'] : ['gateway']);
      if (metrics !== http) expect(reach(pod, metrics)).toEqual(['monitoring']);
      // Any other port: nobody.
      expect(reach(pod, 6379)).toEqual([]);
    });

    it('the multi-node worker, behind the gateway: the gateway, monitoring, and its own group (Ray, NCCL) only', () => {
      for (const id of ['worker:llama-405b/leader', 'worker:llama-405b/worker']) {
        const pod = byId(id);
        const http = containerPort(byId('worker:llama-405b/leader'), 'http');
        const metrics = metricsPort(A.workers.big, byId('worker:llama-405b/leader'));
        expect(metrics).toBe(http);
        expect({ id, allowed: reach(pod, http) }).toEqual({ id, allowed: ['gateway', 'monitoring', 'worker:llama-405b/leader', 'worker:llama-405b/worker'] });
        expect({ id, allowed: reach(pod, 6379) }).toEqual({ id, allowed: ['worker:llama-405b/leader', 'worker:llama-405b/worker'] });
      }
    });

    it('the internal worker: from every pod of the namespace, from nothing outside it', () => {
      const pod = byId('worker:bge');
      expect(A.workers.bge.gateways).toEqual([]);
      const http = containerPort(pod, 'http');
      expect(reach(pod, http)).toEqual(namespacePods);
      expect(namespacePods).toEqual(expect.arrayContaining(['gateway', 'lonely', 'random-pod', 'worker:llama-8b']));
      for (const id of ['monitoring', 'ingress-nginx', 'other-namespace', 'external']) expect(reach(pod, http)).not.toContain(id);
    });

    // No gateway opens an internal worker's metrics port: the worker does, for the monitoring peer only
    // (under the stack's default-deny, Prometheus and so a queue-depth autoscaler need it).
    it('the internal worker: monitoring can scrape its metrics port', () => {
      const pod = byId('worker:bge');
      expect(reach(pod, metricsPort(A.workers.bge, pod))).toContain('monitoring');
    });

    it('a pod of the stack that no allow policy mentions is unreachable, on any port', () => {
      const pod = byId('lonely');
      for (const port of [8080, 80, 443, 4000, 8000]) expect({ port, allowed: reach(pod, port) }).toEqual({ port, allowed: [] });
      expect(reach(byId('random-pod'), 8080)).toEqual([]);
    });
  });

  describe('summary()', () => {
    const summary = A.stack.summary();
    const model = (worker: LlmWorker) => {
      const found = summary.models.find((m) => m.worker === worker.node.path);
      if (!found) throw new Error(`no summary line for ${worker.node.path}`);
      return found;
    };

    it('one line per worker, named by its construct path, served name and model', () => {
      expect(summary.models.map((m) => m.worker).sort()).toEqual(['llm/bge', 'llm/llama-405b', 'llm/llama-8b', 'llm/qwen-7b']);
      for (const worker of A.stack.workers) {
        expect(model(worker)).toEqual(expect.objectContaining({ servedName: worker.modelName, model: worker.plan.model.id, engine: worker.plan.engine }));
      }
    });

    it('the autoscaled vLLM worker: 1 x L4, 1..4 replicas on g6.xlarge, $/h = facts price x replicas', () => {
      const line = model(A.workers.llama);
      const price = priceOf('g6.xlarge');
      expect(price).toBe(0.8048);
      expect(line).toEqual({
        worker: 'llm/llama-8b',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        servedName: 'llama-3.1-8b-instruct',
        engine: 'vllm',
        acceleratorsPerReplica: '1 x L4',
        instanceType: 'g6.xlarge',
        minReplicas: 1,
        maxReplicas: 4,
        hourlyCostUsd: { min: expect.closeTo(price * 1, 4), max: expect.closeTo(price * 4, 4) },
      });
    });

    it('the multi-node worker: 16 x H100 per replica over two p5.48xlarge', () => {
      const line = model(A.workers.big);
      expect(line.acceleratorsPerReplica).toBe('16 x H100-SXM5-80GB');
      expect(line.instanceType).toBe('p5.48xlarge');
      expect(A.workers.big.plan.nodesPerReplica).toBe(2);
      expect([line.minReplicas, line.maxReplicas]).toEqual([1, 1]);
      expect(line.hourlyCostUsd!.min).toBeCloseTo(2 * priceOf('p5.48xlarge'), 4);
    });

    it('every line: engine, accelerators, replicas and $/h min..max = per-replica cost (facts) x min/max replicas', () => {
      for (const worker of A.stack.workers) {
        const line = model(worker);
        const perReplica = priceOf(line.instanceType!) * worker.plan.nodesPerReplica;
        expect(worker.plan.hourlyCostUsd).toBeCloseTo(perReplica, 4);
        expect(line.acceleratorsPerReplica).toBe(`${worker.plan.acceleratorsPerReplica} x ${worker.plan.accelerator.id}`);
        expect([line.minReplicas, line.maxReplicas]).toEqual([worker.minReplicas, worker.maxReplicas]);
        expect(line.hourlyCostUsd!.min).toBeCloseTo(perReplica * worker.minReplicas, 4);
        expect(line.hourlyCostUsd!.max).toBeCloseTo(perReplica * worker.maxReplicas, 4);
      }
      expect([model(A.workers.qwen).minReplicas, model(A.workers.qwen).maxReplicas]).toEqual([2, 2]);
    });

    it('totals are the sums over the models; nothing unpriced', () => {
      const sum = (pick: (m: (typeof summary.models)[number]) => number) => summary.models.reduce((s, m) => s + pick(m), 0);
      expect(summary.unpriced).toEqual([]);
      expect(summary.hourlyCostUsd.min).toBeCloseTo(
        sum((m) => m.hourlyCostUsd!.min),
        4,
      );
      expect(summary.hourlyCostUsd.max).toBeCloseTo(
        sum((m) => m.hourlyCostUsd!.max),
        4,
      );
      const fromFacts = A.stack.workers.map((w) => priceOf(w.plan.instanceType!.name) * w.plan.nodesPerReplica);
      expect(summary.hourlyCostUsd.min).toBeCloseTo(
        A.stack.workers.reduce((s, w, i) => s + fromFacts[i]! * w.minReplicas, 0),
        4,
      );
      expect(summary.hourlyCostUsd.max).toBeCloseTo(
        A.stack.workers.reduce((s, w, i) => s + fromFacts[i]! * w.maxReplicas, 0),
        4,
      );
    });

    it('formatSummary shows each model, its replicas and $/h, and the totals', () => {
      const text = A.stack.formatSummary();
      expect(text).toContain(`LlmStack llm (namespace ${NS})`);
      const row = text.split('\n').find((l) => l.startsWith('llama-3.1-8b-instruct '))!;
      const llama = model(A.workers.llama).hourlyCostUsd!;
      expect(row).toMatch(/\bvllm\b.*1 x L4.*\b1\.\.4\b.*g6\.xlarge/);
      expect(row).toContain(`$${llama.min.toFixed(2)}..$${llama.max.toFixed(2)}`);
      expect(text).toContain(`total: $${summary.hourlyCostUsd.min.toFixed(2)}..$${summary.hourlyCostUsd.max.toFixed(2)} per hour`);
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Pod Security levels of other stacks
// ---------------------------------------------------------------------------------------------------

describe('Pod Security level follows the pods of the namespace', () => {
  function enforced(objects: Obj[]): string {
    return named(objects, 'Namespace', NS).metadata!.labels!['pod-security.kubernetes.io/enforce']!;
  }
  function computed(objects: Obj[]): string {
    return namespaceSecurityLevel(podsOf(objects.filter((o) => o.metadata?.namespace === NS)).map((p) => p.template));
  }

  it('a TGI worker (runs as root) lowers the namespace to baseline; its pod is the only Baseline one', () => {
    const app = Testing.app();
    const stack = new LlmStack(app, 'llm', { namespace: NS });
    const tgi = new LlmWorker(stack, 'mistral', MISTRAL_TGI);
    const vllm = new LlmWorker(stack, 'llama', { ...LLAMA_8B, accelerator: 'L4' });
    new InferenceGateway(stack, 'gateway', { backends: [tgi, vllm], apiKeySecret: KEYS });
    const objects = synth(stack);
    expectAllValid(objects);
    expect(enforced(objects)).toBe(computed(objects));
    expect(enforced(objects)).toBe('baseline');
    const levels = podsOf(objects).map((p) => [p.where, podSecurityLevel(p.template.spec, p.template.metadata)]);
    expect(levels).toEqual(
      expect.arrayContaining([
        ['Deployment/llm-mistral', 'baseline'],
        ['Deployment/llm-llama', 'restricted'],
        ['Deployment/llm-gateway-litellm', 'restricted'],
      ]),
    );
    expect(levels.filter(([, level]) => level !== 'restricted')).toEqual([['Deployment/llm-mistral', 'baseline']]);
    const labels = named(objects, 'Namespace', NS).metadata!.labels!;
    expect([labels['pod-security.kubernetes.io/warn'], labels['pod-security.kubernetes.io/audit']]).toEqual(['restricted', 'restricted']);
  });

  it('node agents placed IN the stack namespace count: host-path plumbing there makes it privileged', () => {
    const app = Testing.app();
    const stack = new LlmStack(app, 'llm', { namespace: NS });
    const pool = new GpuNodePool(stack, 'dc', { accelerator: 'A100-40GB', provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 }, plumbing: { installDevicePlugin: true, namespace: NS } });
    new LlmWorker(stack, 'llama', { ...LLAMA_8B, nodePool: pool, internal: true });
    const objects = synth(stack);
    expectAllValid(objects);
    expect(objects.filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata?.namespace)).toEqual(expect.arrayContaining([NS]));
    expect(enforced(objects)).toBe(computed(objects));
    expect(enforced(objects)).toBe('privileged');
  });

  it('a stack without pods is restricted', () => {
    const app = Testing.app();
    const objects = synth(new LlmStack(app, 'empty', { namespace: 'empty' }));
    expect(named(objects, 'Namespace', 'empty').metadata!.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

// ---------------------------------------------------------------------------------------------------
// Whole-tree checks at synth: errors name the constructs by path
// ---------------------------------------------------------------------------------------------------

describe('whole-tree checks at synth', () => {
  function fresh(): LlmStack {
    return new LlmStack(Testing.app(), 'llm', { namespace: NS });
  }

  it('a duplicate served model name on two different gateways names both workers', () => {
    const stack = fresh();
    const teamA = new Construct(stack, 'team-a');
    const a = new LlmWorker(teamA, 'chat', { ...LLAMA_8B, accelerator: 'L4', servedModelName: 'chat' });
    const b = new LlmWorker(stack, 'chat-qwen', { ...QWEN_7B, accelerator: 'L4', servedModelName: 'chat' });
    new InferenceGateway(stack, 'gw-a', { backends: [a], apiKeySecret: KEYS });
    new InferenceGateway(stack, 'gw-b', { backends: [b], apiKeySecret: KEYS });
    const message = synthError(stack);
    expect(message).toContain("served model name 'chat'");
    expect(message).toContain('llm/team-a/chat');
    expect(message).toContain('llm/chat-qwen');
  });

  it('a duplicate served model name between an internal worker and a gateway worker names both', () => {
    const stack = fresh();
    const a = new LlmWorker(stack, 'public', { ...LLAMA_8B, accelerator: 'L4' });
    new LlmWorker(stack, 'private', { ...LLAMA_8B, accelerator: 'L4', internal: true });
    new InferenceGateway(stack, 'gateway', { backends: [a], apiKeySecret: KEYS });
    const message = synthError(stack);
    expect(message).toContain("served model name 'llama-3.1-8b-instruct'");
    expect(message).toContain('llm/public');
    expect(message).toContain('llm/private');
  });

  it('two workers claiming the same Service name are both named', () => {
    const stack = fresh();
    const apps = new Construct(stack, 'apps');
    new LlmWorker(apps, 'llama', { ...LLAMA_8B, accelerator: 'L4', name: 'chat', internal: true });
    new LlmWorker(stack, 'qwen', { ...QWEN_7B, accelerator: 'L4', name: 'chat', internal: true });
    const message = synthError(stack);
    expect(message).toContain("Service name 'chat'");
    expect(message).toContain('llm/apps/llama');
    expect(message).toContain('llm/qwen');
    expect(message).not.toContain('served model name');
  });

  it('workers behind no gateway and not internal are named', () => {
    const stack = fresh();
    const apps = new Construct(stack, 'apps');
    new LlmWorker(apps, 'orphan', { ...LLAMA_8B, accelerator: 'L4' });
    new LlmWorker(stack, 'stray', { ...QWEN_7B, accelerator: 'L4' });
    const served = new LlmWorker(stack, 'served', { ...MISTRAL_TGI });
    new InferenceGateway(stack, 'gateway', { backends: [served], apiKeySecret: KEYS });
    const message = synthError(stack);
    expect(message).toMatch(/behind no InferenceGateway and not internal/);
    expect(message).toContain('llm/apps/orphan');
    expect(message).toContain('llm/stray');
    expect(message).not.toContain('llm/served');
  });

  it('the same workers, internal or behind a gateway, synthesize', () => {
    const stack = fresh();
    new LlmWorker(new Construct(stack, 'apps'), 'orphan', { ...LLAMA_8B, accelerator: 'L4', internal: true });
    const stray = new LlmWorker(stack, 'stray', { ...QWEN_7B, accelerator: 'L4' });
    new InferenceGateway(stack, 'gateway', { backends: [stray], apiKeySecret: KEYS });
    expectAllValid(synth(stack));
  });

  describe('a pool over capacity', () => {
    function overCapacity(): LlmStack {
      const stack = fresh();
      const pool = new GpuNodePool(new Construct(stack, 'infra'), 'gpu', { accelerator: 'L4', provisioner: KARPENTER, maxAccelerators: 2 });
      const apps = new Construct(stack, 'apps');
      const llama = new LlmWorker(apps, 'llama', { ...LLAMA_8B, nodePool: pool, replicas: 2 });
      const qwen = new LlmWorker(stack, 'qwen', { ...QWEN_7B, nodePool: pool, autoscaling: { minReplicas: 1, maxReplicas: 3 } });
      new InferenceGateway(stack, 'gateway', { backends: [llama, qwen], apiKeySecret: KEYS });
      return stack;
    }

    it('is an error naming the pool by path and the claiming workers', () => {
      const message = synthError(overCapacity());
      expect(message).toContain('over capacity');
      // cdk8s prefixes each validation error with the path of the construct that reported it: the pool.
      expect(message).toContain('[llm/infra/gpu]');
      expect(message).toContain('claim 5 accelerators');
      expect(message).toContain('LlmWorker llm/apps/llama: 2 x 1');
      expect(message).toContain('LlmWorker llm/qwen: 3 x 1');
    });

    // Workers are named by construct path, which tells apart two workers with the same id.
    it('names the claiming workers by construct path', () => {
      const message = synthError(overCapacity());
      expect(message).toContain('llm/apps/llama');
      expect(message).toContain('llm/qwen');
    });
  });
});

// ---------------------------------------------------------------------------------------------------
// Invalid stack props
// ---------------------------------------------------------------------------------------------------

describe('invalid stack props are ValidationErrors with the field and working suggestions', () => {
  const app = Testing.app();
  let n = 0;
  const stack = (props: unknown) => new LlmStack(app, `s${++n}`, props as any);

  it.each([
    ['missing props', 'props', undefined],
    ['missing namespace', 'namespace', {}],
    ['a non-string namespace', 'namespace', { namespace: 42 }],
  ])('%s -> field %s, suggests a namespace', (_name, field, props) => {
    const error = thrown(() => stack(props));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/namespace/);
    expect(error.suggestions).toEqual(["{ namespace: 'llm' }"]);
    expect(() => stack({ namespace: 'llm' })).not.toThrow();
  });

  it.each([
    ['LLM', 'llm'],
    ['llm_prod', 'llm-prod'],
    ['-llm', 'llm'],
  ])('invalid namespace %s -> field namespace, suggests %s', (namespace, suggested) => {
    const error = thrown(() => stack({ namespace }));
    expect(error.field).toBe('namespace');
    expect(error.message).toContain(namespace);
    expect(error.suggestions).toContain(`namespace: '${suggested}'`);
    expect(() => stack({ namespace: suggested })).not.toThrow();
  });

  it('a namespace longer than 63 characters', () => {
    const error = thrown(() => stack({ namespace: 'a'.repeat(64) }));
    expect(error.field).toBe('namespace');
  });

  it.each<[string, Record<string, unknown>, string, string, string, Record<string, unknown>]>([
    ['team', { team: 'ML Platform' }, 'ML Platform', 'team', "team: 'ML-Platform'", { team: 'ML-Platform' }],
    ['costCenter', { costCenter: 'cc#4242' }, 'cc#4242', 'costCenter', "costCenter: 'cc-4242'", { costCenter: 'cc-4242' }],
    ['labels', { labels: { project: 'search!' } }, 'search!', 'labels.project', "labels: { 'project': 'search' }", { labels: { project: 'search' } }],
    ['labels (leading dash)', { labels: { project: '-search' } }, '-search', 'labels.project', "labels: { 'project': 'search' }", { labels: { project: 'search' } }],
  ])('an invalid %s value -> its field, and a suggestion that is accepted', (_name, props, bad, field, suggestion, fixed) => {
    const error = thrown(() => stack({ namespace: NS, ...props }));
    expect(error.field).toBe(field);
    expect(error.message).toContain(JSON.stringify(bad));
    expect(error.suggestions).toEqual([suggestion]);
    expect(() => stack({ namespace: NS, ...fixed })).not.toThrow();
  });

  it('the suggested team value is accepted and becomes the cost label', () => {
    const ok = stack({ namespace: NS, team: 'ML-Platform' });
    expect(ok.costAllocationTags).toEqual({ team: 'ML-Platform' });
  });

  it('a label value longer than 63 characters', () => {
    const error = thrown(() => stack({ namespace: NS, team: 'a'.repeat(64) }));
    expect(error.field).toBe('team');
  });

  it('labels that are not an object of key: value', () => {
    const error = thrown(() => stack({ namespace: NS, labels: 'project=search' }));
    expect(error.field).toBe('labels');
    expect(error.suggestions.length).toBeGreaterThan(0);
  });

  it('an invalid label key', () => {
    const error = thrown(() => stack({ namespace: NS, labels: { 'cost center': 'x' } }));
    expect(error.field).toBe('labels.cost center');
    expect(error.suggestions).toEqual(["labels: { 'cost-center': 'x' }"]);
    expect(() => stack({ namespace: NS, labels: { 'cost-center': 'x' } })).not.toThrow();
  });

  it.each(['app.kubernetes.io/part-of', 'kubernetes.io/team', 'llm-constructs.io/pool'])('a label key with a reserved prefix: %s', (key) => {
    const error = thrown(() => stack({ namespace: NS, labels: { [key]: 'x' } }));
    expect(error.field).toBe(`labels.${key}`);
    expect(error.suggestions.length).toBeGreaterThan(0);
  });

  it('a prefixed label key of your own is accepted', () => {
    expect(stack({ namespace: NS, labels: { 'example.com/project': 'search' } }).costAllocationTags).toEqual({ 'example.com/project': 'search' });
  });
});

// ---------------------------------------------------------------------------------------------------
// On-prem workers: listed, unpriced, not in the totals
// ---------------------------------------------------------------------------------------------------

describe('summary() with an on-prem worker', () => {
  const app = Testing.app();
  const stack = new LlmStack(app, 'mixed', { namespace: 'mixed' });
  const dc = new GpuNodePool(stack, 'dc', { accelerator: 'A100-40GB', provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 } });
  const onPrem = new LlmWorker(stack, 'llama-70b', { model: 'meta-llama/Llama-3.1-70B-Instruct', nodePool: dc, maxContextLength: 8192, concurrency: 16, hfTokenSecret: HF_TOKEN, replicas: 2 });
  const cloud = new LlmWorker(stack, 'llama-8b', { ...LLAMA_8B, accelerator: 'L4', autoscaling: { minReplicas: 1, maxReplicas: 4 } });
  new InferenceGateway(stack, 'gateway', { backends: [onPrem, cloud], apiKeySecret: KEYS });
  const summary = stack.summary();

  it('synthesizes valid objects', () => {
    expectAllValid(synth(stack));
  });

  it('the on-prem worker is listed without instance type or price, and counted as unpriced', () => {
    const line = summary.models.find((m) => m.worker === 'mixed/llama-70b')!;
    expect(line).toEqual(expect.objectContaining({ engine: onPrem.plan.engine, acceleratorsPerReplica: `${onPrem.plan.acceleratorsPerReplica} x A100-SXM4-40GB`, minReplicas: 2, maxReplicas: 2 }));
    expect(line.instanceType).toBeUndefined();
    expect(line.hourlyCostUsd).toBeUndefined();
    expect(summary.unpriced).toEqual(['mixed/llama-70b']);
  });

  it('totals are the priced workers only', () => {
    const line = summary.models.find((m) => m.worker === 'mixed/llama-8b')!;
    const perReplica = priceOf(cloud.plan.instanceType!.name) * cloud.plan.nodesPerReplica;
    expect(line.hourlyCostUsd!.min).toBeCloseTo(perReplica, 4);
    expect(line.hourlyCostUsd!.max).toBeCloseTo(4 * perReplica, 4);
    expect(summary.hourlyCostUsd.min).toBeCloseTo(perReplica, 4);
    expect(summary.hourlyCostUsd.max).toBeCloseTo(4 * perReplica, 4);
  });

  it('the table says on-prem and counts it as unpriced', () => {
    const text = stack.formatSummary();
    const row = text.split('\n').find((l) => l.startsWith(`${onPrem.modelName} `))!;
    expect(row).toContain('on-prem');
    expect(row.trim().endsWith('-')).toBe(true);
    expect(text).toContain('(+ 1 unpriced)');
  });
});

// ---------------------------------------------------------------------------------------------------
// The examples app prints the cost summary (npm run synth)
// ---------------------------------------------------------------------------------------------------

describe('the examples app (npm run synth) writes the cost summary', () => {
  it('dist/cost-summary.txt lists every served model of examples/stack.ts, and totals equal summary()', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-stack-synth-'));
    try {
      const result = spawnSync('npx', ['tsx', 'examples/main.ts'], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: outdir }, encoding: 'utf8', timeout: 240_000 });
      expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
      const text = fs.readFileSync(path.join(outdir, 'cost-summary.txt'), 'utf8');
      expect(fs.existsSync(path.join(outdir, 'llm.k8s.yaml'))).toBe(true);

      const reference = eksStackExample(new App());
      const summary = reference.summary();
      const title = `LlmStack ${reference.node.id} (namespace ${reference.namespace})`;
      const start = text.indexOf(title);
      expect(start).toBeGreaterThanOrEqual(0);
      const block = text.slice(start).split('\n\n')[0]!;
      const lines = block.split('\n');
      expect(summary.models.length).toBeGreaterThanOrEqual(2);
      for (const m of summary.models) {
        const row = lines.find((l) => l.startsWith(`${m.servedName} `));
        expect({ model: m.servedName, row: row !== undefined }).toEqual({ model: m.servedName, row: true });
        const range = m.hourlyCostUsd!.min === m.hourlyCostUsd!.max ? `$${m.hourlyCostUsd!.max.toFixed(2)}` : `$${m.hourlyCostUsd!.min.toFixed(2)}..$${m.hourlyCostUsd!.max.toFixed(2)}`;
        expect(row).toContain(range);
        expect(row).toContain(m.instanceType!);
      }
      const total = lines.find((l) => l.startsWith('total: '));
      const match = /^total: \$(\d+\.\d{2})\.\.\$(\d+\.\d{2}) per hour/.exec(total ?? '');
      expect(match).not.toBeNull();
      expect(Number(match![1])).toBeCloseTo(summary.hourlyCostUsd.min, 2);
      expect(Number(match![2])).toBeCloseTo(summary.hourlyCostUsd.max, 2);
      // Replicas packed onto nodes (issue 14) never cost more than per-replica plan cost x replicas, and
      // the models' shares add up to the total.
      const fromPlans = (pick: (w: LlmWorker) => number) => reference.workers.reduce((s, w) => s + w.plan.hourlyCostUsd! * pick(w), 0);
      expect(summary.hourlyCostUsd.min).toBeLessThanOrEqual(fromPlans((w) => w.minReplicas) + 1e-6);
      expect(summary.hourlyCostUsd.max).toBeLessThanOrEqual(fromPlans((w) => w.maxReplicas) + 1e-6);
      const shares = summary.models.reduce((s, m) => s + (m.hourlyCostUsd?.max ?? 0), 0);
      expect(shares).toBeCloseTo(summary.hourlyCostUsd.max, 2);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 300_000);
});
