/**
 * `plan` flags of a workload (lengths, rate or clients, SLO) and the text of its answer: the
 * prediction, the replicas, the cost per million tokens and the candidates the search compared.
 * Hooked into ./plan-command.ts; kept apart so that the memory plan's flags and text stay there.
 */
import type { PlanCandidate } from '../performance/types';
import type { ModelPlan, PlanRequest } from '../sizing/types';
import { formatPairs, formatTable } from '../text/table';

/** Workload flags and the `workload` field each sets (errors name the flag the user typed). */
export const WORKLOAD_FLAGS = {
  'input-tokens': { field: 'workload.inputTokens', key: 'inputTokens', help: 'prompt tokens per request (with --output-tokens: predict latency and size replicas)' },
  'output-tokens': { field: 'workload.outputTokens', key: 'outputTokens', help: 'generated tokens per request' },
  rps: { field: 'workload.requestsPerSecond', key: 'requestsPerSecond', help: 'requests per second for the whole deployment' },
  'concurrent-requests': { field: 'workload.concurrentRequests', key: 'concurrentRequests', help: 'requests in flight for the whole deployment (instead of --rps)' },
  'ttft-ms': { field: 'workload.slo.ttftMs', key: 'ttftMs', help: 'SLO: mean time to first token, ms' },
  'tpot-ms': { field: 'workload.slo.tpotMs', key: 'tpotMs', help: 'SLO: mean time per output token, ms (33 = 30 tokens/s per user)' },
} as const;

export const WORKLOAD_OPTIONS = Object.fromEntries(Object.keys(WORKLOAD_FLAGS).map((flag) => [flag, { type: 'string' as const }]));

export const WORKLOAD_USAGE = Object.entries(WORKLOAD_FLAGS)
  .map(([flag, { help }]) => `  --${flag.padEnd(24)}${help}`)
  .join('\n');

/** The flag of a `workload.*` field, for error messages. */
export function workloadFlagFor(field: string | undefined): string | undefined {
  const entry = Object.entries(WORKLOAD_FLAGS).find(([, spec]) => spec.field === field);
  return entry ? `--${entry[0]}` : undefined;
}

const number = (raw: string): unknown => (raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw);

/** The workload the flags describe, or undefined when none of them is given. */
export function parseWorkloadFlags(values: Readonly<Record<string, unknown>>): PlanRequest['workload'] {
  const given = Object.keys(WORKLOAD_FLAGS).filter((flag) => typeof values[flag] === 'string');
  if (given.length === 0) return undefined;
  const get = (flag: keyof typeof WORKLOAD_FLAGS) => (typeof values[flag] === 'string' ? number(values[flag] as string) : undefined);
  const slo = { ttftMs: get('ttft-ms'), tpotMs: get('tpot-ms') };
  return {
    inputTokens: get('input-tokens'),
    outputTokens: get('output-tokens'),
    requestsPerSecond: get('rps'),
    concurrentRequests: get('concurrent-requests'),
    slo: slo.ttftMs === undefined && slo.tpotMs === undefined ? undefined : slo,
  } as PlanRequest['workload'];
}

const usd = (x: number | undefined, digits = 2) => (x === undefined ? '-' : `$${x.toFixed(digits)}`);
const ms = (x: number) => (x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`);

/** Most candidate rows printed (the JSON output has them all). */
const MAX_ROWS = 15;

function candidateRow(c: PlanCandidate): string[] {
  return [
    c.chosen ? '*' : '',
    c.instanceType ?? c.accelerator,
    c.accelerator,
    String(c.tensorParallel),
    c.quantization,
    ms(c.performance.ttftMs),
    ms(c.performance.tpotMs),
    c.meetsSlo ? String(c.replicas) : 'misses SLO',
    usd(c.hourlyCostUsd),
    c.meetsSlo ? usd(c.costPerMillionTokensUsd, 3) : '-',
  ];
}

/** The prediction, replicas, $/1M tokens and the candidates table; empty without a workload. */
export function formatPerformance(plan: ModelPlan): string {
  const p = plan.performance;
  if (!p) return '';
  const lines = [
    `Performance per replica at ${p.load.concurrency.toFixed(p.load.concurrency % 1 === 0 ? 0 : 1)} requests in flight (${p.load.inputTokens} in / ${p.load.outputTokens} out)`,
    formatPairs([
      ['TTFT', `${ms(p.ttftMs)}  (+/- ${p.uncertainty.ttftPct} %)`],
      ['TPOT', `${ms(p.tpotMs)}  (+/- ${p.uncertainty.tpotPct} %, ${(1000 / p.tpotMs).toFixed(0)} tokens/s per user)`],
      ['throughput', `${p.outputTokensPerSecond.toFixed(0)} output tokens/s, ${p.requestsPerSecond.toFixed(2)} requests/s`],
      ['bound by', p.bound],
      ['replicas', String(plan.replicas)],
      ['cost', plan.costPerMillionTokensUsd === undefined ? 'unknown (no on-demand price)' : `${usd(plan.costPerMillionTokensUsd, 3)} per million output tokens`],
    ]),
  ];
  const candidates = plan.candidates ?? [];
  if (candidates.length > 0) {
    lines.push(`Candidates compared (${candidates.length}; cheapest per token first${candidates.length > MAX_ROWS ? `, first ${MAX_ROWS} shown, --json for all` : ''}; * = chosen)`);
    lines.push(formatTable(['', 'instance', 'GPU', 'TP', 'format', 'TTFT', 'TPOT', 'replicas', '$/hour (all)', '$/1M tokens'], candidates.slice(0, MAX_ROWS).map(candidateRow)));
  }
  return lines.join('\n');
}
