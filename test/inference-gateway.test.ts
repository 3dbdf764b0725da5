/**
 * InferenceGateway (issue 5), synthesized in memory from real LlmWorkers in charts with a namespace.
 * Every check follows the synthesized objects, not the construct's internals: URLs are parsed and
 * resolved to Services of the same chart, Services to the Deployments whose pods they select, and who may
 * reach whom is COMPUTED from the NetworkPolicy objects with the evaluator in ./support/network-policy.ts.
 */
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { InferenceGateway, LlmWorker, type InferenceGatewayProps, type LlmWorkerProps } from '../lib';
import { fastChatOnPremExample, liteLlmExample } from '../examples/gateways';
import { BGE_BASE_EN_V15 } from '../examples/workers';
import { allowedSources, withNamespace, type Endpoint, type PodEndpoint } from './support/network-policy';
import { validateObject, validateWithEsmModels, type K8sObject } from './support/schemas';
import { thrownValidationError as thrown } from './support/thrown';

type Obj = K8sObject & { spec?: any; data?: Record<string, string>; [key: string]: any };

const NS = 'llm';
const KEYS = { name: 'llm-api-keys', key: 'master-key' };
const HF_TOKEN = { name: 'hf-token', key: 'token' };
const FASTCHAT_IMAGE = 'registry.example.com/ml/fastchat-vllm:0.2.36-vllm0.6.2';
const MODEL_HEADER = 'X-Gateway-Model-Name';

// ---------------------------------------------------------------------------------------------------
// Workers and charts
// ---------------------------------------------------------------------------------------------------

type WorkerKind = 'vllm' | 'tgi' | 'tei' | 'llama-cpp' | 'fastchat-mixtral' | 'fastchat-llama' | 'vllm-multi-node';

const WORKERS: Record<WorkerKind, LlmWorkerProps> = {
  vllm: { model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4', concurrency: 8, maxContextLength: 8192, hfTokenSecret: HF_TOKEN },
  tgi: { model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi', accelerator: 'A10G', maxContextLength: 8192, concurrency: 4, hfTokenSecret: HF_TOKEN },
  tei: { model: BGE_BASE_EN_V15, engine: 'tei', accelerator: 'T4' },
  'llama-cpp': {
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    engine: 'llama-cpp',
    quantization: 'gguf-q4_k_m',
    ggufRepo: 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF',
    ggufFile: 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf',
    accelerator: 'L4',
    concurrency: 4,
    // Same hub model as the vLLM worker: a distinct served name.
    servedModelName: 'llama-3.1-8b-instruct-q4',
  },
  'fastchat-mixtral': {
    model: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
    engine: 'fastchat-vllm',
    image: FASTCHAT_IMAGE,
    accelerator: 'A100-80GB',
    tensorParallel: 2,
    maxContextLength: 8192,
    concurrency: 8,
    hfTokenSecret: HF_TOKEN,
  },
  // One replica spans two p5.48xlarge nodes: a LeaderWorkerSet (Ray head + Ray worker pods).
  'vllm-multi-node': { model: 'meta-llama/Llama-3.1-405B-Instruct', instanceType: 'p5.48xlarge', maxContextLength: 16384, concurrency: 8, hfTokenSecret: HF_TOKEN },
  'fastchat-llama': {
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    engine: 'fastchat-vllm',
    image: FASTCHAT_IMAGE,
    accelerator: 'A100-80GB',
    maxContextLength: 8192,
    concurrency: 16,
    hfTokenSecret: HF_TOKEN,
  },
};

interface Built {
  readonly chart: Chart;
  readonly gateway: InferenceGateway;
  readonly workers: Record<string, LlmWorker>;
}

let chartCount = 0;

/** A fresh app and chart (namespace llm) with the named workers and a gateway over them. */
function build(kinds: readonly WorkerKind[], props: Partial<InferenceGatewayProps> = {}, chartId = `c${++chartCount}`): Built {
  const app = Testing.app();
  const chart = new Chart(app, chartId, { namespace: NS });
  const workers = Object.fromEntries(kinds.map((kind) => [kind, new LlmWorker(chart, kind, WORKERS[kind])]));
  const gateway = new InferenceGateway(chart, 'gateway', { backends: Object.values(workers), apiKeySecret: KEYS, ...props });
  return { chart, gateway, workers };
}

function synth(chart: Chart): Obj[] {
  return Testing.synth(chart) as Obj[];
}

/** Runs `fn` with console.warn captured (expected warnings, e.g. allowUnauthenticated); returns what was warned. */
function capturingWarnings<T>(fn: () => T): { result: T; warnings: string } {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const result = fn();
    return { result, warnings: warn.mock.calls.map((args) => args.join(' ')).join('\n') };
  } finally {
    warn.mockRestore();
  }
}

function fastChatProps(props: Partial<InferenceGatewayProps> = {}): Partial<InferenceGatewayProps> {
  return { implementation: { type: 'fastchat', image: FASTCHAT_IMAGE }, ...props };
}

// ---------------------------------------------------------------------------------------------------
// Resolving names, URLs and selectors in the synthesized output
// ---------------------------------------------------------------------------------------------------

function named(objects: Obj[], kind: string, name: string): Obj {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}/${name}, found ${found.length}`);
  return found[0]!;
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** Pod templates of every workload (Deployments; LeaderWorkerSet leader and worker templates). */
function podTemplates(objects: Obj[]): Array<{ owner: Obj; template: any }> {
  return objects.flatMap((o) => {
    if (o.kind === 'Deployment') return [{ owner: o, template: o.spec.template }];
    if (o.kind === 'LeaderWorkerSet') {
      const t = o.spec.leaderWorkerTemplate;
      return [
        { owner: o, template: t.leaderTemplate },
        { owner: o, template: t.workerTemplate },
      ];
    }
    return [];
  });
}

function allContainers(objects: Obj[]): Array<{ owner: Obj; container: any }> {
  return podTemplates(objects).flatMap(({ owner, template }) => [...(template.spec.initContainers ?? []), ...template.spec.containers].map((container: any) => ({ owner, container })));
}

/** The only Deployment whose pod template `selector` matches. */
function deploymentSelectedBy(objects: Obj[], selector: Record<string, string>): Obj {
  const matching = podTemplates(objects).filter(({ template }) => selects(selector, template.metadata?.labels));
  expect(matching.map(({ owner }) => `${owner.kind}/${owner.metadata?.name}`)).toHaveLength(1);
  expect(matching[0]!.owner.kind).toBe('Deployment');
  return matching[0]!.owner;
}

/**
 * The Service an in-cluster URL names (`http://<svc>.<ns>.svc.cluster.local:<port>`): it exists in the
 * output, in that namespace, with that port; plus the Deployment it selects and the container port the
 * Service port targets.
 */
function resolveUrl(objects: Obj[], url: string): { service: Obj; port: number; deployment: Obj; containerPort: number; parsed: URL } {
  const parsed = new URL(url);
  expect(parsed.protocol).toBe('http:');
  const [name, namespace, ...rest] = parsed.hostname.split('.');
  expect(rest).toEqual(['svc', 'cluster', 'local']);
  const service = named(objects, 'Service', name!);
  expect(service.metadata?.namespace).toBe(namespace);
  expect(namespace).toBe(NS);
  const port = Number(parsed.port || '80');
  const servicePort = service.spec.ports.find((p: any) => p.port === port);
  expect(servicePort).toBeDefined();
  const deployment = deploymentSelectedBy(objects, service.spec.selector);
  return { service, port, deployment, containerPort: targetContainerPort(deployment, servicePort.targetPort ?? port), parsed };
}

/** The container port a Service targetPort (name or number) resolves to in `deployment`'s pods. */
function targetContainerPort(deployment: Obj, targetPort: string | number): number {
  const ports = deployment.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []);
  const found = ports.find((p: any) => p.name === targetPort || p.containerPort === targetPort);
  expect(found).toBeDefined();
  return found.containerPort;
}

