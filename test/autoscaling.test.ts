/**
 * Metric-driven autoscaling of LlmWorker (issue 6): the objects validate against upstream schemas,
 * and they agree with each other the way Prometheus, prometheus-operator, prometheus-adapter, the HPA
 * and KEDA read them: the recording rule selects the series the PodMonitor produces for exactly this
 * worker's pods, the adapter serves the recorded series under the name the HPA asks for, KEDA sums the
 * same series, and the autoscaler drives the workload that runs those pods.
 */
import { Chart, Testing } from 'cdk8s';
import { parse as parseYaml } from 'yaml';
import { BGE_BASE_EN_V15 } from '../examples/workers';
import { kedaExample } from '../examples/autoscaling';
import { GpuNodePool, LlmWorker, type LlmWorkerProps } from '../lib/constructs';
import { ValidationError } from '../lib/errors';
import { validateObject, validateWithEsmModels, type K8sObject } from './support/schemas';

type Obj = K8sObject & { spec?: any; data?: Record<string, string> };
type AutoscalingProps = NonNullable<LlmWorkerProps['autoscaling']>;

const NAMESPACE = 'llm';
const hfToken = { name: 'hf', key: 'token' };
const MISTRAL = 'mistralai/Mistral-7B-Instruct-v0.3';
const KARPENTER = { type: 'karpenter', clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' } as const;

/** The label each engine's own queue-depth gauge is exported under (issue 6, "Default metric per engine"). */
const DEFAULT_METRIC: Readonly<Record<string, string>> = {
  vllm: 'vllm:num_requests_waiting',
  tgi: 'tgi_queue_size',
  tei: 'te_queue_size',
  'llama-cpp': 'llamacpp:requests_deferred',
};

/** HPA `behavior.*.stabilizationWindowSeconds` upper bound (autoscaling/v2 API validation). */
const HPA_MAX_STABILIZATION_SECONDS = 3600;

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

interface Built {
  readonly chart: Chart;
  readonly worker: LlmWorker;
  readonly objects: Obj[];
}

function build(props: LlmWorkerProps, id = 'model'): Built {
  const app = Testing.app();
  const chart = new Chart(app, 'x', { namespace: NAMESPACE });
  const worker = new LlmWorker(chart, id, props);
  return { chart, worker, objects: Testing.synth(chart) as Obj[] };
}

function ofKind(objects: readonly Obj[], kind: string): Obj[] {
  return objects.filter((o) => o.kind === kind);
}

function only(objects: readonly Obj[], kind: string): Obj {
  const found = ofKind(objects, kind);
  expect(found.map((o) => o.kind)).toEqual([kind]);
  return found[0];
}

function errorOf(fn: () => unknown): Error | undefined {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

/** A ValidationError on `field` with at least one non-empty suggestion. */
function expectActionable(fn: () => unknown, field: string | RegExp): ValidationError {
  const error = errorOf(fn);
  expect(error).toBeInstanceOf(ValidationError);
  const e = error as ValidationError;
  if (typeof field === 'string') expect(e.field).toBe(field);
  else expect(e.field).toMatch(field);
  expect(e.suggestions.length).toBeGreaterThan(0);
  for (const s of e.suggestions) expect(s.trim()).not.toBe('');
  return e;
}

/** The number appears in the message as a whole number (not as a digit of another). */
function mentions(message: string, n: number): boolean {
  return new RegExp(`(^|[^0-9.])${n}([^0-9]|$)`).test(message);
}

/** Prometheus' label-name sanitisation of pod labels copied by `podTargetLabels` (invalid chars -> `_`). */
function prometheusLabelName(kubernetesLabel: string): string {
  return kubernetesLabel.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Does a Kubernetes label selector (`matchLabels` only, as emitted) select these labels? */
function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] }, labels: Record<string, string> = {}): boolean {
  expect(selector.matchExpressions ?? []).toEqual([]);
  const match = Object.entries(selector.matchLabels ?? {});
  return match.length > 0 && match.every(([k, v]) => labels[k] === v);
}

/** The pod templates of a workload: a Deployment's, or a LeaderWorkerSet's leader and worker templates. */
function podTemplates(workload: Obj): Array<{ metadata?: { labels?: Record<string, string> }; spec: any }> {
  if (workload.kind === 'Deployment') return [workload.spec.template];
  if (workload.kind === 'LeaderWorkerSet') {
    const t = workload.spec.leaderWorkerTemplate;
    return [t.leaderTemplate, t.workerTemplate].filter(Boolean);
  }
  throw new Error(`not a workload: ${workload.kind}`);
}

