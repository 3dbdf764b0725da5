/**
 * The calibrated model: raw physics terms (./physics.ts) x fitted efficiencies -> TPOT and TTFT.
 *
 *   TPOT = a_w·weights + a_kv·KV + a_c·compute + a_p·prefills per step + fixed + per layer·layers
 *          + per all-reduce·all-reduces + a_link·all-reduce bytes                 (then x cell factor)
 *   TTFT = b_p·prefill + b_w·prefill weight reads + fixed + b_q·queue + b_s·chunks·TPOT
 *          (then x cell factor) + waiting for KV-cache room when the load exceeds it
 *
 * Every coefficient is >= 0: a_w = 1 / achieved bandwidth fraction, a_c = 1 / achieved compute
 * fraction, and so on. A cell factor scales a (GPU generation, engine) pair the data measured.
 */
import type { Generation } from './hardware';
import type { PhysicsTerms } from './physics';
import type { Load } from './types';

export const TPOT_TERMS = ['weights', 'weightsDequant', 'kv', 'compute', 'prefill16', 'prefillFp8', 'prefillFp4', 'fixedMs', 'perLayerMs', 'perMoeLayerMs', 'perAllReduceMs', 'link'] as const;
export const TTFT_TERMS = ['prefill16', 'prefillFp8', 'prefillFp4', 'prefillMoe', 'link', 'weights', 'fixedMs', 'perLayerMs', 'perMoeLayerMs', 'queue', 'burst', 'steps'] as const;
export type TpotCoefficients = Readonly<Record<(typeof TPOT_TERMS)[number], number>>;
export type TtftCoefficients = Readonly<Record<(typeof TTFT_TERMS)[number], number>>;

/** Engines the data measured; others borrow vLLM's factors. */
export type EngineFamily = 'vllm' | 'trtllm' | 'other';
export type CellKey = `${Generation}/${EngineFamily}`;

export interface Calibration {
  readonly tpot: TpotCoefficients;
  readonly ttft: TtftCoefficients;
  /** Per (generation, engine) scale of TPOT and TTFT, and how many runs support it. */
  readonly cells: Readonly<Partial<Record<CellKey, { readonly tpot: number; readonly ttft: number; readonly runs: number }>>>;
}

/** TPOT features in the order of TPOT_TERMS. */
export function tpotFeatures(t: PhysicsTerms): number[] {
  const p = t.prefillsPerStep;
  return [
    t.dequantizes ? 0 : t.weightReadMs,
    t.dequantizes ? t.weightReadMs : 0,
    t.kvReadMs,
    t.decodeComputeMs,
    ...byFormat(t, p * t.prefillMs),
    1,
    t.layers / 100,
    t.moeLayers / 100,
    t.allReduces / 100,
    t.allReduceMs + p * t.prefillAllReduceMs,
  ];
}

/** A compute term in the column of its format (each format has its own achieved fraction of peak). */
function byFormat(t: PhysicsTerms, value: number): [number, number, number] {
  return [t.computeFormat === '16-bit' ? value : 0, t.computeFormat === 'fp8' ? value : 0, t.computeFormat === 'fp4' ? value : 0];
}

/** The fitted prefill coefficient (1 / achieved fraction of peak) of the plan's format. */
export function prefillCoefficient(c: { prefill16: number; prefillFp8: number; prefillFp4: number }, t: PhysicsTerms): number {
  return t.computeFormat === 'fp4' ? c.prefillFp4 : t.computeFormat === 'fp8' ? c.prefillFp8 : c.prefill16;
}

/** Highest share of time prefills may take in the queueing term (keeps rho / (1 - rho) finite). */
const MAX_PREFILL_SHARE = 0.9;

/** One prefill's time as the TPOT fit sees it (compute at its format's efficiency, all-reduces at the link's). */
export function effectivePrefillMs(c: TpotCoefficients, t: PhysicsTerms): number {
  return prefillCoefficient(c, t) * t.prefillMs + c.link * t.prefillAllReduceMs;
}

