import { LlmConstructsError } from '../errors';
import type { Load, PerformanceEstimate, Slo } from '../performance/types';
import { planModel } from '../sizing/planner';
import type { ModelPlan } from '../sizing/types';
import type { PlanCandidate } from '../performance/types';

/** The performance model's entry point, passed in by the caller (the report does not predict). */
export type Estimator = (plan: ModelPlan, load: Load) => PerformanceEstimate;

/** One line of the latency chart: a configuration's predictions over concurrency. */
export interface LatencySeries {
  readonly label: string;
  readonly chosen: boolean;
  readonly estimates: readonly PerformanceEstimate[];
}

/** One configuration's prediction at the workload's load (a single point). */
export interface OperatingPoint {
  readonly label: string;
  readonly chosen: boolean;
  readonly estimate: PerformanceEstimate;
}

export interface LatencyData {
  readonly series: readonly LatencySeries[];
  readonly points: readonly OperatingPoint[];
  readonly slo?: Slo;
  /** The request lengths of the curves. */
  readonly lengths?: { readonly inputTokens: number; readonly outputTokens: number };
}

/** Alternatives shown beside the chosen plan: the cheapest few that meet the SLO. */
export const BEST_ALTERNATIVES = 3;

/** Concurrency 1, 2, 4, ... up to the load the plan holds (at least its workload's), at most 1024. */
export function concurrencySteps(plan: ModelPlan): number[] {
  const top = Math.min(1024, Math.max(2, plan.concurrency, plan.maxConcurrentSequences, plan.performance?.load.concurrency ?? 0));
  const steps: number[] = [];
  for (let c = 1; c < top * 2 && c <= 1024; c *= 2) steps.push(c);
  return steps;
}

/** A configuration's name on the charts: GPU × TP (× PP) × format, the same for a candidate and its plan. */
export function configLabel(c: { accelerator: string; tensorParallel: number; pipelineParallel: number; quantization: string }): string {
  return `${c.accelerator} TP${c.tensorParallel}${c.pipelineParallel > 1 ? `×PP${c.pipelineParallel}` : ''} ${c.quantization}`;
}

export function planLabel(plan: ModelPlan): string {
  return configLabel({ ...plan, accelerator: plan.accelerator.id });
}

/** A prediction a chart can place: finite, non-negative latencies at a concurrency of at least 1 (log axis). */
export function plottable(e: PerformanceEstimate): boolean {
  return [e.ttftMs, e.tpotMs].every((v) => Number.isFinite(v) && v >= 0) && e.load.concurrency >= 1;
}

/** Estimates over concurrency; a load the estimator rejects (a typed error, e.g. beyond KV capacity) or cannot place is left out. */
function curve(estimate: Estimator, plan: ModelPlan, lengths: { inputTokens: number; outputTokens: number }): PerformanceEstimate[] {
  const out: PerformanceEstimate[] = [];
  for (const concurrency of concurrencySteps(plan)) {
    try {
      const e = estimate(plan, { ...lengths, concurrency });
      if (plottable(e)) out.push(e);
    } catch (error) {
      if (!(error instanceof LlmConstructsError)) throw error;
    }
  }
  return out;
}

/**
 * The cheapest few candidates that meet the SLO, one per configuration (GPU × TP × PP × format) and none
 * of the chosen one's: the real search lists a configuration once per instance size (same latency, more
 * dollars), which would draw the same curve twice under one name.
 */
export function bestAlternatives(plan: ModelPlan): PlanCandidate[] {
  const chosen = (plan.candidates ?? []).find((c) => c.chosen);
  const seen = new Set([chosen ? configLabel(chosen) : planLabel(plan)]);
  return (plan.candidates ?? [])
    .filter((c) => !c.chosen && c.meetsSlo && plottable(c.performance))
    .sort((a, b) => (a.costPerMillionTokensUsd ?? Infinity) - (b.costPerMillionTokensUsd ?? Infinity))
    .filter((c) => !seen.has(configLabel(c)) && Boolean(seen.add(configLabel(c))))
    .slice(0, BEST_ALTERNATIVES);
}

/**
 * The best alternatives as plans, for their latency curves: each candidate's accelerator, instance type,
 * TP, PP and format planned for the same model, engine, context and sequences. A candidate the planner
 * rejects on its own (a typed error) gets no curve; its point at the workload stays.
 */
export function bestAlternativePlans(plan: ModelPlan): ModelPlan[] {
  return bestAlternatives(plan).flatMap((c) => {
    try {
      return [
        planModel({
          model: plan.model,
          engine: plan.engine,
          ...(c.instanceType ? { instanceType: c.instanceType } : { accelerator: c.accelerator }),
          tensorParallel: c.tensorParallel,
          pipelineParallel: c.pipelineParallel,
          quantization: c.quantization as ModelPlan['quantization'],
          maxContextLength: plan.maxContextLength,
          concurrency: plan.concurrency,
          kvCacheDtype: plan.kvCacheDtype,
        }),
      ];
    } catch (error) {
      if (error instanceof LlmConstructsError) return [];
      throw error;
    }
  });
}

/**
 * What the latency chart plots: curves for the chosen plan and the alternatives the caller planned (when
 * an estimator is given), and each candidate's prediction at the workload's load (when the plan carries them).
 */
export function latencyData(plan: ModelPlan, options: { estimate?: Estimator; alternatives?: readonly ModelPlan[]; slo?: Slo; lengths?: { inputTokens: number; outputTokens: number } }): LatencyData {
  const lengths = options.lengths ?? (plan.performance ? { inputTokens: plan.performance.load.inputTokens, outputTokens: plan.performance.load.outputTokens } : undefined);
  const series: LatencySeries[] = [];
  if (options.estimate && lengths) {
    series.push({ label: planLabel(plan), chosen: true, estimates: curve(options.estimate, plan, lengths) });
    for (const alt of (options.alternatives ?? []).slice(0, BEST_ALTERNATIVES)) series.push({ label: planLabel(alt), chosen: false, estimates: curve(options.estimate, alt, lengths) });
  }
  const points: OperatingPoint[] = [];
  if (plan.performance && plottable(plan.performance)) points.push({ label: planLabel(plan), chosen: true, estimate: plan.performance });
  for (const c of bestAlternatives(plan)) points.push({ label: configLabel(c), chosen: false, estimate: c.performance });
  return { series: series.filter((s) => s.estimates.length > 0), points, slo: options.slo, lengths };
}