function workloadOf(objects: readonly Obj[]): Obj {
  const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'LeaderWorkerSet');
  expect(workloads).toHaveLength(1);
  return workloads[0];
}

/** Longest time the kubelet lets a container start before killing it: the startup probe's budget. */
function startupProbeBudgetSeconds(workload: Obj): number {
  const budgets = podTemplates(workload)
    .flatMap((t) => t.spec.containers as any[])
    .filter((c) => c.startupProbe)
    .map((c) => (c.startupProbe.initialDelaySeconds ?? 0) + (c.startupProbe.periodSeconds ?? 10) * (c.startupProbe.failureThreshold ?? 3));
  expect(budgets.length).toBeGreaterThan(0);
  return Math.max(...budgets);
}

// --- PromQL, just enough to read vector selectors and aggregations ---------------------------------

interface Matcher {
  readonly label: string;
  readonly op: string;
  readonly value: string;
}
interface VectorSelector {
  readonly metric: string;
  readonly matchers: Matcher[];
}

function parseMatchers(body: string): Matcher[] {
  const matchers: Matcher[] = [];
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(body)) !== null && m[0].length > 0) {
    matchers.push({ label: m[1], op: m[2], value: m[3] });
    consumed = re.lastIndex;
    if (consumed >= body.length) break;
  }
  expect(body.slice(consumed).trim()).toBe('');
  return matchers;
}

/** Every `metric{...}` vector selector of a PromQL expression. */
function vectorSelectors(expr: string): VectorSelector[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g)].map((m) => ({ metric: m[1], matchers: parseMatchers(m[2]) }));
}

function equalityMatchers(selector: VectorSelector): Record<string, string> {
  return Object.fromEntries(selector.matchers.filter((m) => m.op === '=').map((m) => [m.label, m.value]));
}

const AGGREGATION = /\b(sum|avg|min|max|count|group|stddev|stdvar|topk|bottomk|quantile|count_values)\s*(?=\(|by\b|without\b)/g;

/** True when no aggregation in the expression drops the `pod` label (each one keeps it with `by (... pod ...)`). */
function keepsPodLabel(expr: string): boolean {
  const aggregations = expr.match(AGGREGATION) ?? [];
  if (aggregations.length === 0) return true;
  if (/\bwithout\s*\([^)]*\bpod\b/.test(expr)) return false;
  const byPod = expr.match(/\bby\s*\([^)]*\bpod\b[^)]*\)/g) ?? [];
  return byPod.length >= aggregations.length;
}

// --- The autoscaling objects of one worker ----------------------------------------------------------

interface Autoscaling {
  readonly workload: Obj;
  readonly podLabels: Record<string, string>;
  readonly monitor: Obj;
  readonly rule: { record: string; expr: string };
  readonly hpa?: Obj;
  readonly scaledObject?: Obj;
  readonly adapter?: { seriesQuery: string; resources: any; name: { matches: string; as: string }; metricsQuery: string };
}

function autoscalingOf(objects: readonly Obj[]): Autoscaling {
  const workload = workloadOf(objects);
  const podLabels = podTemplates(workload)[0].metadata?.labels ?? {};
  const monitor = only(objects, 'PodMonitor');
  const prometheusRule = only(objects, 'PrometheusRule');
  const rules = (prometheusRule.spec.groups as any[]).flatMap((g) => g.rules as any[]);
  expect(rules).toHaveLength(1);
  const rule = { record: String(rules[0].record), expr: String(rules[0].expr) };
  const hpas = ofKind(objects, 'HorizontalPodAutoscaler');
  const scaledObjects = ofKind(objects, 'ScaledObject');
  // One autoscaler per workload: KEDA creates its own HPA, a second one would fight it.
  expect(hpas.length + scaledObjects.length).toBe(1);
  let adapter: Autoscaling['adapter'];
  if (hpas.length === 1) {
    // The adapter rule is shipped as a ConfigMap in prometheus-adapter's `rules:` format.
    const ruleMaps = ofKind(objects, 'ConfigMap').flatMap((cm) =>
      Object.values(cm.data ?? {})
        .map((text) => parseYaml(text))
        .filter((doc: any) => Array.isArray(doc?.rules)),
    );
    expect(ruleMaps).toHaveLength(1);
    const adapterRules = ruleMaps[0].rules;
    expect(adapterRules).toHaveLength(1);
    adapter = adapterRules[0];
  }
  return { workload, podLabels, monitor, rule, hpa: hpas[0], scaledObject: scaledObjects[0], adapter };
}