function containerPortNamed(deployment: Obj, name: string): number {
  return targetContainerPort(deployment, name);
}

function argAfter(container: any, flag: string): string | undefined {
  const args: string[] = container.args ?? [];
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The worker's Service and Deployment, as emitted (by the worker's Service name). */
function workerObjects(objects: Obj[], worker: LlmWorker): { service: Obj; deployment: Obj; httpPort: number; servicePort: number } {
  const service = named(objects, 'Service', worker.serviceName);
  expect(service.metadata?.namespace).toBe(NS);
  const deployment = deploymentSelectedBy(objects, service.spec.selector);
  const http = service.spec.ports.find((p: any) => p.name === 'http');
  expect(http).toBeDefined();
  return { service, deployment, httpPort: targetContainerPort(deployment, http.targetPort), servicePort: http.port };
}

// ---------------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------------

/** Every object against its upstream schema (validateObject; CRD schemas vendored in schemas/crds). */
function expectAllValid(objects: Obj[]): void {
  for (const o of objects) expect(() => validateObject(o)).not.toThrow();
  expect(validateWithEsmModels(objects)).toEqual([]);
}

// ---------------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------------

const SECRET_NAME = /key|token|secret|password/i;
/**
 * A command-line flag that carries a credential: one of its words is key(s), token, secret(s), password or
 * apikey(s) (`--api-keys`, `--hf-token`, `--api-key=...`). Unlike env names, flags are matched by whole
 * word: `--max-input-tokens 8191` is a count of tokens, not a token.
 */
const SECRET_FLAG_WORDS = /(^|[-_])(api)?(keys?|token|secrets?|password|passwd)([-_]|$)/i;

/**
 * No key or token value anywhere: every env var named like a secret is a secretKeyRef; every argument
 * after a secret-like flag, and every `$(VAR)` reference, names a secretKeyRef env of the same container;
 * no Secret object is emitted and no string looks like a key.
 */
function expectNoSecretValues(objects: Obj[]): void {
  expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  const entries = allContainers(objects);
  expect(entries.length).toBeGreaterThan(0);
  for (const { owner, container } of entries) {
    const where = `${owner.kind}/${owner.metadata?.name} ${container.name}`;
    const env: any[] = container.env ?? [];
    const secretVars = new Set(env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name as string));
    for (const e of env) {
      if (SECRET_NAME.test(e.name)) {
        expect({ where, name: e.name, value: e.value, secretKeyRef: e.valueFrom?.secretKeyRef !== undefined }).toEqual({ where, name: e.name, value: undefined, secretKeyRef: true });
      }
    }
    expect(container.envFrom ?? []).toEqual([]);
    const words: string[] = [...(container.command ?? []), ...(container.args ?? [])];
    for (const [i, word] of words.entries()) {
      // `--flag value` and `--flag=value` where the flag names a key, token, secret or password.
      const flag = /^--?([\w-]+)(?:=(.*))?$/s.exec(word);
      if (flag && SECRET_FLAG_WORDS.test(flag[1]!)) {
        const value = flag[2] ?? words[i + 1];
        const ref = /^\$\(([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(value ?? '');
        expect({ where, flag: word, value, isSecretRef: ref !== null && secretVars.has(ref[1]!) }).toEqual({ where, flag: word, value, isSecretRef: true });
      }
      // Any kubelet expansion of a secret-like variable expands a secretKeyRef env of this container.
      for (const [, name] of word.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
        if (SECRET_NAME.test(name!)) expect({ where, name, secret: secretVars.has(name!) }).toEqual({ where, name, secret: true });
      }
    }
  }
  // Nothing anywhere that looks like a key (OpenAI/LiteLLM `sk-...`, Hugging Face `hf_...`).
  const text = JSON.stringify(objects);
  expect(text).not.toMatch(/\bsk-[A-Za-z0-9_-]{8,}/);
  expect(text).not.toMatch(/\bhf_[A-Za-z0-9]{8,}/);
}

// ---------------------------------------------------------------------------------------------------
// Network policies, computed
// ---------------------------------------------------------------------------------------------------

interface Candidate {
  readonly id: string;
  readonly endpoint: Endpoint;
}

let nextIp = 10;
function podIp(): string {
  nextIp += 1;
  return `10.244.${Math.floor(nextIp / 250)}.${nextIp % 250}`;
}

function podOf(deployment: Obj): PodEndpoint {
  const template = deployment.spec.template;
  return {
    kind: 'pod',
    namespace: deployment.metadata?.namespace ?? NS,
    labels: template.metadata.labels,
    ip: podIp(),
    ports: template.spec.containers.flatMap((c: any) => c.ports ?? []),
  };
}

function otherPod(namespace: string, labels: Record<string, string>, namespaceLabels?: Record<string, string>): PodEndpoint {
  return { kind: 'pod', namespace, labels, ip: podIp(), namespaceLabels };
}

/** Everything that could try to connect, besides the stack's own pods. */
function outsiders(extraExternalIps: readonly string[] = []): Candidate[] {
  return [
    { id: 'random-pod', endpoint: otherPod(NS, { app: 'random' }) },
    { id: 'monitoring', endpoint: otherPod('monitoring', { 'app.kubernetes.io/name': 'prometheus' }, { 'kubernetes.io/metadata.name': 'monitoring' }) },
    { id: 'ingress-nginx', endpoint: otherPod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }) },
    { id: 'other-namespace', endpoint: otherPod('team-b', { app: 'client' }) },
    { id: 'external:203.0.113.7', endpoint: { kind: 'external', ip: '203.0.113.7' } },
    ...extraExternalIps.map((ip) => ({ id: `external:${ip}`, endpoint: { kind: 'external' as const, ip } })),
  ];
}

