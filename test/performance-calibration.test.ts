/**
 * The performance model against measured runs (test/fixtures/perf/calibration.csv, aiconfigurator
 * silicon runs): the committed calibration is the fit of that file, and held-out groups (leave one
 * model x GPU x engine group out) meet the error bounds of issue 16.
 */
import { CALIBRATION, CROSS_VALIDATED } from '../lib/performance/calibration';
import { crossValidate, fitCalibration, quantile, type CrossValidation, type Sample } from '../lib/performance/fit';
import { TPOT_TERMS, TTFT_TERMS } from '../lib/performance/model';
import { isPlainTensorParallel, readRuns, samplesOf, type MeasuredRun } from './support/perf-runs';

let runs: MeasuredRun[];
let plain: MeasuredRun[];
let samples: Sample[];
let cv: CrossValidation;

beforeAll(() => {
  runs = readRuns();
  plain = runs.filter(isPlainTensorParallel);
  samples = samplesOf(plain).samples;
  cv = crossValidate(samples);
});

describe('the calibration fixture', () => {
  it('holds the 1,846 runs of the aiconfigurator extract, most of them plain tensor parallel', () => {
    expect(runs).toHaveLength(1846);
    expect(plain.length).toBeGreaterThan(1300);
    expect(new Set(plain.map((r) => r.system))).toEqual(new Set(['h100_sxm', 'h200_sxm', 'b200_sxm']));
  });

  it('the committed coefficients are the fit of the fixture (scripts/fit-performance.ts --write)', () => {
    const fitted = fitCalibration(samples);
    for (const term of TPOT_TERMS) expect(CALIBRATION.tpot[term]).toBeCloseTo(fitted.tpot[term], 3);
    for (const term of TTFT_TERMS) expect(CALIBRATION.ttft[term]).toBeCloseTo(fitted.ttft[term], 3);
    expect(CALIBRATION.cells).toEqual(fitted.cells);
  });

  it('the stated cross-validated errors are the ones measured here', () => {
    expect(CROSS_VALIDATED.tpot.p50).toBeCloseTo(quantile(cv.tpot, 0.5) * 100, 0);
    expect(CROSS_VALIDATED.ttft.p50).toBeCloseTo(quantile(cv.ttft, 0.5) * 100, 0);
    expect(CROSS_VALIDATED.tpot.p68).toBeCloseTo(quantile(cv.tpot, 0.68) * 100, 0);
    expect(CROSS_VALIDATED.ttft.p68).toBeCloseTo(quantile(cv.ttft, 0.68) * 100, 0);
  });

  it('efficiencies are physical: the achieved bandwidth and compute are fractions of the datasheet', () => {
    // Coefficients are 1 / achieved fraction: >= 1 means at most the datasheet figure.
    expect(CALIBRATION.tpot.weights).toBeGreaterThanOrEqual(1);
    expect(CALIBRATION.tpot.weightsDequant).toBeGreaterThanOrEqual(CALIBRATION.tpot.weights);
    expect(CALIBRATION.tpot.kv).toBeGreaterThanOrEqual(1);
    for (const term of ['prefill16', 'prefillFp8', 'prefillFp4'] as const) {
      expect(CALIBRATION.tpot[term]).toBeGreaterThanOrEqual(1);
      expect(CALIBRATION.ttft[term]).toBeGreaterThanOrEqual(1);
    }
    // ... and the fitted bandwidth is a plausible share of the datasheet (vLLM/TRT-LLM reach 70-95 %).
    expect(1 / CALIBRATION.tpot.weights).toBeGreaterThan(0.6);
  });

  it('every cell factor is near 1: the physics, not the factors, carries the prediction', () => {
    for (const cell of Object.values(CALIBRATION.cells)) {
      expect(cell!.tpot).toBeGreaterThan(0.7);
      expect(cell!.tpot).toBeLessThan(1.4);
      expect(cell!.ttft).toBeGreaterThan(0.6);
      expect(cell!.ttft).toBeLessThan(1.7);
    }
  });
});

describe('held-out groups (leave one model x GPU x engine group out)', () => {
  it('predicts at least 90 % of the plain tensor-parallel runs', () => {
    expect(samples.length / plain.length).toBeGreaterThanOrEqual(0.9);
  });

  it('TPOT: median error <= 15 %, 90th percentile <= 40 %', () => {
    expect(quantile(cv.tpot, 0.5)).toBeLessThanOrEqual(0.15);
    expect(quantile(cv.tpot, 0.9)).toBeLessThanOrEqual(0.4);
  });

  it('TTFT: median error <= 35 %', () => {
    expect(quantile(cv.ttft, 0.5)).toBeLessThanOrEqual(0.35);
  });

  it('every group is predicted within a factor of 2.5 at the median (no group is left to a constant)', () => {
    const groups = [...new Set(samples.map((s) => s.group))];
    for (const group of groups) {
      const idx = samples.flatMap((s, i) => (s.group === group ? [i] : []));
      if (idx.length < 10) continue;
      const ratio = quantile(
        idx.map((i) => cv.predictions[i].tpotMs / samples[i].tpotMs),
        0.5,
      );
      expect({ group, ok: ratio > 0.4 && ratio < 2.5 }).toEqual({ group, ok: true });
    }
  });
});