// ---------------------------------------------------------------------------------------------------
// Every engine with metrics, with the HPA and with KEDA
// ---------------------------------------------------------------------------------------------------

interface Case {
  readonly title: string;
  readonly engine: keyof typeof DEFAULT_METRIC;
  readonly props: LlmWorkerProps & { autoscaling: AutoscalingProps };
}

const VLLM: LlmWorkerProps = { model: MISTRAL, engine: 'vllm', accelerator: 'A10G', hfTokenSecret: hfToken };
const TGI: LlmWorkerProps = { model: MISTRAL, engine: 'tgi', quantization: 'eetq', instanceType: 'g4dn.xlarge', maxContextLength: 4096, concurrency: 4, hfTokenSecret: hfToken };
const TEI: LlmWorkerProps = { model: BGE_BASE_EN_V15, engine: 'tei', accelerator: 'L4' };
const LLAMA_CPP: LlmWorkerProps = {
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  engine: 'llama-cpp',
  quantization: 'gguf-q4_k_m',
  ggufRepo: 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF',
  ggufFile: 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf',
  accelerator: 'L4',
  concurrency: 4,
  hfTokenSecret: hfToken,
};

const CASES: Case[] = [
  { title: 'vLLM, HPA', engine: 'vllm', props: { ...VLLM, autoscaling: { minReplicas: 1, maxReplicas: 4 } } },
  { title: 'vLLM, KEDA', engine: 'vllm', props: { ...VLLM, autoscaling: { minReplicas: 2, maxReplicas: 6, scaler: 'keda', target: 4 } } },
  { title: 'TGI, HPA', engine: 'tgi', props: { ...TGI, autoscaling: { minReplicas: 1, maxReplicas: 3, target: 2 } } },
  { title: 'TGI, KEDA', engine: 'tgi', props: { ...TGI, autoscaling: { minReplicas: 1, maxReplicas: 3, scaler: 'keda' } } },
  { title: 'TEI, HPA', engine: 'tei', props: { ...TEI, autoscaling: { minReplicas: 1, maxReplicas: 5, target: 16 } } },
  { title: 'TEI, KEDA', engine: 'tei', props: { ...TEI, autoscaling: { minReplicas: 1, maxReplicas: 5, scaler: 'keda', target: 16 } } },
  { title: 'llama.cpp, HPA', engine: 'llama-cpp', props: { ...LLAMA_CPP, autoscaling: { minReplicas: 1, maxReplicas: 2, scaler: 'hpa' } } },
  { title: 'llama.cpp, KEDA', engine: 'llama-cpp', props: { ...LLAMA_CPP, autoscaling: { minReplicas: 1, maxReplicas: 2, scaler: 'keda', target: 0.5 } } },
];