interface Stack {
  readonly policies: Obj[];
  /** The gateway's client-facing pods (LiteLLM proxy; FastChat API server) and its client port. */
  readonly entry: { id: string; pod: PodEndpoint; port: number };
  /** Pods that call the workers (LiteLLM: the proxy; FastChat: API server and controller). */
  readonly callers: string[];
  readonly controller?: { id: string; pod: PodEndpoint; port: number };
  readonly workers: Array<{ id: string; engine: string; pod: PodEndpoint; httpPort: number; metricsPort?: number }>;
  readonly candidates: Candidate[];
}

/** Who may reach `target` on `port`, by candidate id (sorted). */
function reach(stack: Stack, target: PodEndpoint, port: number): string[] {
  const allowed = new Set(
    allowedSources(
      stack.policies,
      target,
      port,
      stack.candidates.map((c) => c.endpoint),
    ),
  );
  return stack.candidates
    .filter((c) => allowed.has(c.endpoint))
    .map((c) => c.id)
    .sort();
}

/**
 * The stack as the evaluator sees it, found through the output: the gateway pods behind `gateway.url`;
 * FastChat's controller behind the API server's `--controller-address`; each worker's pods behind its
 * Service; the metrics port from the worker's PodMonitor (named port resolved on its pods).
 */
function stackOf(chart: Chart, gateway: InferenceGateway, extraExternalIps: readonly string[] = []): Stack {
  const objects = synth(chart);
  const policies = withNamespace(objects, NS).filter((o) => o.kind === 'NetworkPolicy');
  expect(policies.length).toBeGreaterThan(0);
  const front = resolveUrl(objects, gateway.url!);
  const entryPod = podOf(front.deployment);
  const candidates: Candidate[] = [{ id: 'gateway', endpoint: entryPod }];
  const callers = ['gateway'];
  let controller: Stack['controller'];
  const address = argAfter(front.deployment.spec.template.spec.containers[0], '--controller-address');
  if (address !== undefined) {
    const resolved = resolveUrl(objects, address);
    controller = { id: 'controller', pod: podOf(resolved.deployment), port: resolved.containerPort };
    candidates.push({ id: 'controller', endpoint: controller.pod });
    callers.push('controller');
  }
  const lws = chart.node.findAll().filter((c): c is LlmWorker => c instanceof LlmWorker);
  const workers = lws.map((worker) => {
    const { deployment, httpPort } = workerObjects(objects, worker);
    const pod = podOf(deployment);
    const monitors = objects.filter((o) => o.kind === 'PodMonitor' && selects(o.spec.selector.matchLabels, pod.labels));
    expect(monitors.length).toBeLessThanOrEqual(1);
    const endpoint = monitors[0]?.spec.podMetricsEndpoints[0];
    const metricsPort = endpoint ? containerPortNamed(deployment, endpoint.port) : undefined;
    candidates.push({ id: `worker:${worker.node.id}`, endpoint: pod });
    return { id: `worker:${worker.node.id}`, engine: worker.plan.engine, pod, httpPort, metricsPort };
  });
  candidates.push(...outsiders(extraExternalIps));
  return { policies, entry: { id: 'gateway', pod: entryPod, port: front.containerPort }, callers: callers.sort(), controller, workers, candidates };
}

/**
 * Per worker: its http port admits exactly the gateway callers, plus the monitoring pod ONLY where the
 * engine serves /metrics on the http port (vLLM, TGI, llama.cpp): a NetworkPolicy is L4 and cannot allow
 * one path of a port and not another, so whoever may scrape /metrics there may also call the API. Where
 * the metrics port is separate (TEI: 9000), the http port excludes monitoring and the metrics port admits
 * monitoring only. No worker reaches another worker on any of its ports.
 */
function expectWorkersLockedDown(stack: Stack): void {
  expect(stack.workers.length).toBeGreaterThanOrEqual(2);
  for (const worker of stack.workers) {
    const sharesHttp = worker.metricsPort === worker.httpPort;
    const expected = [...stack.callers, ...(sharesHttp ? ['monitoring'] : [])].sort();
    expect({ worker: worker.id, port: worker.httpPort, allowed: reach(stack, worker.pod, worker.httpPort) }).toEqual({ worker: worker.id, port: worker.httpPort, allowed: expected });
    if (worker.metricsPort !== undefined && !sharesHttp) {
      expect({ worker: worker.id, port: worker.metricsPort, allowed: reach(stack, worker.pod, worker.metricsPort) }).toEqual({ worker: worker.id, port: worker.metricsPort, allowed: ['monitoring'] });
    }
    for (const port of [worker.httpPort, ...(worker.metricsPort !== undefined ? [worker.metricsPort] : [])]) {
      const peers = reach(stack, worker.pod, port).filter((id) => id.startsWith('worker:'));
      expect({ worker: worker.id, port, peers }).toEqual({ worker: worker.id, port, peers: [] });
    }
  }
}

