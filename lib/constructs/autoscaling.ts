import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { ScaledObject } from '../../imports/keda.sh';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { adapterMetricName, ENGINE_METRICS, INSTANCE_SERIES_LABEL, recordedName, signalExpression } from '../engines/metrics';
import { invalid } from './validation';
import type { Engine } from '../sizing/types';
import { describe } from '../describe';
import { warnAtSynth } from './warnings';

/** Replicas driven by the engine's own load signal (queue depth by default). */
export interface AutoscalingProps {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** An exported series of the engine. @default its queue-depth metric (vLLM `vllm:num_requests_waiting`, ...) */
  readonly metric?: string;
  /** Per-pod average of the metric to hold. @default 1 */
  readonly target?: number;
  /** `hpa` needs prometheus-adapter (its rule is emitted); `keda` queries Prometheus itself. @default 'hpa' */
  readonly scaler?: 'hpa' | 'keda';
  /** Allow 0 replicas when idle (KEDA only): the first request then waits for a node and the weights. @default false */
  readonly scaleToZero?: boolean;
  /**
   * With `scaleToZero`: a PromQL query that is above 0 when requests arrive for this model while it has
   * no pods (e.g. the gateway's request rate for it). The engine's own queue metric cannot wake it:
   * at zero replicas no pod exports it.
   * @default none (required with `scaleToZero`)
   */
  readonly wakeUpQuery?: string;
  /** Prometheus KEDA queries. @default 'http://prometheus-operated.monitoring.svc:9090' */
  readonly prometheusUrl?: string;
}

/** The workload an autoscaler drives. */
export interface ScaleTarget {
  readonly name: string;
  readonly namespace: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly engine: Engine;
  /** Value of the pods' `app.kubernetes.io/instance` label. */
  readonly instance: string;
  /** Seconds a new replica may take to serve: scale-down waits at least this long. */
  readonly startupBudgetSeconds: number;
  readonly labels: Record<string, string>;
}

/** Time a GPU node takes to join (Karpenter launch + boot + device plugin): part of a cold start. Estimate. */
const NODE_PROVISIONING_SECONDS = 300;

/** Checks the props against the engine; returns the metric the autoscaler uses. */
export function checkAutoscaling(worker: Construct, props: AutoscalingProps, engine: Engine): string {
  const fail = (field: string, message: string, suggestions: string[]) => invalid(worker, 'LlmWorker', 'invalid-autoscaling', `autoscaling.${field}`, message, suggestions);
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    throw invalid(worker, 'LlmWorker', 'invalid-autoscaling', 'autoscaling', `autoscaling must be an object { minReplicas, maxReplicas, ... }, got ${describe(props)}`, [
      'autoscaling: { minReplicas: 1, maxReplicas: 4 }',
    ]);
  }
  const { minReplicas: min, maxReplicas: max } = props;
  if (!Number.isSafeInteger(min) || min < 0) throw fail('minReplicas', `minReplicas must be a non-negative integer, got ${describe(min)}`, ['minReplicas: 1']);
  // Both are int32 fields of the HPA / ScaledObject.
  if (!Number.isSafeInteger(max) || max < 1 || max > 2_147_483_647) throw fail('maxReplicas', `maxReplicas must be a positive int32, got ${describe(max)}`, ['maxReplicas: 4']);
  if (min > max) throw fail('minReplicas', `minReplicas ${min} exceeds maxReplicas ${max}`, [`minReplicas: ${max}`, `maxReplicas: ${min}`]);
  const scaler = props.scaler ?? 'hpa';
  if (scaler !== 'hpa' && scaler !== 'keda') throw fail('scaler', `scaler must be 'hpa' or 'keda', got ${JSON.stringify(scaler)}`, ["scaler: 'hpa'"]);
  if (min === 0 && !props.scaleToZero) throw fail('minReplicas', 'minReplicas 0 needs scaleToZero: true (with scaler keda)', ['minReplicas: 1', "scaleToZero: true, scaler: 'keda'"]);
  if (props.scaleToZero && scaler !== 'keda')
    throw fail('scaleToZero', `scaleToZero needs scaler 'keda', got scaler ${describe(scaler)}: an HPA cannot scale to zero replicas`, ["scaler: 'keda'", 'scaleToZero: false']);
  if (props.scaleToZero && (typeof props.wakeUpQuery !== 'string' || props.wakeUpQuery.trim() === '')) {
    throw fail('wakeUpQuery', 'scaleToZero needs a wakeUpQuery: at zero replicas no pod exports the queue metric, so nothing would ever scale it up again', [
      `wakeUpQuery: 'sum(rate(litellm_proxy_total_requests_metric_total{model="<served name>"}[2m]))' (requests reaching the gateway)`,
      'scaleToZero: false, minReplicas: 1',
    ]);
  }
  if (props.target !== undefined && !(typeof props.target === 'number' && props.target > 0 && Number.isFinite(props.target))) {
    throw fail('target', `target must be a positive number, got ${String(props.target)}`, ['target: 1']);
  }
  const { queue, exported } = ENGINE_METRICS[engine];
  const metric = props.metric ?? queue;
  if (metric === undefined || !exported.includes(metric)) {
    throw fail(
      'metric',
      `${engine} exports no ${metric === undefined ? 'queue metric' : `metric '${metric}'`} to scale on${exported.length ? `; it exports ${exported.join(', ')}` : ' (no Prometheus metrics at all)'}`,
      [...exported.map((m) => `metric: '${m}'`), ...(exported.length === 0 ? ['replicas: a fixed count', "engine: 'vllm' (exports vllm:num_requests_waiting)"] : [])],
    );
  }
  return metric;
}

