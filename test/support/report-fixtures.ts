/**
 * TEST DOUBLES for the report tests. The performance model (issue 16) is built elsewhere; these stand in
 * for it so the report's data binding can be tested: a chart must plot exactly the figures it is given.
 * The numbers below are NOT predictions and must never be read as such.
 */
import type { Load, PerformanceEstimate, PlanCandidate } from '../../lib/performance/types';
import type { ModelPlan } from '../../lib/sizing/types';

/** FAKE estimator (test double): a simple deterministic shape, monotone in concurrency. Not physics. */
export function fakeEstimate(plan: ModelPlan, load: Load): PerformanceEstimate {
  const speed = plan.accelerator.memoryBandwidthGBps * plan.tensorParallel;
  const tpotMs = (2000 / speed) * (1 + load.concurrency / 32) * (plan.memory.weightsBytes / 2 ** 30 + 1);
  const ttftMs = (load.inputTokens / 100) * (1 + load.concurrency / 4) + tpotMs;
  const outputTokensPerSecond = (load.concurrency * 1000) / tpotMs;
  return {
    ttftMs,
    tpotMs,
    outputTokensPerSecond,
    requestsPerSecond: outputTokensPerSecond / load.outputTokens,
    bound: 'memory',
    uncertainty: { ttftPct: 25, tpotPct: 15 },
    load,
  };
}

/** Accelerators, TP sizes and formats the FAKE candidate lists combine. */
const FAKE_GRID = ['L4', 'A10G', 'L40S', 'A100-SXM4-80GB', 'H100-SXM5-80GB', 'H200-SXM-141GB'].flatMap((a) => [1, 2, 4].flatMap((tp) => ['none', 'fp8', 'awq'].map((q) => [a, tp, q] as const)));

/**
 * FAKE candidate list (test double): the plan's own configuration first (chosen), then `count - 1`
 * variants with made-up latency and cost factors; some miss the SLO, some are unpriced.
 */
export function fakeCandidates(plan: ModelPlan, load: Load, count = 24): PlanCandidate[] {
  const base = fakeEstimate(plan, load);
  const hourly = plan.hourlyCostUsd ?? 4;
  return Array.from({ length: count }, (_, i) => {
    const [accelerator, tensorParallel, quantization] = i === 0 ? [plan.accelerator.id, plan.tensorParallel, plan.quantization] : FAKE_GRID[(i * 7) % FAKE_GRID.length]!;
    const f = i === 0 ? 1 : 0.4 + ((i * 37) % 23) / 10; // latency factor
    const c = i === 0 ? 1 : 0.5 + ((i * 53) % 29) / 7; // $/h factor
    const performance = { ...base, tpotMs: base.tpotMs * f, ttftMs: base.ttftMs * f, outputTokensPerSecond: base.outputTokensPerSecond / f };
    const hourlyCostUsd = i % 11 === 10 ? undefined : hourly * c;
    return {
      accelerator,
      tensorParallel,
      pipelineParallel: 1,
      quantization,
      replicas: 1 + (i % 3),
      hourlyCostUsd,
      performance,
      costPerMillionTokensUsd: hourlyCostUsd === undefined ? undefined : (hourlyCostUsd / (performance.outputTokensPerSecond * 3600)) * 1e6,
      meetsSlo: f < 1.8,
      chosen: i === 0,
    };
  });
}

/** The plan as issue 16 will fill it (FAKE figures): performance, replicas, cost per 1M tokens, candidates. */
export function withFakePredictions(plan: ModelPlan, load: Load = { inputTokens: 1024, outputTokens: 256, concurrency: Math.min(8, plan.maxConcurrentSequences) }): ModelPlan {
  const candidates = fakeCandidates(plan, load);
  const chosen = candidates.find((c) => c.chosen)!;
  return { ...plan, performance: chosen.performance, replicas: chosen.replicas, costPerMillionTokensUsd: chosen.costPerMillionTokensUsd, candidates };
}