/** FastChat: the controller admits exactly the API server and the FastChat workers. */
function expectControllerLockedDown(stack: Stack): void {
  const controller = stack.controller!;
  expect(controller.port).toBe(21001);
  expect(reach(stack, controller.pod, controller.port)).toEqual(['gateway', ...stack.workers.map((w) => w.id)].sort());
}

function idsWhere(stack: Stack, predicate: (endpoint: Endpoint) => boolean): string[] {
  return stack.candidates
    .filter((c) => predicate(c.endpoint))
    .map((c) => c.id)
    .sort();
}

// ---------------------------------------------------------------------------------------------------
// LiteLLM
// ---------------------------------------------------------------------------------------------------

describe('LiteLLM gateway', () => {
  const { chart, gateway, workers } = build(['vllm', 'tgi', 'tei', 'llama-cpp'], { implementation: { type: 'litellm' } });
  const objects = synth(chart);

  /** The config file the proxy is started with: --config, through its volume mount, to the ConfigMap key. */
  function proxyConfig(): any {
    const deployment = resolveUrl(objects, gateway.url!).deployment;
    const container = deployment.spec.template.spec.containers[0];
    const path = argAfter(container, '--config')!;
    const mount = container.volumeMounts.find((m: any) => path.startsWith(`${m.mountPath}/`));
    const volume = deployment.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
    const configMap = named(objects, 'ConfigMap', volume.configMap.name);
    const text = configMap.data?.[path.slice(mount.mountPath.length + 1)];
    expect(typeof text).toBe('string');
    return parse(text!);
  }

  it('every object validates (core models, gateway-api models, CRDs)', () => {
    expectAllValid(objects);
    for (const o of objects) expect(o.metadata?.namespace).toBe(NS);
  });

  it('routes every attached model name to its worker Service URL and http port (parsed), embeddings as embedding', () => {
    const config = proxyConfig();
    expect(config.model_list).toHaveLength(Object.keys(workers).length);
    for (const worker of Object.values(workers)) {
      const entries = config.model_list.filter((m: any) => m.model_name === worker.modelName);
      expect(entries).toHaveLength(1);
      const url = new URL(entries[0].litellm_params.api_base);
      const { service, deployment, servicePort } = workerObjects(objects, worker);
      expect(url.hostname).toBe(`${worker.serviceName}.${NS}.svc.cluster.local`);
      expect(Number(url.port || '80')).toBe(servicePort);
      expect(url.pathname).toBe('/v1');
      // The URL resolves to that Service, which selects this worker's pods (and only them).
      const resolved = resolveUrl(objects, url.href);
      expect(resolved.service).toBe(service);
      expect(resolved.deployment).toBe(deployment);
      expect(deployment.metadata?.name).toBe(worker.serviceName);
      // The provider prefix is stripped by LiteLLM: the backend receives the served model name.
      expect((entries[0].litellm_params.model as string).split('/').slice(1).join('/')).toBe(worker.modelName);
      if (worker.plan.engine === 'tei') expect(entries[0].model_info).toEqual({ mode: 'embedding' });
      else expect(entries[0].model_info?.mode).toBeUndefined();
    }
    expect(gateway.modelNames).toEqual(Object.values(workers).map((w) => w.modelName));
  });

  it('reads the master key from the Secret through env, and no key value appears anywhere', () => {
    const masterKey = proxyConfig().general_settings.master_key as string;
    const match = /^os\.environ\/([A-Z_][A-Z0-9_]*)$/.exec(masterKey);
    expect(match).not.toBeNull();
    const container = resolveUrl(objects, gateway.url!).deployment.spec.template.spec.containers[0];
    expect(container.env.find((e: any) => e.name === match![1])).toEqual({ name: match![1], valueFrom: { secretKeyRef: KEYS } });
    expectNoSecretValues(objects);
  });

  it('url is the in-cluster OpenAI base URL of the proxy Service', () => {
    const { service, parsed, deployment } = resolveUrl(objects, gateway.url!);
    expect(parsed.pathname).toBe('/v1');
    expect(deployment.spec.template.spec.containers[0].image).toMatch(/litellm/);
    expect(service.spec.type).toBe('ClusterIP');
  });

  it('network policies: each worker admits exactly the proxy (+ monitoring where metrics share the http port)', () => {
    const stack = stackOf(chart, gateway);
    expect(stack.callers).toEqual(['gateway']);
    const byEngine = Object.fromEntries(stack.workers.map((w) => [w.engine, w]));
    // The engines' metrics layout the expectation below depends on.
    expect(byEngine.vllm!.metricsPort).toBe(byEngine.vllm!.httpPort);
    expect(byEngine.tgi!.metricsPort).toBe(byEngine.tgi!.httpPort);
    expect(byEngine['llama-cpp']!.metricsPort).toBe(byEngine['llama-cpp']!.httpPort);
    expect(byEngine.tei!.metricsPort).toBe(9000);
    expect(byEngine.tei!.httpPort).not.toBe(9000);
    expectWorkersLockedDown(stack);
    expect(reach(stack, byEngine.tei!.pod, byEngine.tei!.httpPort)).not.toContain('monitoring');
  });

  it('network policies: the cluster-ip client port admits same-namespace pods only', () => {
    const stack = stackOf(chart, gateway);
    expect(reach(stack, stack.entry.pod, stack.entry.port)).toEqual(idsWhere(stack, (e) => e.kind === 'pod' && e.namespace === NS));
  });

  it('high availability: at least 2 replicas (HPA minimum), a PDB on the proxy pods, a CPU HPA on the proxy Deployment, resources set', () => {
    expectHighAvailability(objects, resolveUrl(objects, gateway.url!).deployment);
  });
});

