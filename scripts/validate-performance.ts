/**
 * Scores the committed performance model on measured runs it was not fitted on (issue 16's held-out
 * check): any CSV in the aiconfigurator `silicon_sample.csv` format (test/fixtures/perf/README.md).
 *   npx tsx scripts/validate-performance.ts <runs.csv>     (default: the calibration fixture)
 * Prints the share of plain tensor-parallel runs predicted, TPOT and TTFT errors (median, p90) overall
 * and per model x GPU x engine group, and the same for expert/attention-data-parallel runs (out of scope).
 */
import { quantile } from '../lib/performance/fit';
import { CALIBRATION } from '../lib/performance/calibration';
import { predict } from '../lib/performance/model';
import { isPlainTensorParallel, readRuns, samplesOf, type MeasuredRun } from '../test/support/perf-runs';

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function score(label: string, runs: readonly MeasuredRun[]): void {
  const { samples, unplanned } = samplesOf(runs);
  const tpot = samples.map((s) => Math.abs(predict(s.terms, s.load, CALIBRATION, s.cell).tpotMs / s.tpotMs - 1));
  const ttft = samples.map((s) => Math.abs(predict(s.terms, s.load, CALIBRATION, s.cell).ttftMs / s.ttftMs - 1));
  console.log(`${label}: ${runs.length} runs, predicted ${samples.length} (${pct(samples.length / Math.max(1, runs.length))})`);
  if (samples.length === 0) return;
  console.log(`  TPOT error median ${pct(quantile(tpot, 0.5))}, p90 ${pct(quantile(tpot, 0.9))}; TTFT error median ${pct(quantile(ttft, 0.5))}, p90 ${pct(quantile(ttft, 0.9))}`);
  for (const group of [...new Set(samples.map((s) => s.group))]) {
    const idx = samples.flatMap((s, i) => (s.group === group ? [i] : []));
    console.log(
      `    ${group.padEnd(56)} n=${String(idx.length).padStart(4)}  TPOT ${pct(
        quantile(
          idx.map((i) => tpot[i]),
          0.5,
        ),
      ).padStart(7)}  TTFT ${pct(
        quantile(
          idx.map((i) => ttft[i]),
          0.5,
        ),
      ).padStart(7)}`,
    );
  }
  for (const run of unplanned.slice(0, 10)) console.log(`  not predicted: ${run.id}`);
}

const runs = readRuns(process.argv[2]);
score('plain tensor parallel', runs.filter(isPlainTensorParallel));
score(
  'expert / attention-data parallel (out of scope: predicted as TP over the same GPUs)',
  runs.filter((r) => !isPlainTensorParallel(r)),
);
