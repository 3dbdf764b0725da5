/**
 * `npm run bench`: throughput of the sizing core and cost of synthesis, measured here and never in a
 * test. Results, machine and date are recorded in docs/benchmarks.md.
 *
 *   1. plans per second (bench/plans.ts); estimates per second and SLO-plan search time (bench/performance.ts);
 *   2. synthesis of an LlmStack with 10, 100 and 1000 LlmWorkers, each size in its own child process
 *      (bench/synth-child.ts): build + `toJson()` (which runs the validations), objects per second,
 *      peak RSS, and the ratio to the same JSON objects synthesized as raw cdk8s ApiObjects.
 *
 * Options: --only plans|performance|synth   --sizes 10,100,1000   --runs N (every size)   --scenarios internal,gateway
 *          --plan-seconds S     --markdown (tables as Markdown, for docs/benchmarks.md)
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { describeMachine, machine } from './machine';
import { benchPerformance, formatPerformance } from './performance';
import { benchPlans, formatPlans } from './plans';
import type { SynthResult, SynthRun } from './synth-child';
import { SCENARIOS, type Scenario } from './stacks';
import { fixed, formatTable, median, thousands } from './table';

/** The 1000-worker stack may cost at most this many times the raw cdk8s objects (issue 8). */
const OVERHEAD_BUDGET = 3;
/** Linear: ms per worker at 1000 workers within this factor of ms per worker at 100. */
const LINEARITY_TOLERANCE = 1.25;
/** Runs per size (median reported): small sizes are noisy and cheap. */
const DEFAULT_RUNS: Record<number, number> = { 10: 25, 100: 11, 1000: 7 };

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const markdown = process.argv.includes('--markdown');
const only = option('only');
const sizes = (option('sizes') ?? '10,100,1000').split(',').map(Number);
const scenarios = (option('scenarios')?.split(',') ?? SCENARIOS) as Scenario[];
const runsOption = option('runs');

function runChild(workers: number, scenario: Scenario, runs: number): Promise<SynthResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'synth-child.ts'), [String(workers), scenario, String(runs)], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: SynthResult | undefined;
    child.on('message', (message) => (result = message as SynthResult));
    child.on('error', reject);
    child.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`synthesis of ${workers} workers (${scenario}) exited with ${code}`))));
  });
}

interface Summary {
  readonly result: SynthResult;
  readonly buildMs: number;
  readonly validateMs: number;
  readonly toJsonMs: number;
  readonly totalMs: number;
  readonly rawMs: number;
  /** Median of the per-run ratios (each run's stack against the raw objects synthesized right after it). */
  readonly overhead: number;
}

const total = (r: SynthRun) => r.buildMs + r.toJsonMs;
const rawTotal = (r: SynthRun) => r.rawBuildMs + r.rawToJsonMs;

function summarize(result: SynthResult): Summary {
  const { runs } = result;
  return {
    result,
    buildMs: median(runs.map((r) => r.buildMs)),
    validateMs: median(runs.map((r) => r.validateMs)),
    toJsonMs: median(runs.map((r) => r.toJsonMs)),
    totalMs: median(runs.map(total)),
    rawMs: median(runs.map(rawTotal)),
    overhead: median(runs.map((r) => total(r) / rawTotal(r))),
  };
}

function timeTable(rows: readonly Summary[]): string {
  return formatTable(
    ['workers', 'objects', 'runs', 'build ms', 'validate ms*', 'toJson ms', 'total ms', 'min-max ms', 'ms/worker', 'objects/s', 'raw ms', 'raw objects/s', 'overhead x'],
    rows.map((s) => {
      const totals = s.result.runs.map(total);
      return [
        String(s.result.workers),
        String(s.result.objects),
        String(s.result.runs.length),
        fixed(s.buildMs, 1),
        fixed(s.validateMs, 1),
        fixed(s.toJsonMs, 1),
        fixed(s.totalMs, 1),
        `${fixed(Math.min(...totals), 0)}-${fixed(Math.max(...totals), 0)}`,
        fixed(s.totalMs / s.result.workers, 3),
        thousands((1000 * s.result.objects) / s.totalMs),
        fixed(s.rawMs, 1),
        thousands((1000 * s.result.objects) / s.rawMs),
        fixed(s.overhead, 2),
      ];
    }),
    markdown,
  );
}