function expectHighAvailability(objects: Obj[], deployment: Obj): void {
  // The HPA owns the count (Kubernetes docs: remove spec.replicas from a Deployment an HPA scales).
  expect(deployment.spec.replicas).toBeUndefined();
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget' && selects(o.spec.selector.matchLabels, deployment.spec.template.metadata.labels));
  expect(pdbs).toHaveLength(1);
  expect(pdbs[0]!.apiVersion).toBe('policy/v1');
  // The PDB selects the gateway's pods and no other workload's.
  for (const { owner, template } of podTemplates(objects)) {
    if (owner !== deployment) expect(selects(pdbs[0]!.spec.selector.matchLabels, template.metadata?.labels)).toBe(false);
  }
  expect(pdbs[0]!.spec.maxUnavailable ?? pdbs[0]!.spec.minAvailable).toBeDefined();
  const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  expect(hpas).toHaveLength(1);
  const hpa = hpas[0]!;
  expect(hpa.apiVersion).toBe('autoscaling/v2');
  expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata?.name });
  expect(named(objects, 'Deployment', hpa.spec.scaleTargetRef.name)).toBe(deployment);
  expect(hpa.spec.minReplicas).toBe(2);
  expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
  expect(hpa.spec.metrics).toEqual([expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) })]);
  for (const c of deployment.spec.template.spec.containers) {
    expect(c.resources.requests.cpu).toBeDefined();
    expect(c.resources.requests.memory).toBeDefined();
    expect(c.resources.limits.cpu).toBeDefined();
    expect(c.resources.limits.memory).toBeDefined();
  }
}

// ---------------------------------------------------------------------------------------------------
// FastChat
// ---------------------------------------------------------------------------------------------------

describe('FastChat gateway', () => {
  const { chart, gateway, workers } = build(['fastchat-mixtral', 'fastchat-llama'], fastChatProps({ expose: { type: 'node-port', nodePort: 30080, sourceRanges: ['10.20.0.0/16'] } }));
  const objects = synth(chart);
  const api = resolveUrl(objects, gateway.url!);
  const apiContainer = api.deployment.spec.template.spec.containers[0];
  const controllerUrl = argAfter(apiContainer, '--controller-address')!;

  it('every object validates', () => {
    expectAllValid(objects);
  });

  it("the API server's --controller-address resolves to the controller Service of the same chart", () => {
    const controller = resolveUrl(objects, controllerUrl);
    expect(controller.port).toBe(21001);
    expect(controller.service.metadata?.namespace).toBe(NS);
    expect(controller.deployment).not.toBe(api.deployment);
    expect(controller.deployment.spec.template.spec.containers[0].command.join(' ')).toMatch(/fastchat\.serve\.controller/);
    expect(apiContainer.command.join(' ')).toMatch(/fastchat\.serve\.openai_api_server/);
    expect(api.parsed.pathname).toBe('/v1');
  });

  it("every worker registers with the gateway's controller and advertises its own Service", () => {
    for (const worker of Object.values(workers)) {
      const { service, deployment, servicePort } = workerObjects(objects, worker);
      const container = deployment.spec.template.spec.containers[0];
      expect(argAfter(container, '--controller-address')).toBe(controllerUrl);
      const address = argAfter(container, '--worker-address')!;
      const resolved = resolveUrl(objects, address);
      expect(resolved.service).toBe(service);
      expect(resolved.port).toBe(servicePort);
      expect(resolved.deployment).toBe(deployment);
      expect(resolved.containerPort).toBe(Number(argAfter(container, '--port')));
      expect(argAfter(container, '--model-names')).toBe(worker.modelName);
    }
    expect(gateway.modelNames).toEqual(Object.values(workers).map((w) => w.modelName));
  });

  it('API keys only as $(VAR) from a secretKeyRef env; no key value anywhere', () => {
    const ref = /^\$\(([A-Z_][A-Z0-9_]*)\)$/.exec(argAfter(apiContainer, '--api-keys') ?? '');
    expect(ref).not.toBeNull();
    expect(apiContainer.env.find((e: any) => e.name === ref![1])).toEqual({ name: ref![1], valueFrom: { secretKeyRef: KEYS } });
    expectNoSecretValues(objects);
  });

  it('network policies: workers admit exactly API server + controller; controller admits API server + workers', () => {
    const stack = stackOf(chart, gateway, ['10.20.3.4']);
    expect(stack.callers).toEqual(['controller', 'gateway']);
    expect(stack.workers.every((w) => w.metricsPort === undefined)).toBe(true);
    expectWorkersLockedDown(stack);
    expectControllerLockedDown(stack);
  });

  it('network policies: the node-port client port admits only the sourceRanges addresses', () => {
    const stack = stackOf(chart, gateway, ['10.20.3.4']);
    expect(reach(stack, stack.entry.pod, stack.entry.port)).toEqual(['external:10.20.3.4']);
    const external = named(objects, 'Service', objects.find((o) => o.kind === 'Service' && o.spec.type === 'NodePort')!.metadata!.name!);
    expect(external.spec.ports).toEqual([expect.objectContaining({ nodePort: 30080, port: api.port })]);
    expect(deploymentSelectedBy(objects, external.spec.selector)).toBe(api.deployment);
    expect(targetContainerPort(api.deployment, external.spec.ports[0].targetPort)).toBe(api.containerPort);
  });

  it('high availability on the API server', () => {
    expectHighAvailability(objects, api.deployment);
  });

  it('a FastChat worker attached to no gateway and without controllerUrl fails synth, naming it', () => {
    const app = Testing.app();
    const orphanChart = new Chart(app, 'orphan', { namespace: NS });
    new LlmWorker(orphanChart, 'stray-worker', WORKERS['fastchat-llama']);
    expect(() => Testing.synth(orphanChart)).toThrow(/stray-worker/);
  });

  it('a FastChat worker with an explicit controllerUrl synthesizes without a gateway', () => {
    const app = Testing.app();
    const c = new Chart(app, 'own-controller', { namespace: NS });
    new LlmWorker(c, 'w', { ...WORKERS['fastchat-llama'], controllerUrl: 'http://my-controller.llm.svc.cluster.local:21001' });
    const container = named(synth(c), 'Deployment', 'own-controller-w').spec.template.spec.containers[0];
    expect(argAfter(container, '--controller-address')).toBe('http://my-controller.llm.svc.cluster.local:21001');
  });
});

