import { packReplicas, type PackItem, type PackResult } from '../../sizing/packing';
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
  /**
   * This model's share of the on-demand USD/hour of the packed nodes at min and max replicas (each node's
   * price split by the accelerators each model uses on it); undefined without a priced instance type.
   */
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
  const rows = models
    .filter((m) => m.performance)
    .map((m) => [
      m.servedName,
      `${Math.round(m.performance!.ttftMs)} ms`,
      `${m.performance!.tpotMs.toFixed(1)} ms`,
      m.performance!.costPerMillionTokensUsd === undefined ? '-' : `$${m.performance!.costPerMillionTokensUsd.toFixed(3)}`,
    ]);
  return rows.length === 0 ? [] : ['predicted per replica (lib/performance):', formatTable(['model', 'TTFT', 'TPOT', '$/1M tokens'], rows)];
}

export interface StackSummary {
  readonly models: readonly ModelSummary[];
  /**
   * Nodes billed after packing replicas onto them, first-fit decreasing per instance type
   * (lib/sizing/packing.ts): replicas that fit together on one node are billed as one node.
   */
  readonly hourlyCostUsd: { readonly min: number; readonly max: number };
  /** Nodes per instance type after packing, at min and max replicas. */
  readonly nodes: { readonly min: Readonly<Record<string, number>>; readonly max: Readonly<Record<string, number>> };
  /** Models whose cost is unknown (on-prem, unpriced instance types): not in the totals. */
  readonly unpriced: readonly string[];
}

/** The workers' replicas as packing items (priced or not), at min or max replicas. */
function packItems(workers: readonly LlmWorker[], replicas: (w: LlmWorker) => number): PackItem[] {
  return workers.map((w) => {
    const { plan } = w;
    return {
      id: w.node.path,
      group: plan.instanceType?.name ?? `${plan.accelerator.id} x ${plan.acceleratorsPerNode} (on-prem)`,
      devicesPerNode: plan.acceleratorsPerNode,
      devicesPerReplica: plan.acceleratorsPerReplica,
      nodesPerReplica: plan.nodesPerReplica,
      replicas: replicas(w),
      nodeUsdPerHour: plan.instanceType?.onDemandUsdPerHour,
    };
  });
}

const nodeCounts = (packed: PackResult) => Object.fromEntries(packed.groups.map((g) => [g.group, g.nodes]));

/** Per model: engine, accelerators, replicas, instance type and its share of $/hour; totals after packing nodes. */
export function summarize(workers: readonly LlmWorker[]): StackSummary {
  const atMin = packReplicas(packItems(workers, (w) => w.minReplicas));
  const atMax = packReplicas(packItems(workers, (w) => w.maxReplicas));
  const models = workers.map((w): ModelSummary => {
    const { plan } = w;
    const priced = plan.instanceType?.onDemandUsdPerHour !== undefined;
    return {
      worker: w.node.path,
      model: plan.model.id,
      servedName: w.modelName,
      engine: plan.engine,
      acceleratorsPerReplica: `${plan.acceleratorsPerReplica} x ${plan.accelerator.id}`,
      instanceType: plan.instanceType?.name,
      minReplicas: w.minReplicas,
      maxReplicas: w.maxReplicas,
      hourlyCostUsd: priced ? { min: atMin.shareUsdPerHour[w.node.path], max: atMax.shareUsdPerHour[w.node.path] } : undefined,
      performance: predicted(plan),
    };
  });
  return {
    models,
    hourlyCostUsd: { min: atMin.hourlyCostUsd, max: atMax.hourlyCostUsd },
    nodes: { min: nodeCounts(atMin), max: nodeCounts(atMax) },
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
    `total: $${total.min.toFixed(2)}..$${total.max.toFixed(2)} per hour on demand, replicas packed onto nodes first-fit per instance type${summary.unpriced.length ? ` (+ ${summary.unpriced.length} unpriced)` : ''}`,
    ...formatPredictions(summary.models),
  ].join('\n');
}