describe.each(CASES)('$title', ({ engine, props }) => {
  const { worker, objects } = build(props);
  const a = autoscalingOf(objects);
  const scaler = props.autoscaling.scaler ?? 'hpa';
  const target = props.autoscaling.target ?? 1;

  it('every object validates against its upstream schema (core, prometheus-operator, KEDA CRD and model)', () => {
    for (const o of objects) validateObject(o);
    expect(validateWithEsmModels(objects)).toEqual([]);
    expect(ofKind(objects, 'PodMonitor')).toHaveLength(1);
    expect(ofKind(objects, 'PrometheusRule')).toHaveLength(1);
    if (scaler === 'keda') {
      const so = only(objects, 'ScaledObject');
      expect(so.apiVersion).toBe('keda.sh/v1alpha1');
      expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
    } else {
      expect(only(objects, 'HorizontalPodAutoscaler').apiVersion).toBe('autoscaling/v2');
    }
  });

  it('the Deployment leaves replicas to the autoscaler, whose scaleTargetRef names exactly it', () => {
    expect(a.workload.kind).toBe('Deployment');
    expect('replicas' in a.workload.spec).toBe(false);
    const ref = (a.hpa ?? a.scaledObject)!.spec.scaleTargetRef;
    const targets = objects.filter((o) => o.apiVersion === (ref.apiVersion ?? 'apps/v1') && o.kind === (ref.kind ?? 'Deployment') && o.metadata?.name === ref.name);
    expect(targets).toEqual([a.workload]);
    // The workload runs the pods the PodMonitor scrapes (so the signal is about the pods being scaled).
    expect(selects(a.workload.spec.selector, a.podLabels)).toBe(true);
    expect(selects(a.monitor.spec.selector, a.podLabels)).toBe(true);
  });

  it('replica bounds are the ones asked for', () => {
    if (a.hpa) {
      expect(a.hpa.spec.minReplicas).toBe(props.autoscaling.minReplicas);
      expect(a.hpa.spec.maxReplicas).toBe(props.autoscaling.maxReplicas);
    } else {
      expect(a.scaledObject!.spec.minReplicaCount).toBe(props.autoscaling.minReplicas);
      expect(a.scaledObject!.spec.maxReplicaCount).toBe(props.autoscaling.maxReplicas);
    }
    expect(worker.maxReplicas).toBe(props.autoscaling.maxReplicas);
  });

  it('a PodDisruptionBudget guards the pods when more than one replica may run', () => {
    expect(props.autoscaling.maxReplicas).toBeGreaterThan(1);
    const pdb = only(objects, 'PodDisruptionBudget');
    expect(selects(pdb.spec.selector, a.podLabels)).toBe(true);
  });

  it(`the recording rule selects ${DEFAULT_METRIC[engine]} of exactly this worker's pods, per pod`, () => {
    const instanceLabels = a.monitor.spec.podTargetLabels as string[];
    expect(instanceLabels).toContain('app.kubernetes.io/instance');
    const instanceValue = a.podLabels['app.kubernetes.io/instance'];
    expect(instanceValue).toBeTruthy();
    const seriesLabel = prometheusLabelName('app.kubernetes.io/instance');
    expect(seriesLabel).toBe('app_kubernetes_io_instance');

    const selectors = vectorSelectors(a.rule.expr);
    expect(selectors).toHaveLength(1);
    expect(selectors[0].metric).toBe(DEFAULT_METRIC[engine]);
    expect(equalityMatchers(selectors[0])).toEqual({ namespace: NAMESPACE, [seriesLabel]: instanceValue });
    expect(selectors[0].matchers).toHaveLength(2);
    // The HPA Pods metric is per pod: the `pod` label must survive the rule.
    expect(keepsPodLabel(a.rule.expr)).toBe(true);
    // A recorded name is a valid metric name, and not the raw series' (it would shadow it).
    expect(a.rule.record).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
    expect(a.rule.record).not.toBe(DEFAULT_METRIC[engine]);
  });

  if (scaler === 'hpa') {
    it('prometheus-adapter serves the recorded series per pod under exactly the name the HPA reads', () => {
      const adapter = a.adapter!;
      const series = vectorSelectors(adapter.seriesQuery);
      expect(series).toHaveLength(1);
      expect(series[0].metric).toBe(a.rule.record);
      // The series query finds series that carry the labels the resources are mapped from.
      const required = series[0].matchers.filter((m) => m.op === '!=' && m.value === '').map((m) => m.label);
      expect(required).toEqual(expect.arrayContaining(['namespace', 'pod']));
      expect(adapter.resources.overrides).toEqual({ namespace: { resource: 'namespace' }, pod: { resource: 'pod' } });

      const matches = new RegExp(adapter.name.matches);
      expect(matches.test(a.rule.record)).toBe(true);
      const served = a.rule.record.replace(matches, adapter.name.as);
      const metric = a.hpa!.spec.metrics;
      expect(metric).toHaveLength(1);
      expect(metric[0].type).toBe('Pods');
      expect(metric[0].pods.metric.name).toBe(served);
      // A custom-metrics API path segment.
      expect(served).not.toMatch(/[/%]/);
      expect(metric[0].pods.target).toEqual({ type: 'AverageValue', averageValue: String(target) });
      expect(adapter.metricsQuery).toContain('<<.Series>>');
      expect(adapter.metricsQuery).toContain('<<.LabelMatchers>>');
    });
  } else {
    it("KEDA sums the recorded series of exactly this worker's pods, against the per-pod target", () => {
      const triggers = a.scaledObject!.spec.triggers as any[];
      expect(triggers).toHaveLength(1);
      expect(triggers[0].type).toBe('prometheus');
      const { query, threshold, serverAddress } = triggers[0].metadata;
      expect(() => new URL(serverAddress)).not.toThrow();
      expect(query.replace(/\s+/g, '')).toMatch(/^sum\(.*\)$/);
      const selectors = vectorSelectors(query);
      expect(selectors).toHaveLength(1);
      expect(selectors[0].metric).toBe(a.rule.record);
      expect(equalityMatchers(selectors[0])).toEqual({ namespace: NAMESPACE, [prometheusLabelName(a.monitor.spec.podTargetLabels[0])]: a.podLabels['app.kubernetes.io/instance'] });
      expect(selectors[0].matchers).toHaveLength(2);
      expect(Number(threshold)).toBe(target);
      // No adapter rule: KEDA queries Prometheus itself.
      expect(a.adapter).toBeUndefined();
    });
  }

  it('scales up at once (at least doubling per minute) and down no faster than a replica can come back', () => {
    const behavior = a.hpa ? a.hpa.spec.behavior : a.scaledObject!.spec.advanced.horizontalPodAutoscalerConfig.behavior;
    const budget = startupProbeBudgetSeconds(a.workload);
    expectBehavior(behavior, budget);
  });
});

