/// <reference lib="dom" />
/**
 * The sizing report in a real browser: headless Chromium from Debian's packages (.ci/run installs it),
 * driven by playwright-core. Pages of the examples (`npm run synth`'s stack page, a plan page per example
 * worker) and a 100-model stack: no console errors, no network request, every chart plots the plan's
 * figures (read back from the DOM and its geometry), screenshots in test-output/report-screenshots/.
 * Predictions come from TEST DOUBLES (test/support/report-fixtures.ts): this tests binding, not physics.
 */
import { App } from 'cdk8s';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildStack } from '../bench/stacks';
import { allExamples } from '../examples';
import { eksStackExample } from '../examples/stack';
import { GiB } from '../lib/catalog/units';
import { LlmWorker } from '../lib/constructs/llm-worker';
import type { PlanCandidate, Slo } from '../lib/performance/types';
import { renderPlanReport, renderStackReport, stackReportInput } from '../lib/report';
import { bestAlternativePlans, configLabel, planLabel, plottable, type Estimator } from '../lib/report/latency-data';
import { estimatePerformance, planModel } from '../lib';
import type { ModelPlan } from '../lib/sizing/types';
import type { StackSummary } from '../lib/constructs/stack/summary';
import { fakeEstimate, withFakePredictions } from './support/report-fixtures';
import { pixelOf, valueAt, readContrast, readCostRows, readSections, tableVisibility, type Panel, type SectionReadback } from './support/report-dom';

const ROOT = path.join(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-output', 'report-screenshots'); // not build/: npm pack ships build/
const SLO: Slo = { ttftMs: 3000, tpotMs: 80 };
/** Pixel tolerance: coordinates are written to 0.1 px. */
const PX = 0.25;

let context: BrowserContext;
let userDataDir: string;
let workDir: string;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does it)`);
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-chromium-'));
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-pages-'));
  fs.mkdirSync(SHOTS, { recursive: true });
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1050, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  for (const dir of [userDataDir, workDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Opened {
  readonly sections: SectionReadback[];
  readonly problems: string[];
  readonly requests: string[];
  readonly renderMs: number;
  readonly bytes: number;
  /** Text whose contrast with its background is below WCAG AA (4.5:1). */
  readonly lowContrast: { text: string; ratio: number }[];
  /** Data tables visible on screen (folded: none) and when printed (all). */
  readonly tables: { screen: boolean[]; print: boolean[] };
  readonly costRows: Awaited<ReturnType<typeof readCostRows>>;
}

/** Loads a page from a file, as a user opens it; records console errors, page errors and every request. */
async function open(html: string, name: string, fullPage = true, runs = 1): Promise<Opened> {
  const file = path.join(workDir, `${name}.html`);
  fs.writeFileSync(file, html);
  const url = `file://${file}`;
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => r.url() !== url && requests.push(r.url()));
  try {
    // Time from navigation start until two frames after load: parsed, laid out and painted. The best of
    // `runs` loads: the page's own cost, not the other jobs of a shared machine.
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      await page.goto(url, { waitUntil: 'load' });
      times.push(await page.evaluate(() => new Promise<number>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))));
    }
    const renderMs = Math.min(...times);
    const sections = await readSections(page);
    const costRows = await readCostRows(page);
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
    const lowContrast = (await readContrast(page)).filter((t) => t.ratio < 4.5);
    const tables = await tableVisibility(page);
    return { sections, problems, requests, renderMs, bytes: Buffer.byteLength(html), lowContrast, tables, costRows };
  } finally {
    await page.close();
  }
}

const near = (actual: number, expected: number) => Math.abs(actual - expected) <= PX;
/** Data attributes carry 6 significant digits. */
const same = (actual: number, expected: number) => Math.abs(actual - expected) <= 5e-6 * Math.abs(expected);

/** The memory bar plots the plan's own figures, where its axis says. */
function checkMemory(s: SectionReadback, plan: ModelPlan): void {
  const m = plan.memory;
  const bytes = Object.fromEntries(s.memory.segs.map((g) => [g.key, g.bytes]));
  expect(bytes.weights).toBe(m.weightsBytes);
  expect(bytes.kvCache).toBe(m.kvCacheBytes);
  const overhead = m.overhead ? bytes.activation + bytes.cudaGraphs + bytes.communication + bytes.other : bytes.overhead;
  expect(overhead).toBe(m.overheadBytes);
  expect(bytes.free).toBe(Math.max(0, m.usableBytesPerAccelerator - m.requiredBytesPerAccelerator));
  expect(s.memory.usable.bytes).toBe(m.usableBytesPerAccelerator);
  let at = 0;
  for (const g of s.memory.segs) {
    expect({ key: g.key, start: near(g.x, pixelOf(s.memory.ticks, at / GiB)) }).toEqual({ key: g.key, start: true });
    at += g.bytes;
    expect({ key: g.key, end: near(g.x + g.width, pixelOf(s.memory.ticks, at / GiB)) }).toEqual({ key: g.key, end: true });
  }
  expect(near(s.memory.usable.x, pixelOf(s.memory.ticks, m.usableBytesPerAccelerator / GiB))).toBe(true);
}