// ---------------------------------------------------------------------------------------------------
// Gateway API
// ---------------------------------------------------------------------------------------------------

describe('Gateway API implementation', () => {
  const parentRef = { name: 'inference-gateway', namespace: 'gateway-system' };

  function routeOf(objects: Obj[]): Obj {
    const routes = objects.filter((o) => o.kind === 'HTTPRoute');
    expect(routes).toHaveLength(1);
    expect(routes[0]!.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(routes[0]!.spec.parentRefs).toEqual([expect.objectContaining({ name: parentRef.name, namespace: parentRef.namespace })]);
    return routes[0]!;
  }

  /** The rule that matches `model` by the model-name header (exactly one). */
  function ruleFor(route: Obj, model: string): any {
    const rules = route.spec.rules.filter((r: any) => r.matches.some((m: any) => (m.headers ?? []).some((h: any) => h.name === MODEL_HEADER && h.value === model && (h.type ?? 'Exact') === 'Exact')));
    expect(rules).toHaveLength(1);
    return rules[0];
  }

  it('with the inference extension: one rule per model, each to an InferencePool selecting exactly its worker pods', () => {
    const { chart, gateway, workers } = build(['vllm', 'tgi'], {
      implementation: { type: 'gateway-api', parentRef, inferenceExtension: {} },
      allowUnauthenticated: true,
      apiKeySecret: undefined,
    });
    const { result: objects, warnings } = capturingWarnings(() => synth(chart));
    expect(warnings).toMatch(/allowUnauthenticated/);
    expectAllValid(objects);
    const route = routeOf(objects);
    expect(route.spec.rules).toHaveLength(Object.keys(workers).length);
    for (const worker of Object.values(workers)) {
      const rule = ruleFor(route, worker.modelName);
      expect(rule.backendRefs).toHaveLength(1);
      const ref = rule.backendRefs[0];
      expect(ref.group).toBe('inference.networking.k8s.io');
      expect(ref.kind).toBe('InferencePool');
      const pool = named(objects, 'InferencePool', ref.name);
      expect(pool.apiVersion).toBe('inference.networking.k8s.io/v1');
      expect(pool.metadata?.namespace).toBe(route.metadata?.namespace);
      const { deployment, httpPort } = workerObjects(objects, worker);
      expect(deploymentSelectedBy(objects, pool.spec.selector.matchLabels)).toBe(deployment);
      expect(pool.spec.targetPorts).toEqual([{ number: httpPort }]);
    }
    expect(gateway.url).toBeUndefined();
    expect(gateway.modelNames).toEqual(Object.values(workers).map((w) => w.modelName));
  });

  it('without the extension: each rule routes to its worker Service and port', () => {
    const { chart, workers } = build(['vllm', 'tei'], { implementation: { type: 'gateway-api', parentRef }, allowUnauthenticated: true, apiKeySecret: undefined });
    const { result: objects } = capturingWarnings(() => synth(chart));
    expectAllValid(objects);
    expect(objects.filter((o) => o.kind === 'InferencePool')).toEqual([]);
    const route = routeOf(objects);
    expect(route.spec.rules).toHaveLength(2);
    for (const worker of Object.values(workers)) {
      const ref = ruleFor(route, worker.modelName).backendRefs[0];
      expect(ref.group ?? '').toBe('');
      expect(ref.kind ?? 'Service').toBe('Service');
      const { service, servicePort } = workerObjects(objects, worker);
      expect(ref.name).toBe(service.metadata?.name);
      expect(ref.port).toBe(servicePort);
    }
  });

  it('requires allowUnauthenticated: true (the Gateway checks keys, not this construct)', () => {
    const error = thrown(() => build(['vllm'], { implementation: { type: 'gateway-api', parentRef } }));
    expect(error.field).toBe('allowUnauthenticated');
    expect(error.message).toContain('allowUnauthenticated');
  });
});

// ---------------------------------------------------------------------------------------------------
// Exposure
// ---------------------------------------------------------------------------------------------------

describe('exposure', () => {
  function gatewayService(objects: Obj[], gateway: InferenceGateway): { service: Obj; deployment: Obj; port: number; containerPort: number } {
    const { service, deployment, port, containerPort } = resolveUrl(objects, gateway.url!);
    return { service, deployment, port, containerPort };
  }

  it('node-port: a NodePort Service with the nodePort, selecting the gateway pods', () => {
    const { chart, gateway } = build(['vllm', 'tgi'], { expose: { type: 'node-port', nodePort: 30443 } });
    const objects = synth(chart);
    expectAllValid(objects);
    const { deployment, containerPort } = gatewayService(objects, gateway);
    const nodePorts = objects.filter((o) => o.kind === 'Service' && o.spec.type === 'NodePort');
    expect(nodePorts).toHaveLength(1);
    expect(nodePorts[0]!.spec.ports).toHaveLength(1);
    expect(nodePorts[0]!.spec.ports[0].nodePort).toBe(30443);
    expect(deploymentSelectedBy(objects, nodePorts[0]!.spec.selector)).toBe(deployment);
    expect(targetContainerPort(deployment, nodePorts[0]!.spec.ports[0].targetPort)).toBe(containerPort);
  });

  it('load-balancer: loadBalancerSourceRanges, and the client port admits only those addresses', () => {
    const { chart, gateway } = build(['vllm', 'tgi'], { expose: { type: 'load-balancer', sourceRanges: ['203.0.113.0/24'] } });
    const objects = synth(chart);
    expectAllValid(objects);
    const { deployment, containerPort } = gatewayService(objects, gateway);
    const lbs = objects.filter((o) => o.kind === 'Service' && o.spec.type === 'LoadBalancer');
    expect(lbs).toHaveLength(1);
    expect(lbs[0]!.spec.loadBalancerSourceRanges).toEqual(['203.0.113.0/24']);
    expect(deploymentSelectedBy(objects, lbs[0]!.spec.selector)).toBe(deployment);
    expect(targetContainerPort(deployment, lbs[0]!.spec.ports[0].targetPort)).toBe(containerPort);
    const stack = stackOf(chart, gateway, ['198.51.100.9']);
    expect(reach(stack, stack.entry.pod, stack.entry.port)).toEqual(['external:203.0.113.7']);
    expectWorkersLockedDown(stack);
  });

  it('ingress: class, host, TLS secret, backend = the gateway Service and port; only the ingress controller gets in', () => {
    const { chart, gateway } = build(['vllm', 'tgi'], { expose: { type: 'ingress', host: 'llm.example.com', tlsSecret: 'llm-tls', className: 'nginx' } });
    const objects = synth(chart);
    expectAllValid(objects);
    const { service, port } = gatewayService(objects, gateway);
    const ingresses = objects.filter((o) => o.kind === 'Ingress');
    expect(ingresses).toHaveLength(1);
    const ingress = ingresses[0]!;
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['llm.example.com'], secretName: 'llm-tls' }]);
    expect(ingress.spec.rules).toHaveLength(1);
    expect(ingress.spec.rules[0].host).toBe('llm.example.com');
    const backends = ingress.spec.rules[0].http.paths.map((p: any) => p.backend.service);
    expect(backends).toEqual([{ name: service.metadata?.name, port: { number: port } }]);
    const stack = stackOf(chart, gateway);
    expect(reach(stack, stack.entry.pod, stack.entry.port)).toEqual(['ingress-nginx']);
    expectWorkersLockedDown(stack);
  });

  it('http-route: parentRef, backendRef = the gateway Service and port', () => {
    const parentRef = { name: 'public', namespace: 'gateway-system', sectionName: 'https' };
    const { chart, gateway } = build(['vllm', 'tgi'], { expose: { type: 'http-route', parentRef, hostnames: ['llm.example.com'] } });
    const objects = synth(chart);
    expectAllValid(objects);
    const { service, port } = gatewayService(objects, gateway);
    const routes = objects.filter((o) => o.kind === 'HTTPRoute');
    expect(routes).toHaveLength(1);
    expect(routes[0]!.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(routes[0]!.spec.parentRefs).toEqual([parentRef]);
    expect(routes[0]!.spec.hostnames).toEqual(['llm.example.com']);
    const refs = routes[0]!.spec.rules.flatMap((r: any) => r.backendRefs);
    expect(refs).toEqual([expect.objectContaining({ name: service.metadata?.name, port })]);
    for (const ref of refs) expect(ref.kind ?? 'Service').toBe('Service');
  });
});

