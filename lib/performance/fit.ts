/**
 * Fits the calibration (./model.ts) to measured runs, and cross-validates it leave-one-group-out.
 * Least squares on relative error (weights 1 / measured^2), coefficients kept >= 0 (projected
 * coordinate descent on the normal equations: 8 unknowns, so exact enough and fast). Then one factor
 * per (GPU generation, engine) cell, the geometric mean of measured / predicted, shrunk towards 1 for
 * cells with few runs.
 */
import { TPOT_TERMS, TTFT_TERMS, dot, kvQueueMs, predict, tpotFeatures, ttftFeatures, effectivePrefillMs, type Calibration, type CellKey, type TpotCoefficients, type TtftCoefficients } from './model';
import type { PhysicsTerms } from './physics';
import type { Load } from './types';

/** One measured run, reduced to what the fit needs. */
export interface Sample {
  readonly terms: PhysicsTerms;
  readonly load: Load;
  readonly cell: CellKey;
  /** Cross-validation group: model x GPU x engine. */
  readonly group: string;
  readonly tpotMs: number;
  readonly ttftMs: number;
}

/** Runs a cell needs before its factor counts half (shrinkage towards 1). */
const CELL_SHRINK_RUNS = 30;

/**
 * Bounded weighted least squares: min sum w (x·c - y)^2 with c >= lower (0 by default). Physical
 * bounds: an efficiency coefficient (1 / achieved fraction of a datasheet figure) is at least 1.
 */
export function nonNegativeLeastSquares(rows: readonly number[][], targets: readonly number[], weights: readonly number[], lower?: readonly number[]): number[] {
  const n = rows[0].length;
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const b = new Array<number>(n).fill(0);
  rows.forEach((x, r) => {
    for (let i = 0; i < n; i++) {
      b[i] += weights[r] * x[i] * targets[r];
      for (let j = 0; j < n; j++) a[i][j] += weights[r] * x[i] * x[j];
    }
  });
  const floor = lower ?? new Array<number>(n).fill(0);
  const c = [...floor];
  for (let sweep = 0; sweep < 2000; sweep++) {
    let change = 0;
    for (let i = 0; i < n; i++) {
      if (a[i][i] <= 0) continue;
      let rest = b[i];
      for (let j = 0; j < n; j++) if (j !== i) rest -= a[i][j] * c[j];
      const next = Math.max(floor[i], rest / a[i][i]);
      change = Math.max(change, Math.abs(next - c[i]) / (Math.abs(c[i]) + 1e-9));
      c[i] = next;
    }
    if (change < 1e-10) break;
  }
  return c;
}

/** Terms that divide a datasheet figure by an achieved fraction: their coefficient is at least 1. */
const EFFICIENCY_TERMS = new Set(['weights', 'weightsDequant', 'kv', 'compute', 'prefill16', 'prefillFp8', 'prefillFp4', 'link']);

function lowerBounds(terms: readonly string[]): number[] {
  return terms.map((t) => (EFFICIENCY_TERMS.has(t) ? 1 : 0));
}

function record<K extends string>(keys: readonly K[], values: readonly number[]): Readonly<Record<K, number>> {
  return Object.fromEntries(keys.map((k, i) => [k, values[i]])) as Record<K, number>;
}

function geometricScale(ratios: readonly number[]): number {
  const mean = ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length;
  return Math.exp((ratios.length / (ratios.length + CELL_SHRINK_RUNS)) * mean);
}

