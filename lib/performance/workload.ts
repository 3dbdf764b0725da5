/**
 * A workload on one plan: the load each of `r` replicas carries, the fewest replicas that meet the
 * SLO, and what that costs per million output tokens.
 */
import { SizingError } from '../errors';
import { describe } from '../describe';
import type { ModelPlan } from '../sizing/types';
import { estimatePerformance } from './estimate';
import type { Load, PerformanceEstimate, Workload } from './types';

/** Most replicas the search considers for one deployment. */
export const MAX_REPLICAS = 1024;
/** A replica is not loaded beyond this share of its saturated throughput when the SLO names no TTFT. */
const MAX_UTILIZATION = 0.9;

function positive(value: unknown, field: string, hint: string, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isSafeInteger(value))) {
    throw new SizingError('invalid-workload', `workload.${field} must be a positive ${integer ? 'integer' : 'number'}, got ${describe(value)}`, {
      field: `workload.${field}`,
      suggestions: [hint],
    });
  }
  return value;
}

/** Checks a workload from plain JavaScript or the CLI; returns it with defaults resolved. */
export function checkWorkload(workload: unknown): Workload {
  if (typeof workload !== 'object' || workload === null || Array.isArray(workload)) {
    throw new SizingError('invalid-workload', `workload must be an object, got ${describe(workload)}`, {
      field: 'workload',
      suggestions: ['workload: { inputTokens: 2000, outputTokens: 300, requestsPerSecond: 20, slo: { ttftMs: 1000, tpotMs: 33 } }'],
    });
  }
  const w = workload as Workload;
  const inputTokens = positive(w.inputTokens, 'inputTokens', 'workload.inputTokens: 2000 (prompt tokens per request)', true);
  const outputTokens = positive(w.outputTokens, 'outputTokens', 'workload.outputTokens: 300 (generated tokens per request)', true);
  if (w.requestsPerSecond !== undefined && w.concurrentRequests !== undefined) {
    throw new SizingError('invalid-workload', 'workload gives both requestsPerSecond and concurrentRequests: give one (an open arrival rate or a closed loop of clients)', {
      field: 'workload.concurrentRequests',
      suggestions: ['workload.requestsPerSecond: 20', 'workload.concurrentRequests: 64'],
    });
  }
  const requestsPerSecond = w.requestsPerSecond === undefined ? undefined : positive(w.requestsPerSecond, 'requestsPerSecond', 'workload.requestsPerSecond: 20', false);
  const concurrentRequests = w.concurrentRequests === undefined ? undefined : positive(w.concurrentRequests, 'concurrentRequests', 'workload.concurrentRequests: 64', true);
  const slo =
    w.slo === undefined
      ? undefined
      : {
          ttftMs: w.slo.ttftMs === undefined ? undefined : positive(w.slo.ttftMs, 'slo.ttftMs', 'workload.slo.ttftMs: 1000', false),
          tpotMs: w.slo.tpotMs === undefined ? undefined : positive(w.slo.tpotMs, 'slo.tpotMs', 'workload.slo.tpotMs: 33 (30 tokens/s per user)', false),
        };
  return { inputTokens, outputTokens, requestsPerSecond, concurrentRequests, slo };
}

export function meetsSlo(estimate: PerformanceEstimate, workload: Workload): boolean {
  const slo = workload.slo ?? {};
  return (slo.ttftMs === undefined || estimate.ttftMs <= slo.ttftMs) && (slo.tpotMs === undefined || estimate.tpotMs <= slo.tpotMs);
}

const loadAt = (workload: Workload, concurrency: number): Load => ({
  inputTokens: workload.inputTokens,
  outputTokens: workload.outputTokens,
  concurrency: Math.max(1, concurrency),
});

/**
 * The estimate of one replica taking `rate` requests per second: the concurrency c at which
 * c / request time(c) = rate (Little's law), found by bisection; undefined when the replica saturates
 * below that rate.
 */
export function estimateAtRate(plan: ModelPlan, workload: Workload, rate: number): PerformanceEstimate | undefined {
  const at = (c: number) => estimatePerformance(plan, loadAt(workload, c));
  const low = at(1);
  if (low.requestsPerSecond >= rate) return low; // less than one request in flight on average
  let lo = 1;
  let hi = 2;
  let top = at(hi);
  while (top.requestsPerSecond < rate) {
    if (top.bound === 'kv-capacity' || hi >= 65_536) return undefined; // saturated: more clients only queue
    lo = hi;
    hi *= 2;
    top = at(hi);
  }
  for (let i = 0; i < 30 && hi - lo > 0.01 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (at(mid).requestsPerSecond < rate) lo = mid;
    else hi = mid;
  }
  return at(hi);
}

