/**
 * What a workload-sized plan tells an autoscaler: the replica bounds, and the queue depth per replica
 * to hold — the requests one replica can let wait and still answer within the TTFT target.
 */
import type { ModelPlan } from '../sizing/types';
import type { Workload } from './types';

/** Queueing a replica may add when the SLO names no TTFT: one second. */
const DEFAULT_QUEUE_BUDGET_MS = 1000;

export interface WorkloadScaling {
  /** Replicas that meet the SLO at the workload's load (the autoscaler's maximum). */
  readonly replicas: number;
  /** Per-pod average of the engine's queue-depth metric (waiting requests) to hold. */
  readonly queueDepthTarget: number;
}

/**
 * From a plan made with a workload (`plan.performance`, `plan.replicas`): a waiting request is served
 * after those ahead of it drain at the replica's predicted rate, so the queue may hold
 * rate x (TTFT target - predicted TTFT) requests; at least 1. Undefined for a plan without a workload.
 */
export function workloadScaling(plan: ModelPlan, workload: Workload | undefined): WorkloadScaling | undefined {
  if (!workload || plan.performance === undefined || plan.replicas === undefined) return undefined;
  const p = plan.performance;
  const budgetMs = workload.slo?.ttftMs !== undefined ? Math.max(0, workload.slo.ttftMs - p.ttftMs) : DEFAULT_QUEUE_BUDGET_MS;
  return { replicas: plan.replicas, queueDepthTarget: Math.max(1, Math.floor((p.requestsPerSecond * budgetMs) / 1000)) };
}