// ---------------------------------------------------------------------------------------------------
// Auth, names, bad input
// ---------------------------------------------------------------------------------------------------

describe('auth by default, names and bad input', () => {
  it('a missing apiKeySecret fails on field apiKeySecret', () => {
    const error = thrown(() => build(['vllm'], { apiKeySecret: undefined }));
    expect(error.field).toBe('apiKeySecret');
    expect(thrown(() => build(['fastchat-llama'], fastChatProps({ apiKeySecret: undefined }))).field).toBe('apiKeySecret');
  });

  it('allowUnauthenticated: true warns at synth, and only then', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { chart } = build(['vllm'], { apiKeySecret: undefined, allowUnauthenticated: true });
      expect(warn).not.toHaveBeenCalled();
      const objects = synth(chart);
      expect(warn).toHaveBeenCalled();
      expect(warn.mock.calls.map((args) => args.join(' ')).join('\n')).toMatch(/allowUnauthenticated/);
      // And the proxy then runs without a master key.
      expect(JSON.stringify(objects)).not.toMatch(/master_key|secretKeyRef[^}]*llm-api-keys/);
    } finally {
      warn.mockRestore();
    }
  });

  it('an authenticated gateway prints no warning at synth', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      synth(build(['vllm']).chart);
      expect(warn.mock.calls.map((args) => args.join(' ')).join('\n')).not.toMatch(/allowUnauthenticated/);
    } finally {
      warn.mockRestore();
    }
  });

  it('duplicate served model names across workers of different models fail synth, naming both workers', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'dup', { namespace: NS });
    const a = new LlmWorker(chart, 'first-llama', { ...WORKERS.vllm, servedModelName: 'llama' });
    // A different model under the same name: a collision (one model on several worker groups is allowed).
    const b = new LlmWorker(chart, 'second-llama', { ...WORKERS.tgi, servedModelName: 'llama' });
    new InferenceGateway(chart, 'gateway', { backends: [a, b], apiKeySecret: KEYS });
    let message = '';
    try {
      Testing.synth(chart);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('first-llama');
    expect(message).toContain('second-llama');
    expect(message).toContain("'llama'");
  });

  it('FastChat with a non-FastChat worker fails, naming it', () => {
    const error = thrown(() => build(['fastchat-llama', 'tgi'], fastChatProps()));
    expect(error.field).toBe('backends');
    expect(error.message).toContain('tgi');
    expect(error.message).not.toContain("'fastchat-llama'");
  });

  it('public members: url (in-cluster, /v1) and modelNames', () => {
    const { chart, gateway, workers } = build(['vllm', 'tei']);
    const objects = synth(chart);
    const url = new URL(gateway.url!);
    expect(url.pathname).toBe('/v1');
    expect(url.hostname.endsWith(`.${NS}.svc.cluster.local`)).toBe(true);
    expect(resolveUrl(objects, gateway.url!).deployment.spec.template.spec.containers[0].image).toMatch(/litellm/);
    expect(gateway.modelNames).toEqual([workers.vllm!.modelName, workers.tei!.modelName]);
    expect(new Set(gateway.modelNames).size).toBe(2);
  });
});