/** Powers of two from 1 to the first at or above the load the plan holds (at most 1024). */
function expectedSteps(plan: ModelPlan): number[] {
  const top = Math.max(2, plan.concurrency, plan.maxConcurrentSequences, plan.performance?.load.concurrency ?? 0);
  const steps = [1];
  while (steps[steps.length - 1]! < top && steps[steps.length - 1]! < 1024) steps.push(steps[steps.length - 1]! * 2);
  return steps;
}

/**
 * The latency panels plot the estimator's figures for the chosen plan (and for each alternative's plan,
 * `alternatives` by label), the plan's own prediction, the candidates' and the SLO.
 */
function checkLatency(s: SectionReadback, plan: ModelPlan, slo: Slo, alternatives: ReadonlyMap<string, ModelPlan> = new Map(), estimate: Estimator = fakeEstimate): void {
  const lengths = { inputTokens: plan.performance!.load.inputTokens, outputTokens: plan.performance!.load.outputTokens };
  // The steps the estimator answers (the real one refuses a load beyond what the KV cache holds).
  const answered = (p: ModelPlan) =>
    expectedSteps(p).filter((concurrency) => {
      try {
        return plottable(estimate(p, { ...lengths, concurrency }));
      } catch {
        return false;
      }
    });
  for (const metric of ['ttft', 'tpot'] as const) {
    const p: Panel = s.latency[metric]!;
    const key = metric === 'ttft' ? 'ttftMs' : 'tpotMs';
    expect(p.series.map((l) => l.chosen)).toEqual([true, ...[...alternatives.keys()].map(() => false)]);
    for (const line of p.series) {
      const linePlan = line.chosen ? plan : alternatives.get(line.label)!;
      expect({ series: line.label, planned: linePlan !== undefined }).toEqual({ series: line.label, planned: true });
      // A point's concurrency is where it sits on the log2 axis (the nearest power of two; checked to 0.25 px below).
      const concurrencyOf = (d: { cx: number }) => 2 ** Math.round(Math.log2(valueAt(p.xTicks, d.cx, true)));
      expect(line.dots.map(concurrencyOf)).toEqual(answered(linePlan));
      for (const d of line.dots) {
        const c = concurrencyOf(d);
        const expected = estimate(linePlan, { ...lengths, concurrency: c })[key];
        expect({ c, value: Number(d.data.value), same: same(Number(d.data.value), expected) }).toEqual({ c, value: Number(d.data.value), same: true });
        expect({ c, x: near(d.cx, pixelOf(p.xTicks, c, true)), y: near(d.cy, pixelOf(p.yTicks, Number(d.data.value))) }).toEqual({ c, x: true, y: true });
      }
    }
    // Squares: the plan's prediction, and the three cheapest other candidates that meet the SLO.
    const cost = (c: { costPerMillionTokensUsd?: number }) => c.costPerMillionTokensUsd ?? Infinity;
    // One per configuration (GPU × TP × PP × format), none of the chosen one's: the cheapest of each.
    const labels = new Set([planLabel(plan)]);
    const best = plan
      .candidates!.filter((c) => !c.chosen && c.meetsSlo)
      .sort((a, b) => cost(a) - cost(b))
      .filter((c) => !labels.has(configLabel(c)) && Boolean(labels.add(configLabel(c))))
      .slice(0, 3);
    const expectedOps = [plan.performance![key], ...best.map((c) => c.performance[key])].sort((a, b) => a - b);
    const ops = p.ops.map((o) => Number(o.data.value)).sort((a, b) => a - b);
    expect(ops.length).toBe(expectedOps.length);
    ops.forEach((v, i) => expect(same(v, expectedOps[i]!)).toBe(true));
    expect(p.ops.filter((o) => o.cls.includes('c-chosen')).map((o) => same(Number(o.data.value), plan.performance![key]))).toEqual([true]);
    for (const o of p.ops) expect(near(o.cy, pixelOf(p.yTicks, Number(o.data.value)))).toBe(true);
    expect(p.slo?.value).toBe(slo[key]);
    expect(near(p.slo!.y, pixelOf(p.yTicks, slo[key]!))).toBe(true);
  }
}

