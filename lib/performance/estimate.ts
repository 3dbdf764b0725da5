/**
 * `estimatePerformance(plan, load)`: TTFT, TPOT and throughput of one replica at a closed-loop load,
 * from the physics of ./physics.ts and the efficiencies fitted in ./calibration.ts.
 */
import { SizingError } from '../errors';
import type { ModelPlan } from '../sizing/types';
import { CALIBRATION, CROSS_VALIDATED } from './calibration';
import { generationOf } from './hardware';
import { predict, type CellKey, type EngineFamily } from './model';
import { physicsTerms } from './physics';
import type { Load, PerformanceBound, PerformanceEstimate } from './types';

/** The calibration cell of a plan: GPU generation x engine family. */
export function cellOf(plan: ModelPlan): CellKey {
  const family: EngineFamily = plan.engine === 'triton-trtllm' ? 'trtllm' : plan.engine === 'vllm' || plan.engine === 'fastchat-vllm' ? 'vllm' : 'other';
  return `${generationOf(plan.accelerator)}/${family}`;
}

/** Uncertainty widens this much where no measurement backs the cell (other GPUs, other engines). */
const UNMEASURED_WIDENING = 2;

/** Stated uncertainty of a plan's estimate: the cross-validated 68th percentile, wider off the measured cells. */
export function uncertaintyOf(plan: ModelPlan): { ttftPct: number; tpotPct: number } {
  const cell = cellOf(plan);
  const measured = (CALIBRATION.cells[cell]?.runs ?? 0) > 0;
  const k = measured ? 1 : UNMEASURED_WIDENING;
  return { ttftPct: Math.round(CROSS_VALIDATED.ttft.p68 * k), tpotPct: Math.round(CROSS_VALIDATED.tpot.p68 * k) };
}

function checkLoad(load: Load): void {
  const fields: Array<[keyof Load, number]> = [
    ['inputTokens', 1],
    ['outputTokens', 1],
    ['concurrency', 1],
  ];
  for (const [field, min] of fields) {
    const value = load?.[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      throw new SizingError('invalid-load', `load.${field} must be a number >= ${min}, got ${String(value)}`, {
        field: `load.${field}`,
        suggestions: ['load: { inputTokens: 2000, outputTokens: 300, concurrency: 16 }'],
      });
    }
  }
}

/**
 * Predicted mean TTFT and TPOT of one replica of `plan` with `load.concurrency` requests in flight
 * (closed loop), its throughput, and what bounds it.
 * @throws SizingError for an embedding model (no generation) or a malformed load.
 */
export function estimatePerformance(plan: ModelPlan, load: Load): PerformanceEstimate {
  checkLoad(load);
  if (plan.model.embedding || plan.engine === 'tei') {
    throw new SizingError('no-generation', `${plan.model.id} on ${plan.engine} embeds text and generates no tokens: there is no TTFT or TPOT to predict`, {
      field: 'model',
      suggestions: ['a generative model (e.g. meta-llama/Llama-3.1-8B-Instruct) with vllm or tgi'],
    });
  }
  const terms = physicsTerms(plan, load);
  const p = predict(terms, load, CALIBRATION, cellOf(plan));
  const requestMs = p.ttftMs + Math.max(0, load.outputTokens - 1) * p.tpotMs;
  const requestsPerSecond = (load.concurrency / requestMs) * 1000;
  let bound: PerformanceBound;
  // More clients than running slots (the KV cache's room, or vLLM's max_num_seqs): they queue.
  if (load.concurrency > terms.batch) bound = 'kv-capacity';
  else {
    const { memory, compute, interconnect } = p.parts;
    bound = interconnect > memory && interconnect > compute ? 'interconnect' : compute > memory ? 'compute' : 'memory';
  }
  return {
    ttftMs: round(p.ttftMs),
    tpotMs: round(p.tpotMs),
    outputTokensPerSecond: round(requestsPerSecond * load.outputTokens),
    requestsPerSecond: round(requestsPerSecond),
    bound,
    uncertainty: uncertaintyOf(plan),
    load: { inputTokens: load.inputTokens, outputTokens: load.outputTokens, concurrency: load.concurrency },
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
