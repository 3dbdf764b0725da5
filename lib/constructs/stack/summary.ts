import { formatTable } from '../../text/table';
import type { LlmWorker } from '../llm-worker';

/** One model's line of a stack's summary. */
export interface ModelSummary {
  readonly worker: string;
  readonly model: string;
  readonly servedName: string;
  readonly engine: string;
  /** e.g. `4 x A100-SXM4-80GB` per replica. */
  readonly acceleratorsPerReplica: string;
  readonly instanceType?: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** On-demand USD/hour at min and max replicas; undefined without a priced instance type. */
  readonly hourlyCostUsd?: { readonly min: number; readonly max: number };
  /** Predicted per-replica latency and cost per token, when the worker was planned for a workload. */
  readonly performance?: PredictedPerformance;
}

/** What lib/performance predicts for a worker planned with a `workload`. */
export interface PredictedPerformance {
  readonly ttftMs: number;
  readonly tpotMs: number;
  /** USD per million output tokens at the workload's rate; undefined without a price. */
  readonly costPerMillionTokensUsd?: number;
}

function predicted(plan: LlmWorker['plan']): PredictedPerformance | undefined {
  if (!plan.performance) return undefined;
  return { ttftMs: plan.performance.ttftMs, tpotMs: plan.performance.tpotMs, costPerMillionTokensUsd: plan.costPerMillionTokensUsd };
}

/** One line per model planned for a workload: predicted TTFT, TPOT and $/1M tokens. */
function formatPredictions(models: readonly ModelSummary[]): string[] {
  const rows = models.filter((m) => m.performance).map((m) => [
    m.servedName,
    `${Math.round(m.performance!.ttftMs)} ms`,
    `${m.performance!.tpotMs.toFixed(1)} ms`,
    m.performance!.costPerMillionTokensUsd === undefined ? '-' : `$${m.performance!.costPerMillionTokensUsd.toFixed(3)}`,
  ]);
  return rows.length === 0 ? [] : ['predicted per replica (lib/performance):', formatTable(['model', 'TTFT', 'TPOT', '$/1M tokens'], rows)];
}

export interface StackSummary {
  readonly models: readonly ModelSummary[];
  /** Sum over the priced models. */
  readonly hourlyCostUsd: { readonly min: number; readonly max: number };
  /** Models whose cost is unknown (on-prem, unpriced instance types): not in the totals. */
  readonly unpriced: readonly string[];
}

const round = (usd: number) => Math.round(usd * 1e4) / 1e4;

/** Per model: engine, accelerators, replicas, instance type and $/hour; and totals. Cost = replicas x plan cost. */
export function summarize(workers: readonly LlmWorker[]): StackSummary {
  const models = workers.map((w): ModelSummary => {
    const { plan } = w;
    const cost = plan.hourlyCostUsd;
    return {
      worker: w.node.path,
      model: plan.model.id,
      servedName: w.modelName,
      engine: plan.engine,
      acceleratorsPerReplica: `${plan.acceleratorsPerReplica} x ${plan.accelerator.id}`,
      instanceType: plan.instanceType?.name,
      minReplicas: w.minReplicas,
      maxReplicas: w.maxReplicas,
      hourlyCostUsd: cost === undefined ? undefined : { min: round(cost * w.minReplicas), max: round(cost * w.maxReplicas) },
      performance: predicted(plan),
    };
  });
  const priced = models.filter((m) => m.hourlyCostUsd);
  return {
    models,
    hourlyCostUsd: {
      min: round(priced.reduce((sum, m) => sum + m.hourlyCostUsd!.min, 0)),
      max: round(priced.reduce((sum, m) => sum + m.hourlyCostUsd!.max, 0)),
    },
    unpriced: models.filter((m) => !m.hourlyCostUsd).map((m) => m.worker),
  };
}

/** The summary as a table for the terminal. */
export function formatSummary(title: string, summary: StackSummary): string {
  const rows = summary.models.map((m) => [
    m.servedName,
    m.engine,
    m.acceleratorsPerReplica,
    m.minReplicas === m.maxReplicas ? String(m.maxReplicas) : `${m.minReplicas}..${m.maxReplicas}`,
    m.instanceType ?? 'on-prem',
    m.hourlyCostUsd ? (m.hourlyCostUsd.min === m.hourlyCostUsd.max ? `$${m.hourlyCostUsd.max.toFixed(2)}` : `$${m.hourlyCostUsd.min.toFixed(2)}..$${m.hourlyCostUsd.max.toFixed(2)}`) : '-',
  ]);
  const total = summary.hourlyCostUsd;
  return [
    title,
    formatTable(['model', 'engine', 'per replica', 'replicas', 'instance', '$/hour'], rows),
    `total: $${total.min.toFixed(2)}..$${total.max.toFixed(2)} per hour on demand${summary.unpriced.length ? ` (+ ${summary.unpriced.length} unpriced)` : ''}`,
    ...formatPredictions(summary.models),
  ].join('\n');
}
