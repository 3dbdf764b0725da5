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
  ].join('\n');
}
