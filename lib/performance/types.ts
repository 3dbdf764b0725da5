/**
 * Shapes of the performance model (issue 16): a plan and a load -> latency, throughput, cost per token.
 * Pure data; the estimator lives beside this file.
 */

/** The load on one replica: closed-loop concurrent requests of fixed input and output lengths. */
export interface Load {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Requests in flight on the replica at once. */
  readonly concurrency: number;
}

/** Latency targets: mean time to first token, mean time per output token after the first. */
export interface Slo {
  readonly ttftMs?: number;
  readonly tpotMs?: number;
}

/** What a deployment must serve, for SLO sizing (`PlanRequest.workload`). */
export interface Workload {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Arrival rate for the whole deployment (all replicas). */
  readonly requestsPerSecond?: number;
  /** Requests in flight for the whole deployment (closed loop), instead of a rate. */
  readonly concurrentRequests?: number;
  readonly slo?: Slo;
}

/** What limits a replica at that load. */
export type PerformanceBound = 'memory' | 'compute' | 'kv-capacity' | 'interconnect';

export interface PerformanceEstimate {
  /** Mean time to first token at that concurrency, queueing included. */
  readonly ttftMs: number;
  /** Mean time per output token after the first. */
  readonly tpotMs: number;
  /** Output tokens per second, per replica. */
  readonly outputTokensPerSecond: number;
  /** Completed requests per second, per replica, steady state. */
  readonly requestsPerSecond: number;
  readonly bound: PerformanceBound;
  /** Stated error, from leave-one-group-out cross-validation (wider where no measurement exists). */
  readonly uncertainty: { readonly ttftPct: number; readonly tpotPct: number };
  /** The load the estimate is for. */
  readonly load: Load;
}

/** One configuration the SLO search compared. */
export interface PlanCandidate {
  readonly accelerator: string;
  readonly instanceType?: string;
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  readonly quantization: string;
  readonly replicas: number;
  /** USD per hour of all `replicas`, packed onto whole instances (undefined without a price). */
  readonly hourlyCostUsd?: number;
  /** One replica at its share of the workload. */
  readonly performance: PerformanceEstimate;
  readonly costPerMillionTokensUsd?: number;
  readonly meetsSlo: boolean;
  readonly chosen: boolean;
}