/** Every priced candidate is a point at its TPOT and cost; the chosen one is marked; the frontier is what no point dominates. */
function checkCost(s: SectionReadback, plan: ModelPlan): void {
  const p = s.cost!;
  // One point per configuration and prediction (GPU × TP × PP × format; the search lists it once per
  // instance size): its cheapest, and the chosen one.
  const cheapest = new Map<string, PlanCandidate>();
  for (const c of plan.candidates!) {
    const key = [configLabel(c), c.performance.tpotMs, c.performance.ttftMs, c.replicas, c.meetsSlo].join('|');
    const seen = cheapest.get(key);
    const [cost, least] = [c.costPerMillionTokensUsd ?? Infinity, seen?.costPerMillionTokensUsd ?? Infinity];
    if (!seen || cost < least || (cost === least && c.chosen)) cheapest.set(key, c);
  }
  const priced = plan.candidates!.filter((c) => c.costPerMillionTokensUsd !== undefined && ([...cheapest.values()].includes(c) || c.chosen));
  expect(p.dots).toHaveLength(priced.length);
  for (const c of priced) {
    const [tpot, cost] = [c.performance.tpotMs, c.costPerMillionTokensUsd!];
    const dot = p.dots.find((d) => same(Number(d.data.tpot), tpot) && same(Number(d.data.cost), cost));
    // The frontier: no other candidate is at least as fast and as cheap, and better on one.
    const dominated = priced.some((o) => o.performance.tpotMs <= tpot && o.costPerMillionTokensUsd! <= cost && (o.performance.tpotMs < tpot || o.costPerMillionTokensUsd! < cost));
    const classes = dot?.cls.split(' ') ?? [];
    expect({ tpot, cost, plotted: dot !== undefined, chosen: classes.includes('chosen'), frontier: classes.includes('on-frontier') }).toEqual({
      tpot,
      cost,
      plotted: true,
      chosen: c.chosen,
      frontier: !dominated,
    });
    expect(near(dot!.cx, pixelOf(p.xTicks, tpot)) && near(dot!.cy, pixelOf(p.yTicks, cost, p.yLog))).toBe(true);
  }
}

/** No console error or warning, no request, all text at WCAG AA contrast, every data table folded on screen and printed. */
/** The stack's $/hour bars: one per priced model, at its summary's min and max, where the axis says. */
function checkCostRows(page: Opened, summary: StackSummary): void {
  const priced = summary.models.filter((m) => m.hourlyCostUsd);
  expect(page.costRows.rows.map((r) => r.model)).toEqual(priced.map((m) => m.servedName));
  page.costRows.rows.forEach((r, i) => {
    const { min, max } = priced[i]!.hourlyCostUsd!;
    expect({ model: r.model, min: same(r.min, min), max: same(r.max, max) }).toEqual({ model: r.model, min: true, max: true });
    expect({ model: r.model, minEnd: near(r.minEnd, pixelOf(page.costRows.ticks, min)), maxEnd: near(r.maxEnd, pixelOf(page.costRows.ticks, max)) }).toEqual({
      model: r.model,
      minEnd: true,
      maxEnd: true,
    });
  });
}

function clean(page: Opened): void {
  expect(page.problems).toEqual([]);
  expect(page.requests).toEqual([]);
  expect(page.lowContrast).toEqual([]);
  expect(page.tables.print.length).toBeGreaterThan(0);
  expect({ screen: page.tables.screen.every((v) => !v), print: page.tables.print.every((v) => v) }).toEqual({ screen: true, print: true });
}