function memoryTable(rows: readonly Summary[]): string {
  return formatTable(
    ['workers', 'RSS at start MiB', 'peak RSS MiB (stack)', 'peak RSS MiB (raw phase)', 'max RSS MiB (process)', 'heap used MiB', 'identical JSON'],
    rows.map((s) => [
      String(s.result.workers),
      fixed(s.result.rssStartMiB, 0),
      fixed(s.result.peakRssMiB, 0),
      fixed(s.result.rawPeakRssMiB, 0),
      fixed(s.result.maxRssMiB, 0),
      fixed(s.result.heapUsedMiB, 0),
      s.result.identical ? 'yes' : 'NO',
    ]),
    markdown,
  );
}

function verdict(rows: readonly Summary[]): string[] {
  const at = (n: number) => rows.find((s) => s.result.workers === n);
  const lines: string[] = [];
  const big = at(1000);
  if (big) {
    // Fastest run against fastest run: the least disturbed by other load on the machine.
    const best = Math.min(...big.result.runs.map(total)) / Math.min(...big.result.runs.map(rawTotal));
    lines.push(
      `overhead at 1000 workers: ${fixed(big.overhead, 2)}x the raw cdk8s ApiObjects (median of per-run ratios; fastest vs fastest run ${fixed(best, 2)}x), ` +
        `budget ${OVERHEAD_BUDGET}x: ${big.overhead <= OVERHEAD_BUDGET ? 'within budget' : 'OVER BUDGET'}`,
    );
  }
  const perWorker = rows.map((s) => `${s.result.workers}: ${fixed(s.totalMs / s.result.workers, 3)}`).join(', ');
  const mid = at(100);
  if (big && mid) {
    const growth = big.totalMs / big.result.workers / (mid.totalMs / mid.result.workers);
    const exponent = Math.log(big.totalMs / mid.totalMs) / Math.log(big.result.workers / mid.result.workers);
    lines.push(
      `ms/worker (${perWorker}); 1000 vs 100: ${fixed(growth, 2)}x per worker, time ~ N^${fixed(exponent, 2)}: ` +
        `${growth <= LINEARITY_TOLERANCE ? 'linear' : 'NOT LINEAR'} (tolerance ${LINEARITY_TOLERANCE}x)`,
    );
  } else {
    lines.push(`ms/worker (${perWorker})`);
  }
  return lines;
}

async function main(): Promise<void> {
  const m = machine();
  console.log(`llm-constructs benchmarks — ${describeMachine(m)}`);

  if (only === undefined || only === 'plans') {
    console.log('\n## Plans per second (planModel, warm)\n');
    console.log(formatPlans(benchPlans(Number(option('plan-seconds') ?? 1.5)), markdown));
  }

  if (only === undefined || only === 'performance') {
    console.log('\n## Performance model: estimates per second, SLO plan over the whole catalog (warm)\n');
    console.log(formatPerformance(benchPerformance(Number(option('plan-seconds') ?? 1.5)), markdown));
  }
  if (only === undefined || only === 'synth') {
    for (const scenario of scenarios) {
      const rows: Summary[] = [];
      for (const workers of sizes) {
        const runs = runsOption !== undefined ? Number(runsOption) : (DEFAULT_RUNS[workers] ?? 5);
        rows.push(summarize(await runChild(workers, scenario, runs)));
      }
      const kinds = rows[rows.length - 1].result.kinds;
      console.log(
        `\n## Synthesis: LlmStack with N LlmWorkers, ${scenario === 'internal' ? 'each internal: true' : 'all behind one LiteLLM InferenceGateway'} (median of runs, each size in its own process)\n`,
      );
      console.log(
        `objects at ${rows[rows.length - 1].result.workers} workers: ${Object.entries(kinds)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}\n`,
      );
      console.log(timeTable(rows));
      console.log("\n* validate: every construct's validations, timed on their own; toJson runs them again (included in toJson and total).");
      console.log('  total = build + toJson; raw = new ApiObject(chart, id, obj) for each object + chart.toJson(); overhead = median of per-run total/raw.\n');
      console.log(memoryTable(rows));
      console.log('');
      for (const line of verdict(rows)) console.log(line);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