/** Fits the pooled physics coefficients, then the cell factors. */
export function fitCalibration(samples: readonly Sample[]): Calibration {
  const tpotRows = samples.map((s) => tpotFeatures(s.terms));
  const tpot = record(
    TPOT_TERMS,
    nonNegativeLeastSquares(
      tpotRows,
      samples.map((s) => s.tpotMs),
      samples.map((s) => 1 / s.tpotMs ** 2),
      lowerBounds(TPOT_TERMS),
    ),
  ) as TpotCoefficients;
  const tpotCells = cellScales(
    samples,
    (s, i) =>
      s.tpotMs /
      dot(
        TPOT_TERMS.map((k) => tpot[k]),
        tpotRows[i],
      ),
  );
  // TTFT features use the TPOT predicted with its cell factor, as at prediction time.
  const predictedTpot = samples.map(
    (s, i) =>
      dot(
        TPOT_TERMS.map((k) => tpot[k]),
        tpotRows[i],
      ) * (tpotCells.get(s.cell) ?? 1),
  );
  const ttftRows = samples.map((s, i) => ttftFeatures(s.terms, predictedTpot[i], effectivePrefillMs(tpot, s.terms)));
  // Waiting for KV-cache room is physics with no coefficient: take it out of the target (approximately: at the measured TTFT).
  const targets = samples.map((s, i) => Math.max(0.05 * s.ttftMs, s.ttftMs - kvQueueMs(s.terms, s.load, s.ttftMs + (s.load.outputTokens - 1) * predictedTpot[i])));
  const ttft = record(
    TTFT_TERMS,
    nonNegativeLeastSquares(
      ttftRows,
      targets,
      samples.map((s) => 1 / s.ttftMs ** 2),
      lowerBounds(TTFT_TERMS),
    ),
  ) as TtftCoefficients;
  const withTpotCells: Calibration = {
    tpot,
    ttft,
    cells: Object.fromEntries([...tpotCells].map(([cell, f]) => [cell, { tpot: f, ttft: 1, runs: 0 }])),
  };
  const ttftCells = cellScales(samples, (s) => s.ttftMs / predict(s.terms, s.load, withTpotCells, s.cell).ttftMs);
  const runs = new Map<CellKey, number>();
  for (const s of samples) runs.set(s.cell, (runs.get(s.cell) ?? 0) + 1);
  const cells = Object.fromEntries([...runs].map(([cell, n]) => [cell, { tpot: round(tpotCells.get(cell) ?? 1), ttft: round(ttftCells.get(cell) ?? 1), runs: n }]));
  return { tpot: roundAll(tpot), ttft: roundAll(ttft), cells };
}

function cellScales(samples: readonly Sample[], ratio: (s: Sample, i: number) => number): Map<CellKey, number> {
  const byCell = new Map<CellKey, number[]>();
  samples.forEach((s, i) => {
    const r = ratio(s, i);
    if (Number.isFinite(r) && r > 0) byCell.set(s.cell, [...(byCell.get(s.cell) ?? []), r]);
  });
  return new Map([...byCell].map(([cell, ratios]) => [cell, geometricScale(ratios)]));
}

const round = (x: number) => Number(x.toPrecision(5));
function roundAll<T extends Readonly<Record<string, number>>>(values: T): T {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, round(v)])) as T;
}

/** Absolute relative errors of each held-out run, fitting on every other group. */
export interface CrossValidation {
  readonly tpot: number[];
  readonly ttft: number[];
  /** Per sample, the fold's prediction (same order as the samples). */
  readonly predictions: Array<{ readonly tpotMs: number; readonly ttftMs: number }>;
}

export function crossValidate(samples: readonly Sample[]): CrossValidation {
  const groups = [...new Set(samples.map((s) => s.group))];
  const predictions = new Array<{ tpotMs: number; ttftMs: number }>(samples.length);
  for (const group of groups) {
    const calibration = fitCalibration(samples.filter((s) => s.group !== group));
    samples.forEach((s, i) => {
      if (s.group !== group) return;
      const p = predict(s.terms, s.load, calibration, s.cell);
      predictions[i] = { tpotMs: p.tpotMs, ttftMs: p.ttftMs };
    });
  }
  return {
    tpot: samples.map((s, i) => Math.abs(predictions[i].tpotMs / s.tpotMs - 1)),
    ttft: samples.map((s, i) => Math.abs(predictions[i].ttftMs / s.ttftMs - 1)),
    predictions,
  };
}

/** The q-quantile (0..1) of `values`. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
}