describe('the sizing report in headless Chromium', () => {
  it('npm run synth writes dist/<stack>.report.html; it renders cleanly and its bars are the plans’ memory', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-synth-'));
    try {
      const result = spawnSync('npx', ['tsx', 'examples/main.ts'], { cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: outdir }, encoding: 'utf8', timeout: 240_000 });
      expect({ status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({ status: 0, stderr: '' });
      const reference = eksStackExample(new App());
      const page = await open(fs.readFileSync(path.join(outdir, `${reference.node.id}.report.html`), 'utf8'), 'example-stack');
      clean(page);
      const input = stackReportInput(reference);
      expect(page.sections.map((s) => s.model)).toEqual(input.models.map((m) => m.plan.model.id));
      page.sections.forEach((s, i) => checkMemory(s, input.models[i]!.plan));
      checkCostRows(page, input.summary);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 300_000);

  it('a plan page for every example worker, with predictions (test doubles): every chart plots the plan’s figures', async () => {
    const workers = allExamples(new App()).flatMap((chart) => chart.node.findAll().filter((c): c is LlmWorker => c instanceof LlmWorker));
    expect(workers.length).toBeGreaterThanOrEqual(10);
    let alternativesDrawn = 0;
    for (const [i, worker] of workers.entries()) {
      const plan = withFakePredictions(worker.plan);
      const page = await open(renderPlanReport(plan, { estimate: fakeEstimate, slo: SLO }), i === 0 ? 'example-plan' : `plan-${i}`, i === 0);
      clean(page);
      expect(page.sections).toHaveLength(1);
      checkMemory(page.sections[0]!, plan);
      // A plan page draws the best alternatives' curves: the planner's plans for those candidates.
      const alternatives = new Map(bestAlternativePlans(plan).map((alt) => [planLabel(alt), alt] as const));
      alternativesDrawn += alternatives.size;
      checkLatency(page.sections[0]!, plan, SLO, alternatives);
      checkCost(page.sections[0]!, plan);
    }
    expect(alternativesDrawn).toBeGreaterThan(0);
  }, 300_000);

  it('a 100-model stack page stays under 2 MB and renders in under 2 s, every chart bound to its plan', async () => {
    const { stack } = buildStack(100, 'internal');
    const base = stackReportInput(stack);
    const input = { ...base, models: base.models.map((m) => ({ ...m, plan: withFakePredictions(m.plan), slo: SLO })) };
    const html = renderStackReport(input, { estimate: fakeEstimate });
    const page = await open(html, 'stack-100-models', false, 3);
    clean(page);
    fs.writeFileSync(path.join(SHOTS, 'stack-100-models.json'), JSON.stringify({ bytes: page.bytes, renderMs: Math.round(page.renderMs) }));
    console.log(`100-model stack page: ${(page.bytes / 1e6).toFixed(2)} MB, rendered in ${page.renderMs.toFixed(0)} ms (best of 3 loads)`);
    expect(page.bytes).toBeLessThan(2e6);
    expect(page.renderMs).toBeLessThan(2000);
    expect(page.sections).toHaveLength(100);
    checkCostRows(page, input.summary);
    page.sections.forEach((s, i) => {
      const plan = input.models[i]!.plan;
      checkMemory(s, plan);
      checkLatency(s, plan, SLO);
      checkCost(s, plan);
    });
  }, 300_000);

  it('a 100-model stack planned for a workload on the whole catalog (the real search and estimatePerformance) stays under 2 MB and 2 s', async () => {
    // Each of the bench mix's models planned for one workload with no instance type given: the search
    // compares every GPU × TP × format × instance type of the catalog (about 80 candidates a model).
    const slo: Slo = { ttftMs: 3000, tpotMs: 80 };
    const { stack } = buildStack(100, 'internal');
    const base = stackReportInput(stack);
    const plans = new Map<string, ModelPlan>();
    const real = (p: ModelPlan) => {
      const key = `${p.model.id} ${p.engine} ${p.maxContextLength}`;
      if (!plans.has(key))
        plans.set(key, planModel({ model: p.model.id, engine: p.engine, maxContextLength: p.maxContextLength, workload: { inputTokens: 1024, outputTokens: 256, requestsPerSecond: 2, slo } }));
      return plans.get(key)!;
    };
    const input = { ...base, models: base.models.map((m) => ({ ...m, plan: real(m.plan), slo })) };
    expect([...plans.values()].every((p) => p.candidates!.length >= 20)).toBe(true);
    const html = renderStackReport(input, { estimate: estimatePerformance });
    const page = await open(html, 'stack-100-models-real', false, 3);
    clean(page);
    const candidates = input.models.reduce((n, m) => n + m.plan.candidates!.length, 0);
    console.log(`100-model stack page, real search (${candidates} candidates): ${(page.bytes / 1e6).toFixed(2)} MB, rendered in ${page.renderMs.toFixed(0)} ms (best of 3 loads)`);
    expect(page.bytes).toBeLessThan(2e6);
    expect(page.renderMs).toBeLessThan(2000);
    expect(page.sections).toHaveLength(100);
    page.sections.forEach((s, i) => {
      const plan = input.models[i]!.plan;
      checkMemory(s, plan);
      checkLatency(s, plan, slo, new Map(), estimatePerformance);
      checkCost(s, plan);
    });
  }, 300_000);
});
