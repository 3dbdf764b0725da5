import type { PlanCandidate } from '../performance/types';
import { dataTable } from './html';
import { short, usdPerMillion } from './format';
import { configLabel } from './latency-data';

const cost = (c: PlanCandidate) => (c.costPerMillionTokensUsd === undefined ? 'unpriced' : Number.isFinite(c.costPerMillionTokensUsd) ? usdPerMillion(c.costPerMillionTokensUsd) : 'n/a');

/**
 * Candidates grouped by configuration and prediction (they differ only in instance type), each group
 * cheapest first (the chosen one first on a tie), the groups in order of their cheapest.
 */
export function byConfiguration(candidates: readonly PlanCandidate[]): PlanCandidate[][] {
  const groups = new Map<string, PlanCandidate[]>();
  const sorted = [...candidates].sort((a, b) => (a.costPerMillionTokensUsd ?? Infinity) - (b.costPerMillionTokensUsd ?? Infinity) || Number(b.chosen) - Number(a.chosen));
  for (const c of sorted) {
    const key = [configLabel(c), c.performance.tpotMs, c.performance.ttftMs, c.replicas, c.meetsSlo].join('|');
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()];
}

/**
 * The table of every candidate compared. The search lists a configuration once per instance size that
 * holds it: the same prediction and replicas, more dollars. Those share one row (the cheapest first, the
 * others named with their cost under "also on"): nothing is left out, and 100-model pages stay small.
 */
export function candidateTable(candidates: readonly PlanCandidate[], onFrontier: (c: PlanCandidate) => boolean): string {
  const mark = (c: PlanCandidate) => [c.chosen ? 'chosen' : '', onFrontier(c) ? 'frontier' : ''].filter(Boolean).join(', ');
  const rows = byConfiguration(candidates).map(([first, ...others]) => [
    configLabel(first!),
    first!.instanceType ?? '-',
    cost(first!),
    short(first!.performance.tpotMs),
    short(first!.performance.ttftMs),
    String(first!.replicas),
    first!.meetsSlo ? 'yes' : 'no',
    mark(first!),
    others.map((c) => `${c.instanceType ?? '-'} ${cost(c)}${mark(c) ? ` (${mark(c)})` : ''}`).join(', '),
  ]);
  return dataTable(
    `All ${candidates.length} configurations compared (table)`,
    ['configuration', 'instance type', '$/1M tokens', 'TPOT ms', 'TTFT ms', 'replicas', 'meets SLO', 'mark', 'also on (same prediction)'],
    rows,
  );
}