/** TTFT features in the order of TTFT_TERMS, given the predicted TPOT and one prefill's effective time. */
export function ttftFeatures(t: PhysicsTerms, tpotMs: number, prefillMs: number): number[] {
  // Share of engine time spent on prefills; a new request waits behind the prefills ahead of it (M/D/1).
  const rho = Math.min(MAX_PREFILL_SHARE, (t.prefillsPerStep * prefillMs) / tpotMs);
  const queue = (prefillMs * rho) / (2 * (1 - rho));
  // A benchmark starts its clients together: the first wave's prefills queue one behind another.
  const burst = (t.batch * prefillMs) / 2;
  return [...byFormat(t, t.prefillMs), t.moeLayers > 0 ? t.prefillMs : 0, t.prefillAllReduceMs, t.prefillWeightMs, 1, t.layers / 100, t.moeLayers / 100, queue, burst, t.prefillChunks * tpotMs];
}

export function dot(coefficients: readonly number[], features: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < features.length; i++) sum += coefficients[i] * features[i];
  return sum;
}

export const tpotVector = (c: TpotCoefficients): number[] => TPOT_TERMS.map((k) => c[k]);
export const ttftVector = (c: TtftCoefficients): number[] => TTFT_TERMS.map((k) => c[k]);

/**
 * Closed loop: requests beyond the KV cache's room wait for running ones to finish. With `batch`
 * running, each finishing every `requestMs`, the excess waits (excess / batch) x requestMs on average.
 */
export function kvQueueMs(t: PhysicsTerms, load: Load, requestMs: number): number {
  const excess = load.concurrency - t.batch;
  return excess > 0 ? (excess / t.batch) * requestMs : 0;
}

export interface Prediction {
  readonly tpotMs: number;
  readonly ttftMs: number;
  /** TPOT's parts (after the cell factor), for naming the bound. */
  readonly parts: { readonly memory: number; readonly compute: number; readonly interconnect: number; readonly fixed: number };
}

/**
 * The factors of a cell; an unmeasured one (another GPU generation or engine) takes the geometric mean
 * of the measured cells of its engine (of all cells for engines never measured): typical efficiency,
 * neither the best nor the worst measured.
 */
export function cellScale(calibration: Calibration, cell: CellKey): { tpot: number; ttft: number } {
  const own = calibration.cells[cell];
  if (own) return own;
  const family = cell.split('/')[1];
  const all = Object.entries(calibration.cells);
  const same = all.filter(([key]) => key.endsWith(`/${family}`));
  const pool = (same.length > 0 ? same : all).map(([, v]) => v!);
  if (pool.length === 0) return { tpot: 1, ttft: 1 };
  const mean = (f: (v: { tpot: number; ttft: number }) => number) => Math.exp(pool.reduce((s, v) => s + Math.log(f(v)), 0) / pool.length);
  return { tpot: mean((v) => v.tpot), ttft: mean((v) => v.ttft) };
}

/** TPOT and TTFT of `terms` under a calibration, for one cell. */
export function predict(terms: PhysicsTerms, load: Load, calibration: Calibration, cell: CellKey): Prediction {
  const scale = cellScale(calibration, cell);
  const a = calibration.tpot;
  const fx = tpotFeatures(terms);
  const tpotMs = dot(tpotVector(a), fx) * scale.tpot;
  const ttftBase = dot(ttftVector(calibration.ttft), ttftFeatures(terms, tpotMs, effectivePrefillMs(a, terms))) * scale.ttft;
  const requestMs = ttftBase + Math.max(0, load.outputTokens - 1) * tpotMs;
  const ttftMs = ttftBase + kvQueueMs(terms, load, requestMs);
  const s = scale.tpot;
  return {
    tpotMs,
    ttftMs,
    parts: {
      memory: (a.weights * fx[0] + a.weightsDequant * fx[1] + a.kv * fx[2]) * s,
      compute: (a.compute * fx[3] + prefillCoefficient(a, terms) * terms.prefillsPerStep * terms.prefillMs) * s,
      interconnect: (a.perAllReduceMs * fx[10] + a.link * fx[11]) * s,
      fixed: (a.fixedMs + a.perLayerMs * fx[8] + a.perMoeLayerMs * fx[9]) * s,
    },
  };
}
