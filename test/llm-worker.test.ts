/**
 * LlmWorker: every synthesized field is checked against the sizing PLAN the construct exposes
 * (`worker.plan`) and against Kubernetes semantics (selectors select, ports resolve by name, a PDB
 * covers the pods it guards), never against copies of the library's own constants.
 */
import { Chart, Testing } from 'cdk8s';
import { GB } from '../lib/catalog/units';
import { LlmConstructsError, SizingError, ValidationError } from '../lib/errors';
import { LlmWorker, type LlmWorkerProps } from '../lib/constructs';
import { BGE_BASE_EN_V15 } from '../examples/workers';
import { validateObject, type K8sObject } from './support/schemas';

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

type Obj = K8sObject & { spec?: any };
type Container = any;
type PodTemplate = { metadata?: { labels?: Record<string, string> }; spec: any };

const NAMESPACE = 'llm';

interface Built {
  readonly chart: Chart;
  readonly worker: LlmWorker;
  readonly objects: Obj[];
}

function build(props: LlmWorkerProps, id = 'model', chartId = 'test'): Built {
  const app = Testing.app();
  const chart = new Chart(app, chartId, { namespace: NAMESPACE });
  const worker = new LlmWorker(chart, id, props);
  const objects = Testing.synth(chart) as Obj[];
  // Every object any test looks at is also a valid object of its kind (upstream schemas).
  for (const o of objects) validateObject(o);
  return { chart, worker, objects };
}

function ofKind(objects: Obj[], kind: string): Obj[] {
  return objects.filter((o) => o.kind === kind);
}

function only(objects: Obj[], kind: string): Obj {
  const found = ofKind(objects, kind);
  expect(found.map((o) => o.kind)).toEqual([kind]);
  return found[0];
}

function deploymentTemplate(objects: Obj[]): PodTemplate {
  return only(objects, 'Deployment').spec.template;
}

function serverContainer(template: PodTemplate): Container {
  const servers = template.spec.containers.filter((c: Container) => c.name === 'server');
  expect(servers).toHaveLength(1);
  return servers[0];
}