/** HPA behavior: fast up, slow down (stabilization >= the startup budget, capped at the API maximum). */
function expectBehavior(behavior: any, startupBudget: number): void {
  const up = behavior.scaleUp;
  expect(up.stabilizationWindowSeconds).toBe(0);
  const doubling = (p: any) => p.type === 'Percent' && p.value >= 100 && p.periodSeconds <= 60;
  const upPolicies = up.policies as any[];
  if ((up.selectPolicy ?? 'Max') === 'Min') expect(upPolicies.every(doubling)).toBe(true);
  else expect(upPolicies.some(doubling)).toBe(true);
  expect(up.selectPolicy).not.toBe('Disabled');

  const down = behavior.scaleDown;
  expect(down.stabilizationWindowSeconds).toBeGreaterThanOrEqual(Math.min(startupBudget, HPA_MAX_STABILIZATION_SECONDS));
  expect(down.stabilizationWindowSeconds).toBeLessThanOrEqual(HPA_MAX_STABILIZATION_SECONDS);
  const atMostOnePod = (p: any) => p.type === 'Pods' && p.value <= 1;
  const downPolicies = down.policies as any[];
  expect(downPolicies.length).toBeGreaterThan(0);
  if ((down.selectPolicy ?? 'Max') === 'Min') expect(downPolicies.some(atMostOnePod)).toBe(true);
  else expect(downPolicies.every(atMostOnePod)).toBe(true);
}

// ---------------------------------------------------------------------------------------------------
// Metric choice, large models, the example
// ---------------------------------------------------------------------------------------------------

describe('metric choice', () => {
  it('another exported vLLM gauge: the rule selects it, and the adapter still names what the HPA reads', () => {
    const { objects } = build({ ...VLLM, autoscaling: { minReplicas: 1, maxReplicas: 3, metric: 'vllm:num_requests_running', target: 8 } });
    const a = autoscalingOf(objects);
    expect(vectorSelectors(a.rule.expr).map((s) => s.metric)).toEqual(['vllm:num_requests_running']);
    expect(vectorSelectors(a.adapter!.seriesQuery)[0].metric).toBe(a.rule.record);
    expect(a.rule.record.replace(new RegExp(a.adapter!.name.matches), a.adapter!.name.as)).toBe(a.hpa!.spec.metrics[0].pods.metric.name);
    expect(a.hpa!.spec.metrics[0].pods.target.averageValue).toBe('8');
  });

  it('two workers on the same metric in one namespace record disjoint series (each scoped to its instance)', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'x', { namespace: NAMESPACE });
    new LlmWorker(chart, 'alpha', { ...VLLM, autoscaling: { minReplicas: 1, maxReplicas: 2 } });
    new LlmWorker(chart, 'beta', { ...VLLM, autoscaling: { minReplicas: 1, maxReplicas: 2, scaler: 'keda' } });
    const objects = Testing.synth(chart) as Obj[];
    const rules = ofKind(objects, 'PrometheusRule').flatMap((r) => (r.spec.groups as any[]).flatMap((g) => g.rules as any[]));
    expect(rules).toHaveLength(2);
    const instances = rules.map((r) => equalityMatchers(vectorSelectors(String(r.expr))[0]).app_kubernetes_io_instance);
    const podInstances = ofKind(objects, 'Deployment').map((d) => d.spec.template.metadata.labels['app.kubernetes.io/instance']);
    expect(new Set(instances).size).toBe(2);
    expect([...instances].sort()).toEqual([...podInstances].sort());
    // PrometheusRule names do not collide either.
    expect(new Set(ofKind(objects, 'PrometheusRule').map((r) => r.metadata!.name)).size).toBe(2);
  });
});