/**
 * The recording rule that scopes the signal to this worker's pods, and the HPA (plus the
 * prometheus-adapter rule that serves the recorded series to it) or the KEDA ScaledObject.
 */
export function metricAutoscaler(scope: Construct, target: ScaleTarget, props: AutoscalingProps, metric: string): void {
  const recorded = recordedName(metric);
  const expression = signalExpression(metric, target);
  new PrometheusRule(scope, 'recording-rule', {
    metadata: { name: target.name, labels: target.labels },
    spec: { groups: [{ name: `${target.name}.autoscaling`, rules: [{ record: recorded, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(expression) }] }] },
  });

  const behavior = scalingBehavior(target.startupBudgetSeconds);
  const averageValue = String(props.target ?? 1);
  const scaleTargetRef = { apiVersion: target.apiVersion, kind: target.kind, name: target.name };
  if ((props.scaler ?? 'hpa') === 'keda') {
    const prometheus = props.prometheusUrl ?? 'http://prometheus-operated.monitoring.svc:9090';
    new ScaledObject(scope, 'scaled-object', {
      metadata: { name: target.name, labels: target.labels },
      spec: {
        scaleTargetRef,
        minReplicaCount: props.minReplicas,
        maxReplicaCount: props.maxReplicas,
        advanced: { horizontalPodAutoscalerConfig: { behavior: behavior as never } },
        triggers: [
          {
            type: 'prometheus',
            // KEDA divides the query's value by the threshold: sum over the worker's pods, per-pod target.
            metadata: { serverAddress: prometheus, query: `sum(${recorded}{namespace="${target.namespace}",${INSTANCE_SERIES_LABEL}="${target.instance}"})`, threshold: averageValue },
          },
          // From zero, only a signal outside the worker's pods can activate it.
          ...(props.scaleToZero ? [{ type: 'prometheus', metadata: { serverAddress: prometheus, query: props.wakeUpQuery!, threshold: '1', activationThreshold: '0' } }] : []),
        ],
      },
    });
    if (props.scaleToZero) {
      const coldStart = NODE_PROVISIONING_SECONDS + target.startupBudgetSeconds;
      warnAtSynth(
        scope,
        `scaleToZero: after idle, a replica needs a GPU node (~${NODE_PROVISIONING_SECONDS / 60} min) and its weights loaded (up to ${Math.ceil(target.startupBudgetSeconds / 60)} min): a cold start of up to ~${Math.ceil(coldStart / 60)} minutes, during which requests wait at a retrying gateway or fail`,
      );
    }
    return;
  }

  new k8s.KubeHorizontalPodAutoscalerV2(scope, 'hpa', {
    metadata: { name: target.name, labels: target.labels },
    spec: {
      scaleTargetRef,
      minReplicas: props.minReplicas,
      maxReplicas: props.maxReplicas,
      metrics: [{ type: 'Pods', pods: { metric: { name: adapterMetricName(recorded) }, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(averageValue) } } }],
      behavior,
    },
  });
  new k8s.KubeConfigMap(scope, 'adapter-rule', {
    metadata: { name: `${target.name}-prometheus-adapter`, labels: target.labels },
    data: { 'rules.yaml': JSON.stringify({ rules: [adapterRule(recorded)] }, null, 2) },
  });
}

/**
 * prometheus-adapter rule (its `rules:` format) serving the recorded series per pod under a name
 * without colons. Merge it into the adapter's configuration.
 */
export function adapterRule(recorded: string): object {
  return {
    seriesQuery: `${recorded}{namespace!="",pod!=""}`,
    resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
    name: { matches: `^${recorded.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, as: adapterMetricName(recorded) },
    metricsQuery: 'max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
  };
}

/** Up fast (double, or +2 pods, per minute); down one pod per 5 minutes after the startup budget. */
function scalingBehavior(startupBudgetSeconds: number): k8s.HorizontalPodAutoscalerBehaviorV2 {
  return {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Percent', value: 100, periodSeconds: 60 },
        { type: 'Pods', value: 2, periodSeconds: 60 },
      ],
    },
    scaleDown: {
      // Never give back a replica faster than a new one could come back (max 1 h: the API's limit).
      // Whole minutes: the startup probe rounds the budget up to its period, which divides a minute.
      stabilizationWindowSeconds: Math.min(3600, Math.max(300, Math.ceil(startupBudgetSeconds / 60) * 60)),
      selectPolicy: 'Min',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }],
    },
  };
}