/** Value after the LAST occurrence of `flag` (later flags win in every engine's CLI parser). */
function flag(args: readonly string[], name: string): string | undefined {
  const at = args.lastIndexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function count(args: readonly string[], word: string): number {
  return args.filter((a) => a === word).length;
}

function envVar(container: Container, name: string): any {
  const matches = (container.env ?? []).filter((e: any) => e.name === name);
  expect(matches.length).toBeLessThanOrEqual(1); // a duplicate name silently shadows the first
  return matches[0];
}

function envLiteral(container: Container, name: string): string | undefined {
  return envVar(container, name)?.value;
}

const QUANTITY_SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** A Kubernetes resource.Quantity (`16Gi`, `500m`, `1e3`, `8`) in base units. */
function quantity(q: unknown): number {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') throw new Error(`not a quantity: ${JSON.stringify(q)}`);
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/.exec(q);
  if (!m) throw new Error(`not a quantity: ${q}`);
  const exponent = m[2] !== undefined ? 10 ** Number(m[2]) : 1;
  return Number(m[1]) * exponent * QUANTITY_SUFFIX[m[3] ?? ''];
}

/** Kubernetes label-selector semantics (matchLabels / Service selector): every pair is in the labels. */
function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false; // an empty selector selects all: never intended here
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function gpuCount(container: Container, resource = 'nvidia.com/gpu'): { request?: number; limit?: number } {
  const r = container.resources ?? {};
  return {
    request: r.requests?.[resource] === undefined ? undefined : quantity(r.requests[resource]),
    limit: r.limits?.[resource] === undefined ? undefined : quantity(r.limits[resource]),
  };
}

function volumeAt(template: PodTemplate, container: Container, mountPath: string): any | undefined {
  const mount = (container.volumeMounts ?? []).find((m: any) => m.mountPath === mountPath);
  if (!mount) return undefined;
  const volume = (template.spec.volumes ?? []).find((v: any) => v.name === mount.name);
  expect(volume).toBeDefined(); // a mount must name a declared volume
  return volume;
}

function containerPortNames(template: PodTemplate): string[] {
  return template.spec.containers.flatMap((c: Container) => (c.ports ?? []).map((p: any) => p.name));
}

/** The thrown error, or fails the test when nothing is thrown. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

/** A typed, actionable error: SizingError or ValidationError (never a TypeError), naming `field`. */
function expectActionable(error: unknown, field: string | RegExp, type?: typeof SizingError | typeof ValidationError): LlmConstructsError {
  expect(error).not.toBeInstanceOf(TypeError);
  expect(error instanceof SizingError || error instanceof ValidationError).toBe(true);
  if (type) expect(error).toBeInstanceOf(type);
  const e = error as LlmConstructsError;
  if (typeof field === 'string') expect(e.field).toBe(field);
  else expect(e.field).toMatch(field);
  expect(Array.isArray(e.suggestions)).toBe(true);
  expect(e.suggestions.length).toBeGreaterThan(0);
  for (const s of e.suggestions) expect(s.trim()).not.toBe('');
  return e;
}

const hfToken = { name: 'hf', key: 'token' };
const MISTRAL = 'mistralai/Mistral-7B-Instruct-v0.3';

/** The vLLM example of examples/workers.ts: AWQ Mistral-7B on A10G, 16 x 8k sequences. */
const MISTRAL_A10G: LlmWorkerProps = {
  model: MISTRAL,
  engine: 'vllm',
  accelerator: 'A10G',
  maxContextLength: 8192,
  concurrency: 16,
  quantization: 'awq',
  checkpoint: 'solidrust/Mistral-7B-Instruct-v0.3-AWQ',
  hfTokenSecret: hfToken,
};

const LLAMA_70B_A100: LlmWorkerProps = {
  model: 'meta-llama/Llama-3.1-70B-Instruct',
  accelerator: 'A100-80GB',
  maxContextLength: 8192,
  concurrency: 32,
  hfTokenSecret: hfToken,
};

/** One 8k sequence of Mistral-7B fits one A10G: the single-rank case of the /dev/shm rule. */
const MISTRAL_A10G_ONE_GPU: LlmWorkerProps = { model: MISTRAL, engine: 'vllm', accelerator: 'A10G', hfTokenSecret: hfToken };

// ---------------------------------------------------------------------------------------------------
// vLLM (single node)
// ---------------------------------------------------------------------------------------------------

describe.each([
  ['Mistral-7B AWQ on A10G (the example)', MISTRAL_A10G],
  ['Mistral-7B on one A10G', MISTRAL_A10G_ONE_GPU],
  ['Llama-3.1-70B on A100-80GB', LLAMA_70B_A100],
])('vLLM: %s', (_label, props) => {
  const { worker, objects } = build(props);
  const plan = worker.plan;
  const template = deploymentTemplate(objects);
  const server = serverContainer(template);
  const args: string[] = server.args;

  it('is planned on one node and emits a Deployment, not a LeaderWorkerSet', () => {
    expect(plan.nodesPerReplica).toBe(1);
    expect(ofKind(objects, 'LeaderWorkerSet')).toHaveLength(0);
    expect(plan.engine).toBe('vllm');
  });

  it('--tensor-parallel-size = plan.tensorParallel = nvidia.com/gpu request = limit', () => {
    expect(count(args, '--tensor-parallel-size')).toBe(1);
    expect(Number(flag(args, '--tensor-parallel-size'))).toBe(plan.tensorParallel);
    const gpu = gpuCount(server);
    expect(gpu.request).toBe(plan.tensorParallel * plan.pipelineParallel);
    expect(gpu.limit).toBe(gpu.request); // extended resources: request must equal limit
    expect(gpu.request).toBe(plan.acceleratorsPerReplica);
  });

  it('has a memory-backed emptyDir at /dev/shm iff TP x PP > 1', () => {
    const shm = volumeAt(template, server, '/dev/shm');
    if (plan.tensorParallel * plan.pipelineParallel > 1) {
      expect(shm).toBeDefined();
      expect(shm.emptyDir).toBeDefined();
      expect(shm.emptyDir.medium).toBe('Memory');
    } else {
      expect(shm).toBeUndefined();
    }
  });

  it('--max-model-len = plan.maxContextLength', () => {
    expect(count(args, '--max-model-len')).toBe(1);
    expect(Number(flag(args, '--max-model-len'))).toBe(plan.maxContextLength);
    if (props.maxContextLength) expect(plan.maxContextLength).toBe(props.maxContextLength);
  });

  it('listens on the container port named http, and the Service port http targets it', () => {
    const httpPort = (server.ports ?? []).find((p: any) => p.name === 'http');
    expect(httpPort).toBeDefined();
    expect(Number(flag(args, '--port'))).toBe(httpPort.containerPort);
    const service = only(objects, 'Service');
    const port = service.spec.ports.find((p: any) => p.name === 'http');
    expect(port).toBeDefined();
    // targetPort by name resolves against the selected pods' container ports.
    expect(containerPortNames(template)).toContain(port.targetPort);
  });

  it('Service and Deployment selectors select the pod template labels', () => {
    const service = only(objects, 'Service');
    const deployment = only(objects, 'Deployment');
    expect(selects(service.spec.selector, template.metadata?.labels)).toBe(true);
    expect(selects(deployment.spec.selector.matchLabels, template.metadata?.labels)).toBe(true);
    expect(service.metadata?.namespace).toBe(deployment.metadata?.namespace);
  });

  it('PodMonitor selects the pods, in their namespace, on a port they expose', () => {
    const monitor = only(objects, 'PodMonitor');
    const deployment = only(objects, 'Deployment');
    expect(selects(monitor.spec.selector.matchLabels, template.metadata?.labels)).toBe(true);
    // Without spec.namespaceSelector a PodMonitor only looks at its own namespace.
    expect(monitor.spec.namespaceSelector).toBeUndefined();
    expect(monitor.metadata?.namespace).toBe(deployment.metadata?.namespace);
    const names = containerPortNames(template);
    expect(monitor.spec.podMetricsEndpoints.length).toBeGreaterThan(0);
    for (const endpoint of monitor.spec.podMetricsEndpoints) expect(names).toContain(endpoint.port);
  });

  it('endpoint = http://<service>.<namespace>.svc.cluster.local:<service port>/v1', () => {
    const service = only(objects, 'Service');
    const port = service.spec.ports.find((p: any) => p.name === 'http').port;
    expect(worker.serviceName).toBe(service.metadata?.name);
    expect(worker.endpoint).toBe(`http://${service.metadata?.name}.${service.metadata?.namespace}.svc.cluster.local:${port}/v1`);
    expect(service.metadata?.namespace).toBe(NAMESPACE);
  });

  it('the startup probe allows the weights to load (>= 1 GB/s floor) and readiness exists', () => {
    const probe = server.startupProbe;
    expect(probe).toBeDefined();
    expect(server.readinessProbe).toBeDefined();
    expect(probe.periodSeconds * probe.failureThreshold).toBeGreaterThanOrEqual(plan.memory.totalWeightsBytes / GB);
  });
});

describe('vLLM: replicas, PodDisruptionBudget and rollout', () => {
  it('replicas 2 -> a PDB with maxUnavailable 1 selecting the pods', () => {
    const { objects } = build({ ...MISTRAL_A10G, replicas: 2 });
    const template = deploymentTemplate(objects);
    expect(only(objects, 'Deployment').spec.replicas).toBe(2);
    const pdb = only(objects, 'PodDisruptionBudget');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.minAvailable).toBeUndefined(); // the two are mutually exclusive
    expect(selects(pdb.spec.selector.matchLabels, template.metadata?.labels)).toBe(true);
    expect(pdb.metadata?.namespace).toBe(only(objects, 'Deployment').metadata?.namespace);
  });

  it('replicas 1 (the default) -> no PDB (maxUnavailable 1 of 1 protects nothing, minAvailable 1 blocks drains)', () => {
    const { objects } = build(MISTRAL_A10G);
    expect(only(objects, 'Deployment').spec.replicas).toBe(1);
    expect(ofKind(objects, 'PodDisruptionBudget')).toHaveLength(0);
  });

  it('default rollout replaces in place: maxSurge 0 (no spare GPU node), maxUnavailable > 0 so it can progress', () => {
    const { objects } = build({ ...MISTRAL_A10G, replicas: 2 });
    const strategy = only(objects, 'Deployment').spec.strategy;
    expect(strategy.type).toBe('RollingUpdate');
    expect(strategy.rollingUpdate.maxSurge).toBe(0);
    // Kubernetes rejects maxSurge 0 together with maxUnavailable 0.
    expect(strategy.rollingUpdate.maxUnavailable).toBeGreaterThanOrEqual(1);
  });

  it("rollout 'surge' starts the new pod first: maxSurge 1", () => {
    const { objects } = build({ ...MISTRAL_A10G, replicas: 2, rollout: 'surge' });
    const strategy = only(objects, 'Deployment').spec.strategy;
    expect(strategy.type).toBe('RollingUpdate');
    expect(strategy.rollingUpdate.maxSurge).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------
// TGI (T4, EETQ)
// ---------------------------------------------------------------------------------------------------

describe('TGI eetq on g4dn.xlarge (T4)', () => {
  const { worker, objects } = build({
    model: MISTRAL,
    engine: 'tgi',
    quantization: 'eetq',
    instanceType: 'g4dn.xlarge',
    maxContextLength: 4096,
    concurrency: 4,
    hfTokenSecret: hfToken,
  });
  const plan = worker.plan;
  const template = deploymentTemplate(objects);
  const server = serverContainer(template);
  const args: string[] = server.args;

  it('is planned on the named instance type', () => {
    expect(plan.instanceType?.name).toBe('g4dn.xlarge');
    expect(plan.accelerator.id).toBe('T4');
  });

  it('--num-shard = plan.tensorParallel = nvidia.com/gpu request = limit', () => {
    expect(Number(flag(args, '--num-shard'))).toBe(plan.tensorParallel);
    const gpu = gpuCount(server);
    expect(gpu.request).toBe(plan.tensorParallel);
    expect(gpu.limit).toBe(gpu.request);
  });

  it('--quantize eetq, once', () => {
    expect(count(args, '--quantize')).toBe(1);
    expect(flag(args, '--quantize')).toBe('eetq');
  });

  it('node affinity pins node.kubernetes.io/instance-type In [g4dn.xlarge] in every (OR-ed) term', () => {
    const terms = template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms.length).toBeGreaterThan(0);
    for (const term of terms) {
      expect(term.matchExpressions).toContainEqual({ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g4dn.xlarge'] });
    }
  });

  it('tolerates the nvidia.com/gpu NoSchedule taint', () => {
    const tolerations = template.spec.tolerations ?? [];
    const gpu = tolerations.find((t: any) => t.key === 'nvidia.com/gpu');
    expect(gpu).toBeDefined();
    expect(gpu.effect).toBe('NoSchedule');
    expect(gpu.operator === 'Exists' || (gpu.operator === 'Equal' && gpu.value !== undefined)).toBe(true);
  });

  it('the pod fits the pinned instance type (cpu and memory requests <= the instance)', () => {
    const instance = plan.instanceType!;
    expect(instance.name).toBe('g4dn.xlarge');
    expect(quantity(server.resources.requests.cpu)).toBeLessThanOrEqual(instance.vcpu);
    expect(quantity(server.resources.requests.memory)).toBeLessThanOrEqual(instance.memoryMiB * 2 ** 20);
  });

  it('max-total-tokens = plan.maxContextLength > max-input-tokens (TGI router rule)', () => {
    expect(Number(flag(args, '--max-total-tokens'))).toBe(plan.maxContextLength);
    expect(Number(flag(args, '--max-input-tokens'))).toBeLessThan(Number(flag(args, '--max-total-tokens')));
    expect(Number(flag(args, '--max-batch-prefill-tokens'))).toBeGreaterThanOrEqual(Number(flag(args, '--max-input-tokens')));
  });
});

// ---------------------------------------------------------------------------------------------------
// TGI on Inferentia2
// ---------------------------------------------------------------------------------------------------

describe('TGI-neuron on inf2.xlarge', () => {
  const { worker, objects } = build({
    model: MISTRAL,
    engine: 'tgi-neuron',
    instanceType: 'inf2.xlarge',
    maxContextLength: 4096,
    concurrency: 4,
    hfTokenSecret: hfToken,
  });
  const plan = worker.plan;
  const template = deploymentTemplate(objects);
  const server = serverContainer(template);
  const args: string[] = server.args;

  it('requests aws.amazon.com/neuron = plan.acceleratorsPerReplica (1), and no nvidia.com/gpu', () => {
    expect(plan.acceleratorsPerReplica).toBe(1);
    const neuron = gpuCount(server, 'aws.amazon.com/neuron');
    expect(neuron.request).toBe(plan.acceleratorsPerReplica);
    expect(neuron.limit).toBe(neuron.request);
    expect(server.resources.requests['nvidia.com/gpu']).toBeUndefined();
    expect(server.resources.limits['nvidia.com/gpu']).toBeUndefined();
  });

  it('HF_NUM_CORES = plan.tensorParallel (2), within the NeuronCores of the requested devices', () => {
    expect(plan.tensorParallel).toBe(2);
    const cores = Number(envLiteral(server, 'HF_NUM_CORES'));
    expect(cores).toBe(plan.tensorParallel);
    // tgi_env.py refuses a neuron config whose tp_degree exceeds the visible cores.
    const visible = gpuCount(server, 'aws.amazon.com/neuron').request! * plan.accelerator.neuronCoresPerDevice!;
    expect(cores).toBeLessThanOrEqual(visible);
    // No launcher flag may contradict it.
    if (args.includes('--num-shard')) expect(Number(flag(args, '--num-shard'))).toBe(cores);
  });

  it('MAX_BATCH_SIZE = --max-batch-size; MAX_TOTAL_TOKENS = --max-total-tokens = plan.maxContextLength (TGI 3.3.6 tgi_env.py names)', () => {
    expect(envLiteral(server, 'MAX_BATCH_SIZE')).toBeDefined();
    expect(Number(envLiteral(server, 'MAX_BATCH_SIZE'))).toBe(Number(flag(args, '--max-batch-size')));
    expect(Number(envLiteral(server, 'MAX_TOTAL_TOKENS'))).toBe(Number(flag(args, '--max-total-tokens')));
    expect(Number(flag(args, '--max-total-tokens'))).toBe(plan.maxContextLength);
    expect(Number(flag(args, '--max-batch-size'))).toBe(plan.concurrency);
  });

  it('max input < sequence length and prefill = batch x max input (tgi_env.py rules)', () => {
    const maxInput = Number(flag(args, '--max-input-tokens'));
    expect(maxInput).toBeLessThan(Number(envLiteral(server, 'MAX_TOTAL_TOKENS')));
    expect(Number(flag(args, '--max-batch-prefill-tokens'))).toBe(Number(flag(args, '--max-batch-size')) * maxInput);
  });

  it('HF_AUTO_CAST_TYPE matches the model dtype', () => {
    expect(envLiteral(server, 'HF_AUTO_CAST_TYPE')).toBe(plan.model.dtype === 'float16' ? 'fp16' : 'bf16');
  });

  it('tolerates aws.amazon.com/neuron (not nvidia.com/gpu)', () => {
    const keys = (template.spec.tolerations ?? []).map((t: any) => t.key);
    expect(keys).toContain('aws.amazon.com/neuron');
    expect(keys).not.toContain('nvidia.com/gpu');
  });

  it('the pod fits the pinned instance type', () => {
    const instance = plan.instanceType!;
    expect(instance.name).toBe('inf2.xlarge');
    expect(quantity(server.resources.requests.cpu)).toBeLessThanOrEqual(instance.vcpu);
    expect(quantity(server.resources.requests.memory)).toBeLessThanOrEqual(instance.memoryMiB * 2 ** 20);
  });
});

// ---------------------------------------------------------------------------------------------------
// Multi-node vLLM: LeaderWorkerSet
// ---------------------------------------------------------------------------------------------------

describe('multi-node Llama-3.1-405B on p5.48xlarge', () => {
  const { worker, objects } = build({
    model: 'meta-llama/Llama-3.1-405B-Instruct',
    instanceType: 'p5.48xlarge',
    maxContextLength: 16384,
    concurrency: 8,
    hfTokenSecret: hfToken,
    modelCache: { type: 'hostPath', path: '/mnt/k8s-disks/0/models' },
  });
  const plan = worker.plan;
  const lws = () => only(objects, 'LeaderWorkerSet');
  const leader = (): PodTemplate => lws().spec.leaderWorkerTemplate.leaderTemplate;
  const workerTemplate = (): PodTemplate => lws().spec.leaderWorkerTemplate.workerTemplate;
  /** The leader's shell command line, split into words. */
  const leaderWords = (): string[] => {
    const c = serverContainer(leader());
    return [...(c.command ?? []), ...(c.args ?? [])].join(' ').split(/\s+/);
  };

  it('emits a LeaderWorkerSet and no Deployment', () => {
    expect(plan.nodesPerReplica).toBe(2);
    expect(ofKind(objects, 'Deployment')).toHaveLength(0);
    expect(ofKind(objects, 'LeaderWorkerSet')).toHaveLength(1);
  });

  it('spec.leaderWorkerTemplate.size = plan.nodesPerReplica', () => {
    expect(lws().spec.leaderWorkerTemplate.size).toBe(plan.nodesPerReplica);
    expect(lws().spec.replicas).toBe(1);
  });

  it('leader runs vLLM with TP 8, PP = plan.pipelineParallel, and the Ray backend exactly once', () => {
    const words = leaderWords();
    expect(count(words, '--tensor-parallel-size')).toBe(1);
    expect(flag(words, '--tensor-parallel-size')).toBe('8');
    expect(plan.tensorParallel).toBe(8);
    expect(count(words, '--pipeline-parallel-size')).toBe(1);
    expect(Number(flag(words, '--pipeline-parallel-size'))).toBe(plan.pipelineParallel);
    expect(plan.tensorParallel * plan.pipelineParallel).toBe(plan.acceleratorsPerReplica);
    expect(count(words, '--distributed-executor-backend')).toBe(1);
    expect(flag(words, '--distributed-executor-backend')).toBe('ray');
    expect(Number(flag(words, '--max-model-len'))).toBe(plan.maxContextLength);
  });

  it('workers join the Ray head at $(LWS_LEADER_ADDRESS)', () => {
    const c = serverContainer(workerTemplate());
    const line = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
    expect(line).toContain('ray start');
    expect(line).toContain('--address=$(LWS_LEADER_ADDRESS):');
    expect(line).toContain('--block');
    // The leader starts the head on the port the workers dial.
    const port = /--address=\$\(LWS_LEADER_ADDRESS\):(\d+)/.exec(line)![1];
    expect(leaderWords().join(' ')).toContain(`--port=${port}`);
  });

  it('the Service selects the leader only (worker-index 0) and matches its labels', () => {
    const service = only(objects, 'Service');
    const selector = service.spec.selector as Record<string, string>;
    expect(selector['leaderworkerset.sigs.k8s.io/worker-index']).toBe('0');
    // LWS adds worker-index to every pod; the rest of the selector must match the leader template.
    const leaderPod = { ...leader().metadata?.labels, 'leaderworkerset.sigs.k8s.io/worker-index': '0' };
    const workerPod = { ...workerTemplate().metadata?.labels, 'leaderworkerset.sigs.k8s.io/worker-index': '1' };
    expect(selects(selector, leaderPod)).toBe(true);
    expect(selects(selector, workerPod)).toBe(false);
    const port = service.spec.ports.find((p: any) => p.name === 'http');
    expect(containerPortNames(leader())).toContain(port.targetPort);
  });

  it('each pod (leader and worker) requests 8 GPUs, request = limit', () => {
    for (const t of [leader(), workerTemplate()]) {
      const gpu = gpuCount(serverContainer(t));
      expect(gpu.request).toBe(8);
      expect(gpu.limit).toBe(8);
      expect(gpu.request! * plan.nodesPerReplica).toBe(plan.acceleratorsPerReplica);
    }
  });

  it('both pods get a memory-backed /dev/shm (TP 8 x PP 2 ranks)', () => {
    for (const t of [leader(), workerTemplate()]) {
      const shm = volumeAt(t, serverContainer(t), '/dev/shm');
      expect(shm?.emptyDir?.medium).toBe('Memory');
    }
  });

  it('the leader has startup and readiness probes sized for the weights', () => {
    const c = serverContainer(leader());
    expect(c.readinessProbe).toBeDefined();
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(plan.memory.totalWeightsBytes / GB);
  });

  it('endpoint targets the leader Service', () => {
    const service = only(objects, 'Service');
    const port = service.spec.ports.find((p: any) => p.name === 'http').port;
    expect(worker.endpoint).toBe(`http://${service.metadata?.name}.${service.metadata?.namespace}.svc.cluster.local:${port}/v1`);
  });
});

// ---------------------------------------------------------------------------------------------------
// llama.cpp, Ollama, TEI
// ---------------------------------------------------------------------------------------------------

function expectServable(template: PodTemplate): void {
  const server = serverContainer(template);
  const names = containerPortNames(template);
  expect(names).toContain('http');
  for (const probe of [server.startupProbe, server.readinessProbe]) {
    expect(probe).toBeDefined();
    const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
    // A named probe port must exist; a numeric one must be a container port.
    if (typeof port === 'string') expect(names).toContain(port);
    else expect(server.ports.map((p: any) => p.containerPort)).toContain(port);
  }
  for (const c of [...template.spec.containers, ...(template.spec.initContainers ?? [])]) {
    expect(c.image).toMatch(/(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})$/);
    expect(c.image).not.toMatch(/:latest$/);
  }
}

describe('llama.cpp: Llama-3.1-8B Q4_K_M on L4', () => {
  const { worker, objects } = build({
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    engine: 'llama-cpp',
    quantization: 'gguf-q4_k_m',
    ggufRepo: 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF',
    ggufFile: 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf',
    accelerator: 'L4',
    concurrency: 4,
    hfTokenSecret: hfToken,
  });
  const template = deploymentTemplate(objects);
  const server = serverContainer(template);

  it('ports, probes and a pinned image', () => expectServable(template));

  it('listens on the http container port and offloads to the planned GPUs', () => {
    const http = server.ports.find((p: any) => p.name === 'http');
    expect(Number(flag(server.args, '--port'))).toBe(http.containerPort);
    expect(gpuCount(server).request).toBe(worker.plan.acceleratorsPerReplica);
    expect(flag(server.args, '--hf-file')).toBe('Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf');
  });

  it('--ctx-size holds plan.concurrency full-length sequences over --parallel slots', () => {
    expect(Number(flag(server.args, '--parallel'))).toBe(worker.plan.concurrency);
    expect(Number(flag(server.args, '--ctx-size'))).toBe(worker.plan.maxContextLength * worker.plan.concurrency);
  });
});

describe('Ollama: Llama-3.1-8B on T4', () => {
  const { worker, objects } = build({
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    engine: 'ollama',
    ollamaModel: 'llama3.1:8b',
    servedModelName: 'llama-3.1-8b-instruct',
    accelerator: 'T4',
    concurrency: 2,
  });
  const template = deploymentTemplate(objects);
  const server = serverContainer(template);

  it('ports, probes and a pinned image', () => expectServable(template));

  it('an init container pulls the model and fails the pod when the pull fails', () => {
    const inits = template.spec.initContainers ?? [];
    const pull = inits.find((c: Container) => [...(c.command ?? []), ...(c.args ?? [])].join('\n').includes('ollama pull'));
    expect(pull).toBeDefined();
    const script = [...(pull.command ?? []), ...(pull.args ?? [])].join('\n');
    // `set -e` (or -eu/-euo pipefail): a failed command ends the script with an error.
    expect(script).toMatch(/(^|\n)\s*set -[a-z]*e/);
    // The pull lands in the volume the server reads its models from.
    const models = envLiteral(server, 'OLLAMA_MODELS');
    expect(models).toBeDefined();
    expect(envLiteral(pull, 'OLLAMA_MODELS')).toBe(models);
    const serverVolume = server.volumeMounts.find((m: any) => m.mountPath === models)?.name;
    expect(serverVolume).toBeDefined();
    expect(pull.volumeMounts.find((m: any) => m.mountPath === models)?.name).toBe(serverVolume);
    // The pulled model is served under the name clients use.
    expect(envLiteral(pull, 'OLLAMA_PULL_MODEL')).toBe('llama3.1:8b');
    expect(worker.modelName).toBe('llama-3.1-8b-instruct');
  });

  it('OLLAMA_HOST binds all interfaces on the http container port; parallel = plan.concurrency', () => {
    const http = server.ports.find((p: any) => p.name === 'http');
    expect(envLiteral(server, 'OLLAMA_HOST')).toBe(`0.0.0.0:${http.containerPort}`);
    expect(Number(envLiteral(server, 'OLLAMA_NUM_PARALLEL'))).toBe(worker.plan.concurrency);
    expect(Number(envLiteral(server, 'OLLAMA_CONTEXT_LENGTH'))).toBe(worker.plan.maxContextLength);
  });
});

describe('TEI: an embedding model on L4', () => {
  const { worker, objects } = build({
    model: BGE_BASE_EN_V15,
    engine: 'tei',
    accelerator: 'L4',
    replicas: 2,
  });
  const template = deploymentTemplate(objects);
  const server = serverContainer(template);

  it('ports, probes and a pinned image', () => expectServable(template));

  it('serves http on --port and metrics on --prometheus-port, both scraped/exposed by name', () => {
    const ports = Object.fromEntries(server.ports.map((p: any) => [p.name, p.containerPort]));
    expect(Number(flag(server.args, '--port'))).toBe(ports.http);
    expect(Number(flag(server.args, '--prometheus-port'))).toBe(ports.metrics);
    const monitor = only(objects, 'PodMonitor');
    expect(monitor.spec.podMetricsEndpoints.map((e: any) => e.port)).toEqual(['metrics']);
    const service = only(objects, 'Service');
    for (const p of service.spec.ports) expect(Object.keys(ports)).toContain(p.targetPort);
    expect(gpuCount(server).request).toBe(worker.plan.acceleratorsPerReplica);
  });
});

// ---------------------------------------------------------------------------------------------------
// Model cache
// ---------------------------------------------------------------------------------------------------

describe('model cache', () => {
  const cacheVolumeOf = (template: PodTemplate, container: Container): any => {
    const home = envLiteral(container, 'HF_HOME');
    expect(home).toBeDefined();
    const volume = volumeAt(template, container, home!);
    expect(volume).toBeDefined(); // HF_HOME is a mount path of the pod
    return volume;
  };

  it("pvc -> a PersistentVolumeClaim that holds the weights, in the pod's namespace, mounted at HF_HOME", () => {
    const { worker, objects } = build({ ...MISTRAL_A10G, modelCache: { type: 'pvc', storageClassName: 'gp3' } });
    const pvc = only(objects, 'PersistentVolumeClaim');
    expect(quantity(pvc.spec.resources.requests.storage)).toBeGreaterThanOrEqual(worker.plan.memory.totalWeightsBytes);
    expect(pvc.spec.storageClassName).toBe('gp3');
    expect(pvc.metadata?.namespace).toBe(only(objects, 'Deployment').metadata?.namespace);
    const template = deploymentTemplate(objects);
    const volume = cacheVolumeOf(template, serverContainer(template));
    expect(volume.persistentVolumeClaim.claimName).toBe(pvc.metadata?.name);
    // A PVC cache is not node disk: no ephemeral-storage request for it.
    expect(serverContainer(template).resources.requests['ephemeral-storage']).toBeUndefined();
  });

  it('emptyDir (the default) -> an ephemeral-storage request that covers the cache size limit and the weights', () => {
    const { worker, objects } = build(MISTRAL_A10G);
    expect(ofKind(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    const template = deploymentTemplate(objects);
    const server = serverContainer(template);
    const volume = cacheVolumeOf(template, server);
    expect(volume.emptyDir).toBeDefined();
    expect(volume.emptyDir.medium).toBeUndefined(); // node disk, not RAM
    const sizeLimit = quantity(volume.emptyDir.sizeLimit);
    expect(sizeLimit).toBeGreaterThanOrEqual(worker.plan.memory.totalWeightsBytes);
    const requested = quantity(server.resources.requests['ephemeral-storage']);
    expect(requested).toBeGreaterThanOrEqual(sizeLimit);
    expect(quantity(server.resources.limits['ephemeral-storage'])).toBeGreaterThanOrEqual(requested);
  });

  it('emptyDir with sizeGiB -> sizeLimit of that size, covered by the request', () => {
    const { objects } = build({ ...MISTRAL_A10G, modelCache: { type: 'emptyDir', sizeGiB: 40 } });
    const template = deploymentTemplate(objects);
    const server = serverContainer(template);
    const volume = cacheVolumeOf(template, server);
    expect(quantity(volume.emptyDir.sizeLimit)).toBe(40 * 2 ** 30);
    expect(quantity(server.resources.requests['ephemeral-storage'])).toBeGreaterThanOrEqual(40 * 2 ** 30);
  });

  it('existingClaim -> a volume referencing that claim, and no new PVC', () => {
    const { objects } = build({ ...MISTRAL_A10G, modelCache: { type: 'existingClaim', claimName: 'shared-models' } });
    expect(ofKind(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    const template = deploymentTemplate(objects);
    const volume = cacheVolumeOf(template, serverContainer(template));
    expect(volume.persistentVolumeClaim).toEqual({ claimName: 'shared-models' });
  });

  it('hostPath -> a hostPath volume at that path, and no PVC', () => {
    const { objects } = build({ ...MISTRAL_A10G, modelCache: { type: 'hostPath', path: '/mnt/models' } });
    expect(ofKind(objects, 'PersistentVolumeClaim')).toHaveLength(0);
    const template = deploymentTemplate(objects);
    const volume = cacheVolumeOf(template, serverContainer(template));
    expect(volume.hostPath.path).toBe('/mnt/models');
  });

  // KNOWN BUG, reported (lib/constructs/model-cache.ts, `case 'pvc'`): one ReadWriteOnce claim is shared by
  // every replica of the Deployment. RWO attaches to ONE node: a replica scheduled on another node sticks in
  // ContainerCreating ("Multi-Attach error"). The vllm-mistral-a10g example (replicas 2, gp3) has it.
  // A ReadWriteOnce volume attaches to one node (Kubernetes access-mode semantics): replicas on other
  // nodes would fail with a Multi-Attach error, so several replicas need ReadWriteMany or a per-pod cache.
  it('replicas > 1 never share a single ReadWriteOnce claim', () => {
    const error = thrown(() => build({ ...MISTRAL_A10G, replicas: 2, modelCache: { type: 'pvc', storageClassName: 'gp3' } }));
    expectActionable(error, 'modelCache.accessMode', ValidationError);
    const { objects } = build({ ...MISTRAL_A10G, replicas: 2, modelCache: { type: 'pvc', storageClassName: 'efs-sc', accessMode: 'ReadWriteMany' } });
    expect(only(objects, 'PersistentVolumeClaim').spec.accessModes).toEqual(['ReadWriteMany']);
  });

  it('hostPath must already exist (a kubelet-created directory is root-owned, unwritable by UID 1000)', () => {
    const { objects } = build({ ...MISTRAL_A10G, modelCache: { type: 'hostPath', path: '/mnt/models' } });
    const volume = cacheVolumeOf(deploymentTemplate(objects), serverContainer(deploymentTemplate(objects)));
    expect(volume.hostPath).toEqual({ path: '/mnt/models', type: 'Directory' });
  });

  it('an fp32 checkpoint gets a cache for its download size (4 bytes per parameter), not its served size', () => {
    const gemma = build({ model: 'google/gemma-2-9b', accelerator: 'L40S', modelCache: { type: 'pvc' } });
    const storage = only(gemma.objects, 'PersistentVolumeClaim').spec.resources.requests.storage as string;
    // gemma-2-9b base: 9,241,705,984 parameters stored as float32 (facts table C), served in 16 bits.
    expect(Number(storage.replace('Gi', '')) * 2 ** 30).toBeGreaterThanOrEqual(9_241_705_984 * 4);
  });

  it('TGI: HF_HOME and --huggingface-hub-cache live on the cache volume', () => {
    const { objects } = build({ model: MISTRAL, engine: 'tgi', quantization: 'eetq', instanceType: 'g4dn.xlarge', maxContextLength: 4096, modelCache: { type: 'pvc' } });
    const template = deploymentTemplate(objects);
    const server = serverContainer(template);
    const volume = cacheVolumeOf(template, server);
    expect(volume.persistentVolumeClaim.claimName).toBe(only(objects, 'PersistentVolumeClaim').metadata?.name);
    const home = envLiteral(server, 'HF_HOME')!;
    const hubCache = flag(server.args, '--huggingface-hub-cache');
    if (hubCache !== undefined) expect(hubCache.startsWith(`${home.replace(/\/$/, '')}/`)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------
// Secrets by reference only
// ---------------------------------------------------------------------------------------------------

describe.each([
  ['vllm', MISTRAL_A10G],
  ['tgi', { model: MISTRAL, engine: 'tgi', quantization: 'eetq', instanceType: 'g4dn.xlarge', maxContextLength: 4096 } as LlmWorkerProps],
  ['tgi-neuron', { model: MISTRAL, engine: 'tgi-neuron', instanceType: 'inf2.xlarge', maxContextLength: 4096, concurrency: 4 } as LlmWorkerProps],
])('HF token by reference only: %s', (_engine, props) => {
  const { objects } = build({ ...props, hfTokenSecret: { name: 'hf', key: 'token' } });
  const template = deploymentTemplate(objects);
  const containers: Container[] = [...template.spec.containers, ...(template.spec.initContainers ?? [])];

  it('HF_TOKEN comes from secretKeyRef hf/token, with no literal value', () => {
    const token = envVar(serverContainer(template), 'HF_TOKEN');
    expect(token).toBeDefined();
    expect(token.value).toBeUndefined();
    expect(token.valueFrom).toEqual({ secretKeyRef: { name: 'hf', key: 'token' } });
  });

  it('no secret-like env var has a literal value, and no arg carries a token', () => {
    for (const c of containers) {
      for (const e of c.env ?? []) {
        // Secret-like names (HF_TOKEN, *_API_KEY...), not token counts such as MAX_TOTAL_TOKENS.
        if (/(^|_)(token|key|secret|password)(_|$)/i.test(e.name)) {
          expect(e.value).toBeUndefined();
          expect(e.valueFrom?.secretKeyRef).toBeDefined();
        }
      }
      for (const a of c.args ?? []) expect(a).not.toContain('hf_');
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Bad input: typed, actionable errors at construction
// ---------------------------------------------------------------------------------------------------

describe('bad input fails at construction with a typed, actionable error', () => {
  const attempt = (props: unknown, id = 'model') => thrown(() => build(props as LlmWorkerProps, id));

  it('a model that does not fit the instance type -> SizingError on instanceType, with hardware that fits', () => {
    const e = expectActionable(attempt({ model: 'meta-llama/Llama-3.1-405B-Instruct', instanceType: 'g5.xlarge' }), 'instanceType', SizingError);
    expect(e.code).toBe('does-not-fit');
    // Suggestions name hardware, not just "try something else".
    expect(e.suggestions.some((s) => /\d+\s*x\s*[A-Z]/.test(s) || /\.\d*xlarge/.test(s))).toBe(true);
  });

  it('GGUF on vLLM with TP > 1 -> field tensorParallel, pointing at llama-cpp', () => {
    const error = expectActionable(
      attempt({ model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'vllm', quantization: 'gguf-q4_k_m', tensorParallel: 2, instanceType: 'g5.12xlarge', ggufFile: 'x.gguf' }),
      'tensorParallel',
      SizingError,
    );
    expect(error.suggestions.join(' ')).toMatch(/llama-cpp/);
  });

  it('GGUF on vLLM without ggufFile -> field ggufFile', () => {
    expectActionable(attempt({ model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'vllm', quantization: 'gguf-q4_k_m', accelerator: 'L4' }), 'ggufFile', ValidationError);
  });

  it('AWQ without checkpoint -> field checkpoint', () => {
    expectActionable(attempt({ model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'vllm', quantization: 'awq', accelerator: 'L4' }), 'checkpoint', ValidationError);
  });

  it('TGI-neuron on an NVIDIA accelerator -> field accelerator', () => {
    const e = expectActionable(attempt({ model: MISTRAL, engine: 'tgi-neuron', accelerator: 'A10G' }), 'accelerator');
    expect(e.suggestions.join(' ')).toMatch(/inferentia2|trainium|inf2/);
  });

  it('TGI-neuron on an NVIDIA instance type -> field instanceType', () => {
    expectActionable(attempt({ model: MISTRAL, engine: 'tgi-neuron', instanceType: 'g5.xlarge' }), 'instanceType');
  });

  // The planner refuses to span nodes for engines that cannot (llama-cpp, ollama) before the construct's
  // own multi-node check is reached: the error is the planner's.
  it('llama.cpp needing more than one node (405B on g5.xlarge) -> SizingError on instanceType', () => {
    const e = expectActionable(attempt({ model: 'meta-llama/Llama-3.1-405B-Instruct', engine: 'llama-cpp', instanceType: 'g5.xlarge', ggufFile: 'x.gguf' }), 'instanceType', SizingError);
    expect(e.code).toBe('does-not-fit');
  });

  it('Ollama forced over two single-GPU nodes -> SizingError: it cannot span nodes', () => {
    const e = expectActionable(
      attempt({ model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'ollama', instanceType: 'g5.xlarge', pipelineParallel: 2, ollamaModel: 'llama3.1:8b' }),
      'instanceType',
      SizingError,
    );
    expect(e.message).toMatch(/cannot span nodes/);
  });

  it("construct id 'My_Model' -> field id", () => {
    expectActionable(attempt({ model: MISTRAL, accelerator: 'A10G' }, 'My_Model'), 'id', ValidationError);
  });

  it("name 'UPPER' -> field name", () => {
    const e = expectActionable(attempt({ model: MISTRAL, accelerator: 'A10G', name: 'UPPER' }), 'name', ValidationError);
    expect(e.suggestions.join(' ')).toContain('upper');
  });

  it.each([[-1], [1.5], [Number.NaN], ['2']])('replicas %p -> field replicas', (replicas) => {
    expectActionable(attempt({ model: MISTRAL, accelerator: 'A10G', replicas }), 'replicas', ValidationError);
  });

  it.each([['pvc'], ['emptyDir']])('a %s cache smaller than the weights -> field modelCache.sizeGiB', (type) => {
    expectActionable(attempt({ model: MISTRAL, accelerator: 'A10G', modelCache: { type, sizeGiB: 2 } }), 'modelCache.sizeGiB', ValidationError);
  });

  it('an unknown modelCache type -> field modelCache.type', () => {
    expectActionable(attempt({ model: MISTRAL, accelerator: 'A10G', modelCache: { type: 's3' } }), 'modelCache.type', ValidationError);
  });

  it.each([[undefined], [null]])('props %p from plain JS -> a ValidationError naming props, not a TypeError', (props) => {
    expectActionable(attempt(props), 'props', ValidationError);
  });

  it('props without a model -> field model', () => {
    expectActionable(attempt({}), 'model');
  });
});