/** Sequences the replica's KV cache holds for this workload (beyond that requests only queue). */
export function maxUsefulConcurrency(plan: ModelPlan, workload: Workload): number {
  const tokens = workload.inputTokens + workload.outputTokens / 2;
  const perToken = plan.memory.kvCacheBytesPerToken * plan.pipelineParallel;
  return Math.max(1, Math.floor((plan.memory.kvCacheCapacityBytes * plan.pipelineParallel) / (perToken * tokens)));
}

/**
 * Most requests one replica may hold in flight and still meet the SLO (TTFT and TPOT rise with
 * concurrency), capped by its KV cache; undefined when even one request misses it.
 */
export function maxConcurrencyMeetingSlo(plan: ModelPlan, workload: Workload): number | undefined {
  const cap = maxUsefulConcurrency(plan, workload);
  const ok = (c: number) => meetsSlo(estimatePerformance(plan, loadAt(workload, c)), workload);
  if (!ok(1)) return undefined;
  if (ok(cap)) return cap;
  let lo = 1; // meets
  let hi = cap; // misses
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

export interface Sizing {
  readonly replicas: number;
  /** The estimate of one replica at its share of the workload. */
  readonly performance: PerformanceEstimate;
  readonly meetsSlo: boolean;
}

/** One configuration sized for the workload (what the SLO search ranks). */
export interface SizedCandidate {
  readonly plan: ModelPlan;
  readonly sizing: Sizing;
  /** USD per hour of all the replicas, packed onto whole instances. */
  readonly hourlyCostUsd?: number;
  readonly costPerMillionTokensUsd?: number;
}

/** The estimate of one replica at its share of the workload with `replicas` replicas. */
function shareOf(plan: ModelPlan, workload: Workload, replicas: number): PerformanceEstimate {
  if (workload.requestsPerSecond !== undefined) {
    return estimateAtRate(plan, workload, workload.requestsPerSecond / replicas) ?? estimatePerformance(plan, loadAt(workload, maxUsefulConcurrency(plan, workload) + 1));
  }
  return estimatePerformance(plan, loadAt(workload, Math.ceil((workload.concurrentRequests ?? 1) / replicas)));
}

/**
 * Fewest replicas whose per-replica load meets the SLO: the most concurrency one replica takes within
 * the SLO (`maxConcurrencyMeetingSlo`) sets the rate (or the clients) it can carry; the workload over
 * that is the count. Without a TTFT target a replica is loaded to at most 90 % of its saturated rate.
 */
export function sizeReplicas(plan: ModelPlan, workload: Workload): Sizing {
  const perReplica = maxConcurrencyMeetingSlo(plan, workload);
  if (perReplica === undefined) {
    return { replicas: 1, performance: shareOf(plan, workload, 1), meetsSlo: false };
  }
  let replicas: number;
  if (workload.requestsPerSecond !== undefined) {
    let rate = estimatePerformance(plan, loadAt(workload, perReplica)).requestsPerSecond;
    if (workload.slo?.ttftMs === undefined) {
      const saturated = estimatePerformance(plan, loadAt(workload, maxUsefulConcurrency(plan, workload))).requestsPerSecond;
      rate = Math.min(rate, MAX_UTILIZATION * saturated);
    }
    replicas = Math.ceil(workload.requestsPerSecond / rate - 1e-9);
  } else {
    replicas = Math.ceil((workload.concurrentRequests ?? 1) / perReplica);
  }
  if (replicas > MAX_REPLICAS) return { replicas: MAX_REPLICAS, performance: shareOf(plan, workload, MAX_REPLICAS), meetsSlo: false };
  const performance = shareOf(plan, workload, replicas);
  return { replicas, performance, meetsSlo: meetsSlo(performance, workload) };
}

/** USD per million output tokens: the replicas' hourly cost over the output tokens they deliver per hour. */
export function costPerMillionTokens(hourlyCostUsd: number | undefined, sizing: Sizing, workload: Workload): number | undefined {
  if (hourlyCostUsd === undefined) return undefined;
  const tokensPerSecond = workload.requestsPerSecond !== undefined ? workload.requestsPerSecond * workload.outputTokens : sizing.performance.outputTokensPerSecond * sizing.replicas;
  return Math.round((hourlyCostUsd / (tokensPerSecond * 3600)) * 1e6 * 1e4) / 1e4;
}