describe('scale-down stabilization is capped at the API maximum when the startup budget exceeds it', () => {
  it('Llama-3.1-70B loading at 20 MB/s: startup budget > 1 h -> 3600 s', () => {
    const { objects } = build({
      model: 'meta-llama/Llama-3.1-70B-Instruct',
      accelerator: 'A100-80GB',
      maxContextLength: 8192,
      concurrency: 32,
      hfTokenSecret: hfToken,
      loadBandwidthBytesPerSecond: 20e6,
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
    });
    for (const o of objects) validateObject(o);
    const a = autoscalingOf(objects);
    const budget = startupProbeBudgetSeconds(a.workload);
    expect(budget).toBeGreaterThan(HPA_MAX_STABILIZATION_SECONDS);
    expect(a.hpa!.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(HPA_MAX_STABILIZATION_SECONDS);
    expectBehavior(a.hpa!.spec.behavior, budget);
  });

  it('Llama-3.1-70B at the default bandwidth: stabilization covers the whole startup probe budget', () => {
    const { objects } = build({
      model: 'meta-llama/Llama-3.1-70B-Instruct',
      accelerator: 'A100-80GB',
      maxContextLength: 8192,
      concurrency: 32,
      hfTokenSecret: hfToken,
      autoscaling: { minReplicas: 1, maxReplicas: 2 },
    });
    const a = autoscalingOf(objects);
    const budget = startupProbeBudgetSeconds(a.workload);
    expect(budget).toBeLessThan(HPA_MAX_STABILIZATION_SECONDS);
    expectBehavior(a.hpa!.spec.behavior, budget);
  });

  it('Llama-3.1-405B over two nodes (LeaderWorkerSet): the HPA drives the LWS, no replicas on it, 3600 s', () => {
    const { worker, objects } = build({ model: 'meta-llama/Llama-3.1-405B-Instruct', instanceType: 'p4de.24xlarge', hfTokenSecret: hfToken, autoscaling: { minReplicas: 1, maxReplicas: 2 } });
    expect(worker.plan.nodesPerReplica).toBeGreaterThan(1);
    for (const o of objects) validateObject(o);
    const a = autoscalingOf(objects);
    expect(a.workload.kind).toBe('LeaderWorkerSet');
    expect('replicas' in a.workload.spec).toBe(false);
    const ref = a.hpa!.spec.scaleTargetRef;
    expect(objects.filter((o) => o.apiVersion === ref.apiVersion && o.kind === ref.kind && o.metadata?.name === ref.name)).toEqual([a.workload]);
    const budget = startupProbeBudgetSeconds(a.workload);
    expect(budget).toBeGreaterThan(HPA_MAX_STABILIZATION_SECONDS);
    expect(a.hpa!.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(HPA_MAX_STABILIZATION_SECONDS);
    expectBehavior(a.hpa!.spec.behavior, budget);
  });
});

it('examples/autoscaling.ts: the KEDA example validates and scales its own Deployment', () => {
  const app = Testing.app();
  const chart = kedaExample(app);
  const objects = Testing.synth(chart) as Obj[];
  for (const o of objects) validateObject(o);
  expect(validateWithEsmModels(objects)).toEqual([]);
  const a = autoscalingOf(objects);
  expect(a.scaledObject!.spec.scaleTargetRef.name).toBe(a.workload.metadata!.name);
  expect('replicas' in a.workload.spec).toBe(false);
  expect(vectorSelectors(a.rule.expr)[0].metric).toBe('vllm:num_requests_waiting');
  expect(vectorSelectors(a.scaledObject!.spec.triggers[0].metadata.query)[0].metric).toBe(a.rule.record);
});

// ---------------------------------------------------------------------------------------------------
// Scale to zero
// ---------------------------------------------------------------------------------------------------

describe('scale to zero', () => {
  it('with the HPA -> ValidationError on autoscaling.scaleToZero', () => {
    expectActionable(() => build({ ...VLLM, autoscaling: { minReplicas: 0, maxReplicas: 2, scaleToZero: true } }), 'autoscaling.scaleToZero');
    expectActionable(() => build({ ...VLLM, autoscaling: { minReplicas: 0, maxReplicas: 2, scaleToZero: true, scaler: 'hpa' } }), 'autoscaling.scaleToZero');
  });

  it('scale to zero without a wake-up signal is refused: nothing could scale it back up', () => {
    expectActionable(() => build({ ...VLLM, autoscaling: { minReplicas: 0, maxReplicas: 2, scaler: 'keda', scaleToZero: true } }), 'autoscaling.wakeUpQuery');
  });

  it('with KEDA: minReplicaCount 0, and synth warns of the cold start in minutes (node + weights)', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'x', { namespace: NAMESPACE });
    const wakeUpQuery = 'sum(rate(litellm_proxy_total_requests_metric_total{model="sleepy"}[2m]))';
    new LlmWorker(chart, 'sleepy', { ...VLLM, autoscaling: { minReplicas: 0, maxReplicas: 2, scaler: 'keda', scaleToZero: true, wakeUpQuery } });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    let warnings: string[];
    try {
      app.synth();
      warnings = warn.mock.calls.map((args) => args.map(String).join(' '));
    } finally {
      warn.mockRestore();
    }
    const objects = Testing.synth(chart) as Obj[];
    for (const o of objects) validateObject(o);
    expect(validateWithEsmModels(objects)).toEqual([]);
    const a = autoscalingOf(objects);
    expect(a.scaledObject!.spec.minReplicaCount).toBe(0);
    expect('replicas' in a.workload.spec).toBe(false);
    // At zero replicas no pod exports the queue metric: only the wake-up query (from outside the
    // worker's pods) can activate the ScaledObject, with an activation threshold of 0.
    const wake = a.scaledObject!.spec.triggers.find((t: any) => t.metadata.query === wakeUpQuery);
    expect(wake).toMatchObject({ type: 'prometheus', metadata: { activationThreshold: '0' } });

    // Printed once, though cdk8s validates the app and then each chart.
    const coldStart = warnings!.filter((w) => /cold start/i.test(w));
    expect(coldStart).toHaveLength(1);
    const message = coldStart[0];
    expect(message).toContain('sleepy');
    expect(message).toMatch(/node/i);
    expect(message).toMatch(/weight/i);
    // The cold start in minutes: node provisioning on top of the pod's own startup budget.
    const minutes = [...message.matchAll(/(\d+(?:\.\d+)?)\s*min/g)].map((m) => Number(m[1]));
    expect(minutes.length).toBeGreaterThan(0);
    const budgetMinutes = startupProbeBudgetSeconds(a.workload) / 60;
    expect(Math.max(...minutes)).toBeGreaterThan(Math.floor(budgetMinutes));
  });

  it('KEDA without scaleToZero prints no cold-start warning', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'x', { namespace: NAMESPACE });
    new LlmWorker(chart, 'awake', { ...VLLM, autoscaling: { minReplicas: 1, maxReplicas: 2, scaler: 'keda' } });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      app.synth();
      expect(warn.mock.calls.map((args) => args.map(String).join(' ')).filter((w) => /cold start/i.test(w))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------------------

describe('bad input: each a ValidationError naming the field, with suggestions', () => {
  const attempt =
    (autoscaling: AutoscalingProps, base: LlmWorkerProps = VLLM) =>
    () =>
      build({ ...base, autoscaling });

  it('minReplicas > maxReplicas', () => {
    const e = expectActionable(attempt({ minReplicas: 5, maxReplicas: 2 }), /^autoscaling\.(minReplicas|maxReplicas)$/);
    expect(mentions(e.message, 5)).toBe(true);
    expect(mentions(e.message, 2)).toBe(true);
  });

  it('minReplicas 0 without scaleToZero', () => {
    expectActionable(attempt({ minReplicas: 0, maxReplicas: 2 }), 'autoscaling.minReplicas');
    expectActionable(attempt({ minReplicas: 0, maxReplicas: 2, scaler: 'keda' }), 'autoscaling.minReplicas');
  });

  it('maxReplicas 0', () => {
    expectActionable(attempt({ minReplicas: 0, maxReplicas: 0, scaleToZero: true, scaler: 'keda' }), 'autoscaling.maxReplicas');
    expectActionable(attempt({ minReplicas: 1, maxReplicas: 0 }), /^autoscaling\.(minReplicas|maxReplicas)$/);
  });

  it('target 0 (and other non-positive targets)', () => {
    for (const target of [0, -1, Number.NaN]) expectActionable(attempt({ minReplicas: 1, maxReplicas: 2, target }), 'autoscaling.target');
  });

  it('a metric vLLM does not export -> the error lists the ones it does, and each suggestion works', () => {
    const e = expectActionable(attempt({ minReplicas: 1, maxReplicas: 2, metric: 'vllm:foo' }), 'autoscaling.metric');
    expect(e.message).toContain('vllm:foo');
    expect(e.message).toContain('vllm:num_requests_waiting');
    const suggested = e.suggestions.map((s) => /metric:\s*'([^']+)'/.exec(s)?.[1]).filter((m): m is string => m !== undefined);
    expect(suggested).toContain('vllm:num_requests_waiting');
    for (const metric of suggested) {
      expect(e.message).toContain(metric);
      const a = autoscalingOf(build({ ...VLLM, autoscaling: { minReplicas: 1, maxReplicas: 2, metric } }).objects);
      expect(vectorSelectors(a.rule.expr).map((s) => s.metric)).toContain(metric);
    }
  });

  it("another engine's metric is not this engine's: TGI refuses vllm:num_requests_waiting", () => {
    const e = expectActionable(attempt({ minReplicas: 1, maxReplicas: 2, metric: 'vllm:num_requests_waiting' }, TGI), 'autoscaling.metric');
    expect(e.message).toContain('tgi_queue_size');
  });

  it('Ollama exports no metrics: autoscaling it is an error', () => {
    const ollama: LlmWorkerProps = { model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'ollama', ollamaModel: 'llama3.1:8b', accelerator: 'T4', concurrency: 2 };
    expect(() => build(ollama)).not.toThrow();
    expectActionable(attempt({ minReplicas: 1, maxReplicas: 2 }, ollama), /^autoscaling/);
  });

  it('FastChat workers export no metrics: autoscaling one is an error', () => {
    const fastchat: LlmWorkerProps = {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      engine: 'fastchat-vllm',
      instanceType: 'g5.xlarge',
      image: 'registry.example.com/ml/fastchat-vllm:0.2.36-vllm0.6.2',
      controllerUrl: 'http://fastchat-controller:21001',
    };
    expect(() => build(fastchat)).not.toThrow();
    expectActionable(attempt({ minReplicas: 1, maxReplicas: 2 }, fastchat), /^autoscaling/);
  });

  it('replicas together with autoscaling -> field replicas', () => {
    expectActionable(() => build({ ...VLLM, replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 3 } }), 'replicas');
  });
});

// ---------------------------------------------------------------------------------------------------
// Capacity of the pool at the autoscaler's maximum
// ---------------------------------------------------------------------------------------------------

describe('pool capacity counts the autoscaler maximum', () => {
  const make = (maxReplicas: number) => {
    const app = Testing.app();
    const chart = new Chart(app, 'x', { namespace: NAMESPACE });
    const pool = new GpuNodePool(chart, 'four-gpus', { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: 4 });
    const worker = new LlmWorker(chart, 'bursty', { ...VLLM, accelerator: undefined, nodePool: pool, autoscaling: { minReplicas: 1, maxReplicas } });
    return { chart, worker };
  };

  it('maxReplicas 8 of a 1-GPU replica on a 4-accelerator pool: synth fails naming the pool, the worker, 8 and 4', () => {
    const { chart, worker } = make(8);
    expect(worker.plan.acceleratorsPerReplica).toBe(1);
    const error = errorOf(() => Testing.synth(chart));
    expect(error).toBeDefined();
    expect(error!.message).toContain('four-gpus');
    expect(error!.message).toContain('bursty');
    expect(mentions(error!.message, 8)).toBe(true);
    expect(mentions(error!.message, 4)).toBe(true);
  });

  it('maxReplicas 4 fits exactly, and everything validates', () => {
    const { chart } = make(4);
    const objects = Testing.synth(chart) as Obj[];
    for (const o of objects) {
      if (o.kind === 'NodePool' || o.kind === 'EC2NodeClass') continue; // ESM-only models below
      validateObject(o);
    }
    expect(validateWithEsmModels(objects)).toEqual([]);
  });
});
