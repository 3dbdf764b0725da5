/**
 * Measured serving runs (the aiconfigurator `silicon_sample.csv` format, see
 * test/fixtures/perf/README.md) -> plans, loads and fit samples. Used by the calibration tests, the
 * fitting script (scripts/fit-performance.ts) and to score held-out runs
 * (scripts/validate-performance.ts <csv>).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sample } from '../../lib/performance/fit';
import { cellOf } from '../../lib/performance/estimate';
import { physicsTerms } from '../../lib/performance/physics';
import type { Load } from '../../lib/performance/types';
import { parseVersion } from '../../lib/sizing/engine-version';
import { planModel } from '../../lib/sizing/planner';
import type { Engine, ModelPlan, Quantization } from '../../lib/sizing/types';
import { calibrationModel } from './perf-models';

export const CALIBRATION_CSV = join(__dirname, '..', 'fixtures', 'perf', 'calibration.csv');

export interface MeasuredRun {
  readonly id: string;
  readonly backend: string;
  /** Engine release as benchmarked (`0.17.0`, `1.0.0rc3`, `nightly-...`, or empty). */
  readonly backendVersion: string;
  readonly modelPath: string;
  readonly system: string;
  readonly precision: string;
  readonly isl: number;
  readonly osl: number;
  readonly concurrency: number;
  readonly tp: number;
  readonly pp: number;
  readonly attentionDp: number;
  readonly moeTp: number;
  readonly moeEp: number;
  readonly ttftMs: number;
  readonly tpotMs: number;
}

/** Parses the CSV (no quoted commas in this format). */
export function readRuns(path = CALIBRATION_CSV): MeasuredRun[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  const col = (cells: string[], name: string) => cells[names.indexOf(name)] ?? '';
  const int = (value: string, fallback: number) => (value.trim() === '' ? fallback : Number(value));
  return lines.map((line) => {
    const c = line.split(',');
    return {
      id: col(c, 'id'),
      backend: col(c, 'backend'),
      backendVersion: col(c, 'backend_version'),
      modelPath: col(c, 'model_path'),
      system: col(c, 'system'),
      precision: col(c, 'precision'),
      isl: Number(col(c, 'isl')),
      osl: Number(col(c, 'osl')),
      concurrency: Number(col(c, 'batch_size')),
      tp: int(col(c, 'tp_size'), 1),
      pp: int(col(c, 'pp_size'), 1),
      attentionDp: int(col(c, 'attention_dp_size'), 1),
      moeTp: int(col(c, 'moe_tp_size'), 1),
      moeEp: int(col(c, 'moe_ep_size'), 1),
      ttftMs: Number(col(c, 'silicon_ttft_ms')),
      tpotMs: Number(col(c, 'silicon_tpot_ms')),
    };
  });
}

/** Plain tensor parallel: no attention data parallel, no expert parallel, no pipeline. */
export function isPlainTensorParallel(run: MeasuredRun): boolean {
  return run.pp <= 1 && run.attentionDp <= 1 && run.moeEp <= 1;
}

/**
 * aiconfigurator system names -> catalog accelerators. The calibration has H100/H200/B200; the others
 * are for scoring runs of other GPUs (GB200 is scored as B200: same Blackwell GPU, an approximation).
 */
const SYSTEMS: Readonly<Record<string, string>> = {
  h100_sxm: 'H100-SXM5-80GB',
  h200_sxm: 'H200-SXM-141GB',
  b200_sxm: 'B200',
  gb200: 'B200',
  gb200_sxm: 'B200',
  a100_sxm: 'A100-SXM4-80GB',
  l40s: 'L40S',
};
const ENGINES: Readonly<Record<string, Engine>> = { vllm: 'vllm', trtllm: 'triton-trtllm' };

function quantizationOf(run: MeasuredRun): Quantization | undefined {
  switch (run.precision) {
    case '':
      return 'none';
    case 'fp8':
      return 'fp8';
    case 'fp4':
      return run.modelPath.includes('gpt-oss') ? 'mxfp4' : 'nvfp4';
    case 'int4':
      return 'int4';
    default:
      return undefined;
  }
}

/**
 * The runs do not record the KV-cache dtype. Assumed: FP8/FP4/int4 deployments quantize the KV cache
 * to FP8 (ModelOpt exports set kv_cache_quant_algo FP8; serving recipes of FP8 checkpoints pass
 * --kv-cache-dtype fp8), 16-bit ones keep it 16-bit. Checked only by the fit: with a 16-bit cache the
 * runs beyond it would queue far more than measured.
 */
function kvCacheDtypeOf(run: MeasuredRun): 'auto' | 'fp8' {
  return run.precision !== '' ? 'fp8' : 'auto';
}

/**
 * The vLLM release a run was measured on, when it is one (vLLM's memory accounting, hence the KV
 * cache's room, moves across releases); nightly builds and unrecorded ones plan for the pinned image.
 */
function vllmVersionOf(run: MeasuredRun): string | undefined {
  return run.backend === 'vllm' ? parseVersion(run.backendVersion)?.join('.') : undefined;
}

/** The plan of a run's replica (TP as measured; EP/attention-DP runs as TP of the same width), or why not. */
export function planOfRun(run: MeasuredRun): { plan?: ModelPlan; reason?: string } {
  const model = calibrationModel(run.modelPath);
  const accelerator = SYSTEMS[run.system];
  const engine = ENGINES[run.backend];
  const quantization = quantizationOf(run);
  if (!model || !accelerator || !engine || !quantization) return { reason: `unknown model, system, backend or precision in ${run.id}` };
  // Expert/attention-data-parallel runs use tp_size x attention_dp_size GPUs.
  const gpus = run.tp * Math.max(1, run.attentionDp);
  try {
    const plan = planModel({
      model,
      engine,
      accelerator,
      quantization,
      tensorParallel: gpus,
      acceleratorsPerNode: 8,
      kvCacheDtype: kvCacheDtypeOf(run),
      maxContextLength: Math.min(model.maxContextLength, run.isl + run.osl),
      engineVersion: vllmVersionOf(run),
    });
    return { plan };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

export const loadOfRun = (run: MeasuredRun): Load => ({ inputTokens: run.isl, outputTokens: run.osl, concurrency: run.concurrency });

/** Cross-validation group: model x GPU x engine. */
export function groupOf(run: MeasuredRun): string {
  return `${calibrationModel(run.modelPath)?.id ?? run.modelPath} | ${run.system} | ${run.backend}`;
}

/** Fit samples of the runs that plan (plans are cached per configuration). */
export function samplesOf(runs: readonly MeasuredRun[]): { samples: Sample[]; runs: MeasuredRun[]; unplanned: MeasuredRun[] } {
  const cache = new Map<string, { plan?: ModelPlan }>();
  const samples: Sample[] = [];
  const kept: MeasuredRun[] = [];
  const unplanned: MeasuredRun[] = [];
  for (const run of runs) {
    const key = [run.modelPath, run.system, run.backend, run.backendVersion, run.precision, run.tp, run.attentionDp, run.isl + run.osl].join('|');
    if (!cache.has(key)) cache.set(key, planOfRun(run));
    const { plan } = cache.get(key)!;
    if (!plan || !(run.ttftMs > 0) || !(run.tpotMs > 0)) {
      unplanned.push(run);
      continue;
    }
    const load = loadOfRun(run);
    samples.push({ terms: physicsTerms(plan, load), load, cell: cellOf(plan), group: groupOf(run), tpotMs: run.tpotMs, ttftMs: run.ttftMs });
    kept.push(run);
  }
  return { samples, runs: kept, unplanned };
}