describe('the secret check itself', () => {
  // The helper must be able to fail: each of these manifests leaks a key and is rejected.
  function deployment(container: Record<string, unknown>): Obj {
    return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'leaky' }, spec: { template: { metadata: {}, spec: { containers: [{ name: 'c', ...container }] } } } };
  }
  const secretEnv = { name: 'API_KEYS', valueFrom: { secretKeyRef: KEYS } };

  it.each([
    ['a literal env value named like a key', { env: [{ name: 'LITELLM_MASTER_KEY', value: 'sk-1234567890abcdef' }] }],
    ['a literal token env', { env: [{ name: 'HF_TOKEN', value: 'hf_abcdefghijklmnop' }] }],
    ['a literal --api-keys argument', { args: ['--api-keys', 'k1,k2'] }],
    ['a literal --api-key= argument', { args: ['--api-key=abc'] }],
    ['a $(VAR) of a literal env', { args: ['--api-keys', '$(PLAIN)'], env: [{ name: 'PLAIN', value: 'x' }] }],
    ['a $(VAR) of a secret-like name that is no secretKeyRef', { command: ['sh', '-c', 'serve --key $(MY_KEY)'] }],
  ])('rejects %s', (_what, container) => {
    expect(() => expectNoSecretValues([deployment(container)])).toThrow();
  });

  it('accepts $(VAR) from a secretKeyRef env of the same container, and token counts', () => {
    expect(() => expectNoSecretValues([deployment({ args: ['--api-keys', '$(API_KEYS)', '--max-input-tokens', '8191'], env: [secretEnv] })])).not.toThrow();
  });
});

describe('multi-node worker (LeaderWorkerSet) behind a gateway', () => {
  const { chart, gateway, workers } = build(['vllm-multi-node', 'vllm']);
  const objects = synth(chart);
  const big = workers['vllm-multi-node']!;
  const lws = named(objects, 'LeaderWorkerSet', big.serviceName);
  const templates = lws.spec.leaderWorkerTemplate;
  /** Pods as the LWS controller creates them: the template's labels plus the group's worker index. */
  const lwsPod = (template: any, index: string): PodEndpoint => ({
    kind: 'pod',
    namespace: NS,
    labels: { ...template.metadata.labels, 'leaderworkerset.sigs.k8s.io/name': big.serviceName, 'leaderworkerset.sigs.k8s.io/worker-index': index },
    ip: podIp(),
    ports: template.spec.containers.flatMap((c: any) => c.ports ?? []),
  });
  const leader = lwsPod(templates.leaderTemplate, '0');
  const rayWorker = lwsPod(templates.workerTemplate, '1');

  it('every object validates; the worker Service selects the leader only', () => {
    expectAllValid(objects);
    const service = named(objects, 'Service', big.serviceName);
    expect(selects(service.spec.selector, leader.labels)).toBe(true);
    expect(selects(service.spec.selector, rayWorker.labels)).toBe(false);
  });

  it('the pods of one replica reach each other (Ray GCS 6379, any other port); nothing else gets in but the gateway and monitoring', () => {
    const stack = multiNodeStack();
    const http = (leader.ports ?? []).find((p) => p.name === 'http')!.containerPort;
    // The Ray worker joins the head on 6379; the head and NCCL reach the worker on ports Ray picks.
    expect(reach(stack, leader, 6379)).toEqual(['leader', 'ray-worker']);
    expect(reach(stack, rayWorker, 43000)).toEqual(['leader', 'ray-worker']);
    // The http port: the proxy, monitoring (vLLM's /metrics is on it) and the replica's own pods (all
    // ports are open inside a replica: NCCL and Ray use ports that cannot be listed).
    expect(reach(stack, leader, http)).toEqual(['gateway', 'leader', 'monitoring', 'ray-worker']);
    // The other worker and the multi-node worker stay apart.
    const small = stack.workers.find((w) => w.id === 'worker:vllm')!;
    expect(reach(stack, small.pod, small.httpPort)).toEqual(['gateway', 'monitoring']);
  });

  /** The stack with the LWS pods as candidates (stackOf resolves Deployments only). */
  function multiNodeStack(): Stack {
    const policies = withNamespace(objects, NS).filter((o) => o.kind === 'NetworkPolicy');
    const front = resolveUrl(objects, gateway.url!);
    const { deployment, httpPort } = workerObjects(objects, workers.vllm!);
    const smallPod = podOf(deployment);
    const candidates: Candidate[] = [
      { id: 'gateway', endpoint: podOf(front.deployment) },
      { id: 'leader', endpoint: leader },
      { id: 'ray-worker', endpoint: rayWorker },
      { id: 'worker:vllm', endpoint: smallPod },
      ...outsiders(),
    ];
    return {
      policies,
      entry: { id: 'gateway', pod: candidates[0]!.endpoint as PodEndpoint, port: front.containerPort },
      callers: ['gateway'],
      workers: [{ id: 'worker:vllm', engine: 'vllm', pod: smallPod, httpPort, metricsPort: httpPort }],
      candidates,
    };
  }
});

// ---------------------------------------------------------------------------------------------------
// The examples
// ---------------------------------------------------------------------------------------------------

describe('examples/gateways.ts', () => {
  function gatewayOf(chart: Chart): InferenceGateway {
    const gateways = chart.node.findAll().filter((c): c is InferenceGateway => c instanceof InferenceGateway);
    expect(gateways).toHaveLength(1);
    return gateways[0]!;
  }

  it('fastChatOnPremExample: workers, controller and NodePort client port are locked down', () => {
    const chart = fastChatOnPremExample(Testing.app());
    const objects = synth(chart);
    expectAllValid(objects);
    expectNoSecretValues(objects);
    const stack = stackOf(chart, gatewayOf(chart), ['10.20.3.4']);
    expect(stack.callers).toEqual(['controller', 'gateway']);
    expectWorkersLockedDown(stack);
    expectControllerLockedDown(stack);
    expect(reach(stack, stack.entry.pod, stack.entry.port)).toEqual(['external:10.20.3.4']);
  });

  it('liteLlmExample: workers locked down, TEI metrics to monitoring only, Ingress client port', () => {
    const chart = liteLlmExample(Testing.app());
    const objects = synth(chart);
    expectAllValid(objects);
    expectNoSecretValues(objects);
    const stack = stackOf(chart, gatewayOf(chart));
    expect(stack.callers).toEqual(['gateway']);
    expect(stack.workers.map((w) => w.engine).sort()).toEqual(['tei', 'tgi', 'vllm']);
    expectWorkersLockedDown(stack);
    expect(reach(stack, stack.entry.pod, stack.entry.port)).toEqual(['ingress-nginx']);
  });
});
