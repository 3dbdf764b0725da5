/**
 * One size of the synthesis benchmark, in its own process so that its peak RSS is its own. Forked by
 * bench/run.ts with `--expose-gc`; sends one `SynthResult` over IPC (or prints it as JSON when run by
 * hand: `npx tsx bench/synth-child.ts 1000 internal 5`).
 */
import { buildRaw, buildStack, sameJson, validateTree, type Scenario } from './stacks';

export interface SynthRun {
  /** LlmStack: constructing the stack and its workers (planning, recipes, pod templates, ApiObjects). */
  readonly buildMs: number;
  /** Every construct's validations on the built tree, measured on its own (`toJson` runs them again). */
  readonly validateMs: number;
  /** `stack.toJson()`: cdk8s dependency resolution + validations + resolve/sanitize of every object + LlmStack's labels. */
  readonly toJsonMs: number;
  /** Raw cdk8s: a fresh App and Chart with one `new ApiObject(chart, id, obj)` per object of the stack. */
  readonly rawBuildMs: number;
  /** Raw cdk8s: `chart.toJson()`. */
  readonly rawToJsonMs: number;
}

export interface SynthResult {
  readonly workers: number;
  readonly scenario: Scenario;
  readonly objects: number;
  /** Objects per kind (from the last run). */
  readonly kinds: Record<string, number>;
  readonly runs: SynthRun[];
  /** The raw chart rendered the same JSON objects as the stack (up to key order). */
  readonly identical: boolean;
  /** RSS after the imports, before anything was built (MiB). */
  readonly rssStartMiB: number;
  /** Highest RSS sampled at the end of each phase, ours and raw (MiB). */
  readonly peakRssMiB: number;
  readonly rawPeakRssMiB: number;
  /** The kernel's high-water mark of the child's RSS (`process.resourceUsage().maxRSS`, MiB). */
  readonly maxRssMiB: number;
  /** V8 heap in use right after `stack.toJson()` of the last run (MiB). */
  readonly heapUsedMiB: number;
}

const MiB = 2 ** 20;
const gc: () => void = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

export function measure(workers: number, scenario: Scenario, runs: number): SynthResult {
  const rssStartMiB = process.memoryUsage().rss / MiB;
  // JIT warm-up at (at most) 100 workers, so the small sizes' peak RSS stays theirs.
  const warmSize = Math.min(workers, 100);
  for (let built = 0; built < 200; built += warmSize) {
    const { stack } = buildStack(warmSize, scenario);
    buildRaw(stack.toJson()).chart.toJson();
  }

  let peakRss = 0;
  let rawPeakRss = 0;
  let heapUsed = 0;
  let identical = false;
  let objects = 0;
  let kinds: Record<string, number> = {};
  const results: SynthRun[] = [];
  for (let r = 0; r < runs; r++) {
    const last = r === runs - 1;
    gc();
    const t0 = performance.now();
    const { app, stack } = buildStack(workers, scenario);
    const t1 = performance.now();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const errors = validateTree(app);
    const t2 = performance.now();
    if (errors.length > 0) throw new Error(`the benchmark stack does not validate:\n${errors.slice(0, 5).join('\n')}`);
    const json = stack.toJson();
    const t3 = performance.now();
    const memory = process.memoryUsage();
    peakRss = Math.max(peakRss, memory.rss);
    if (last) {
      heapUsed = memory.heapUsed;
      objects = json.length;
      kinds = {};
      for (const o of json) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
    }

    // The raw baseline runs right after, on this run's objects: load on the machine hits both alike.
    gc();
    const t4 = performance.now();
    const raw = buildRaw(json);
    const t5 = performance.now();
    rawPeakRss = Math.max(rawPeakRss, process.memoryUsage().rss);
    const rawJson = raw.chart.toJson();
    const t6 = performance.now();
    rawPeakRss = Math.max(rawPeakRss, process.memoryUsage().rss);
    if (last) identical = rawJson.length === json.length && sameJson(rawJson, json);

    results.push({ buildMs: t1 - t0, validateMs: t2 - t1, toJsonMs: t3 - t2, rawBuildMs: t5 - t4, rawToJsonMs: t6 - t5 });
  }
  return {
    workers,
    scenario,
    objects,
    kinds,
    runs: results,
    identical,
    rssStartMiB,
    peakRssMiB: peakRss / MiB,
    rawPeakRssMiB: rawPeakRss / MiB,
    maxRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB,
    heapUsedMiB: heapUsed / MiB,
  };
}

if (require.main === module) {
  const [workers, scenario, runs] = process.argv.slice(2);
  const result = measure(Number(workers ?? 100), (scenario ?? 'internal') as Scenario, Number(runs ?? 5));
  if (process.send) process.send(result);
  else console.log(JSON.stringify(result, null, 2));
}
