/**
 * Speed of the performance model (issue 16): estimates per second, and the time of an SLO plan that
 * searches the whole catalog (every instance type x TP x format, replicas sized for each). Target:
 * an SLO plan over the whole catalog in < 50 ms.
 */
import { planModel, type PlanRequest } from '../lib';
import { estimatePerformance } from '../lib/performance/estimate';
import { planModel as planMemory } from '../lib/sizing/planner';
import { formatTable, percentile, timeRepeatedly } from './table';

/** Most time an SLO plan over the whole catalog may take (issue 16). */
export const SLO_PLAN_BUDGET_MS = 50;

const SLO_REQUESTS: Array<[string, PlanRequest]> = [
  [
    'Llama-3.1-8B, 20 rps 2000/300, TTFT 1 s, TPOT 33 ms',
    { model: 'meta-llama/Llama-3.1-8B-Instruct', workload: { inputTokens: 2000, outputTokens: 300, requestsPerSecond: 20, slo: { ttftMs: 1000, tpotMs: 33 } } },
  ],
  [
    'Llama-3.1-70B, auto formats, 5 rps 2000/300, TPOT 50 ms',
    { model: 'meta-llama/Llama-3.1-70B-Instruct', quantization: 'auto', workload: { inputTokens: 2000, outputTokens: 300, requestsPerSecond: 5, slo: { ttftMs: 2000, tpotMs: 50 } } },
  ],
  [
    'Mixtral-8x7B, 256 clients 1000/500, TPOT 40 ms',
    { model: 'mistralai/Mixtral-8x7B-Instruct-v0.1', workload: { inputTokens: 1000, outputTokens: 500, concurrentRequests: 256, slo: { tpotMs: 40 } } },
  ],
];

export interface TimedRow {
  readonly name: string;
  readonly perSecond: number;
  readonly meanMs: number;
  readonly p99Ms: number;
  readonly candidates?: number;
}

function time(name: string, fn: () => number | void, seconds: number, warmup: number): TimedRow {
  let candidates: number | undefined;
  for (let i = 0; i < warmup; i++) candidates = fn() ?? undefined;
  const { samples, meanMs: mean } = timeRepeatedly(fn, seconds);
  return { name, perSecond: 1000 / mean, meanMs: mean, p99Ms: percentile(samples, 0.99), candidates };
}

export function benchPerformance(seconds = 1.5): { estimate: TimedRow; cold: number; slo: TimedRow[] } {
  const plan = planMemory({ model: 'meta-llama/Llama-3.1-70B-Instruct', accelerator: 'H100', tensorParallel: 4, maxContextLength: 8192 });
  let c = 0;
  const estimate = time(
    'estimatePerformance (Llama-3.1-70B, H100 TP 4, concurrency 1..64)',
    () => {
      estimatePerformance(plan, { inputTokens: 2000, outputTokens: 300, concurrency: 1 + (c++ % 64) });
    },
    seconds,
    2000,
  );
  // First SLO plan in this process: the JIT has not seen the search yet.
  const coldStart = performance.now();
  planModel(SLO_REQUESTS[0][1]);
  const cold = performance.now() - coldStart;
  const slo = SLO_REQUESTS.map(([name, request]) => time(name, () => planModel(request).candidates?.length, seconds, 5));
  return { estimate, cold, slo };
}

export function formatPerformance(result: ReturnType<typeof benchPerformance>, markdown = false): string {
  const { estimate, cold, slo } = result;
  const worst = Math.max(...slo.map((r) => r.meanMs));
  return [
    formatTable(
      ['estimate', 'estimates/s', 'mean us', 'p99 us'],
      [[estimate.name, Math.round(estimate.perSecond).toString(), (estimate.meanMs * 1000).toFixed(2), (estimate.p99Ms * 1000).toFixed(2)]],
      markdown,
    ),
    '',
    formatTable(
      ['SLO plan over the whole catalog', 'candidates', 'plans/s', 'mean ms', 'p99 ms'],
      slo.map((r) => [r.name, String(r.candidates ?? '-'), r.perSecond.toFixed(1), r.meanMs.toFixed(2), r.p99Ms.toFixed(2)]),
      markdown,
    ),
    '',
    `first SLO plan of the process (cold JIT): ${cold.toFixed(1)} ms`,
    `${worst < SLO_PLAN_BUDGET_MS ? 'PASS' : 'FAIL'}: slowest SLO plan (warm mean) ${worst.toFixed(1)} ms, budget ${SLO_PLAN_BUDGET_MS} ms`,
  ].join('\n');
}
