import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { GiB } from '../lib/catalog/units';
import { planModel } from '../lib/sizing';
import type { ModelArchitecture } from '../lib/catalog/types';
import type { ModelPlan } from '../lib/sizing/types';
import { memorySegments, paretoFrontier, renderPlanReport } from '../lib/report';
import { concurrencySteps } from '../lib/report/latency-data';
import { fakeEstimate, withFakePredictions } from './support/report-fixtures';
import { App } from 'cdk8s';
import { eksStackExample } from '../examples/stack';
import { InferenceGateway, LlmStack, LlmWorker } from '../lib/constructs';
import type { Load, PlanCandidate } from '../lib/performance/types';
import { bestAlternativePlans } from '../lib/report/latency-data';
import { acceleratorsByType, renderStackReport, stackReportInput } from '../lib/report';
import { esc } from '../lib/report/html';

const plan70b = planModel({ model: 'meta-llama/Llama-3.1-70B-Instruct', accelerator: 'A100-80GB', concurrency: 32 });
const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);

describe('memory bar terms', () => {
  const segments = memorySegments(plan70b);
  const bytes = (key: string) => segments.find((s) => s.key === key)!.bytes;

  it('weights, KV cache and overhead add up to what the plan requires per GPU', () => {
    expect(sum(segments.filter((s) => !['free', 'reserved'].includes(s.key)).map((s) => s.bytes))).toBe(plan70b.memory.requiredBytesPerAccelerator);
    expect(bytes('weights')).toBe(plan70b.memory.weightsBytes);
    expect(bytes('kvCache')).toBe(plan70b.memory.kvCacheBytes);
  });

  it('required + free is the usable memory, and usable + held back is the whole device (usable / utilization)', () => {
    expect(plan70b.memory.requiredBytesPerAccelerator + bytes('free')).toBe(plan70b.memory.usableBytesPerAccelerator);
    // A100-SXM4-80GB: 79.26 GiB software-visible (README accelerator table), vLLM utilization 0.92.
    expect(sum(segments.map((s) => s.bytes)) / GiB).toBeCloseTo(79.26, 2);
  });

  it('shows the overhead term by term once the plan breaks it down (issue 14)', () => {
    const overhead = { activationBytes: 1 * GiB, cudaGraphBytes: 0.5 * GiB, nonTorchBytes: 0.25 * GiB, otherBytes: 0 };
    const broken: ModelPlan = { ...plan70b, memory: { ...plan70b.memory, overhead } };
    const keys = Object.fromEntries(memorySegments(broken).map((s) => [s.key, s.bytes]));
    expect(keys).toMatchObject({ activation: GiB, cudaGraphs: 0.5 * GiB, communication: 0.25 * GiB, other: 0 });
    expect(keys.overhead).toBeUndefined();
  });
});

describe('the cost/latency frontier', () => {
  it('keeps exactly the points no other point beats on both axes', () => {
    // [latency, cost]: (1,10) (2,5) (3,6) (4,1) (5,1) (2,7)
    const points = [
      [1, 10],
      [2, 5],
      [3, 6],
      [4, 1],
      [5, 1],
      [2, 7],
    ] as const;
    const frontier = paretoFrontier(
      points,
      (p) => p[0],
      (p) => p[1],
    );
    expect(frontier).toEqual([
      [1, 10],
      [2, 5],
      [4, 1],
    ]);
  });
});

describe('latency curves', () => {
  it('cover concurrency 1, 2, 4 ... up to the sequences the KV cache holds', () => {
    // Between 32 and 64 full-length sequences fit (56 since the memory terms of issue 14): up to 64.
    expect(plan70b.maxConcurrentSequences).toBeGreaterThan(32);
    expect(plan70b.maxConcurrentSequences).toBeLessThanOrEqual(64);
    expect(concurrencySteps(plan70b)).toEqual([1, 2, 4, 8, 16, 32, 64]);
  });
});

describe('renderPlanReport', () => {
  it('without predictions, says so instead of drawing empty charts', () => {
    const html = renderPlanReport(plan70b);
    expect(html.match(/not predicted/g)!.length).toBeGreaterThanOrEqual(4); // latency, cost, replicas, $/1M tokens
    expect(html).toContain('data-key="weights"');
    expect(html).not.toContain('class="chart latency');
  });

  it('with predictions, draws every chart (fake estimator: a test double)', () => {
    const html = renderPlanReport(withFakePredictions(plan70b), { estimate: fakeEstimate, slo: { ttftMs: 2000, tpotMs: 60 } });
    for (const chart of ['chart memory', 'chart latency ttft', 'chart latency tpot', 'chart cost']) expect(html).toContain(`class="${chart}"`);
    expect(html).not.toContain('not predicted');
  });

  it('is self-contained: no URL at all, a CSP that forbids loading anything', () => {
    const html = renderPlanReport(withFakePredictions(plan70b), { estimate: fakeEstimate });
    expect(html.match(/(https?:)?\/\/[^\s"'<>)]+/g) ?? []).toEqual([]);
    expect(html).not.toMatch(/\bsrc=|<link|@import|url\(/);
    expect(html).toContain("default-src 'none'");
  });

  it('escapes what it is given (a model id is user input)', () => {
    const evil = { ...plan70b.model, id: 'acme/<script>alert(1)</script>' } as ModelArchitecture;
    const html = renderPlanReport({ ...plan70b, model: evil, warnings: ['<b>x</b>'] });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('acme/&lt;script&gt;');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });
});

describe('llm-constructs plan --report', () => {
  const bin = path.join(__dirname, '..', 'build', 'lib', 'cli', 'main.js');
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'plan', ...args], { encoding: 'utf8' });

  it('writes the page beside the text plan', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-cli-'));
    try {
      const file = path.join(dir, 'plan.html');
      const result = run('--model', 'meta-llama/Llama-3.1-8B-Instruct', '--gpu', 'L4', '--report', file);
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      expect(result.stdout).toContain('Plan for meta-llama/Llama-3.1-8B-Instruct');
      const html = fs.readFileSync(file, 'utf8');
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).toContain('Sizing report: meta-llama/Llama-3.1-8B-Instruct on L4');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unwritable path is a clear error naming --report, exit 1', () => {
    const result = run('--model', 'meta-llama/Llama-3.1-8B-Instruct', '--gpu', 'L4', '--report', '/nonexistent-dir/plan.html');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: --report \/nonexistent-dir\/plan.html: cannot write the report/);
    expect(result.stderr).toContain('what would work');
  });
});

describe('figures a chart cannot place', () => {
  it('are left out of the charts (never NaN coordinates), and kept in the tables', () => {
    const plan = withFakePredictions(plan70b);
    const broken = {
      ...plan,
      candidates: plan.candidates!.map((c, i) => (i === 1 ? { ...c, costPerMillionTokensUsd: NaN } : i === 2 ? { ...c, performance: { ...c.performance, tpotMs: Infinity } } : c)),
    };
    const estimate = (p: ModelPlan, load: Load) => {
      const e = fakeEstimate(p, load);
      if (load.concurrency > 8) return { ...e, ttftMs: NaN };
      return load.concurrency === 2 ? { ...e, uncertainty: { ttftPct: NaN, tpotPct: -5 } } : e; // no band there, the point stays
    };
    const html = renderPlanReport(broken, { estimate, alternatives: [] });
    expect(html).not.toMatch(/NaN|Infinity/);
    // The curves' points (one path of dots per curve; squares are the workload's points): concurrency 1, 2, 4
    // and 8, where the estimate is finite — at the x of those tick labels.
    const ticks = new Map([...html.matchAll(/<text x="([\d.]+)">(\d+)<\/text>/g)].map((m) => [Number(m[2]), m[1]!] as const));
    const dots = [...html.matchAll(/<path class="dots" d="([^"]*)" data-values="([^"]*)"/g)];
    expect(dots.map((m) => [...m[1]!.matchAll(/M([\d.]+),[\d.]+h0/g)].map((p) => p[1]))).toEqual([1, 2].map(() => [1, 2, 4, 8].map((c) => ticks.get(c))));
    expect(dots.map((m) => m[2]!.split(' ').map(Number).every(Number.isFinite))).toEqual([true, true]);
    expect(html).toContain('All 24 configurations compared');
  });
});

describe('the stack page', () => {
  const stack = eksStackExample(new App());
  const input = stackReportInput(stack);

  it('counts accelerators by type at min and max replicas, as the summary lines say', () => {
    // From the summary's own strings: "<n> x <accelerator>" per replica, times min/max replicas.
    const expected = new Map<string, { min: number; max: number }>();
    for (const m of stack.summary().models) {
      const [n, id] = m.acceleratorsPerReplica.split(' x ');
      const prev = expected.get(id!) ?? { min: 0, max: 0 };
      expected.set(id!, { min: prev.min + Number(n) * m.minReplicas, max: prev.max + Number(n) * m.maxReplicas });
    }
    expect(Object.fromEntries(acceleratorsByType(input.models).map((g) => [g.accelerator, { min: g.min, max: g.max }]))).toEqual(Object.fromEntries(expected));
  });

  it('shows the totals of the summary, and the warnings of synth and of the plans', () => {
    const html = renderStackReport(input);
    const total = stack.summary().hourlyCostUsd;
    expect(html).toContain(`$${total.min.toFixed(2)}/h..$${total.max.toFixed(2)}/h on demand`);
    for (const w of stack.workers) for (const warning of w.plan.warnings) expect(html).toContain(esc(`${w.node.path}: ${warning}`));
    const open = new LlmStack(new App(), 'open', { namespace: 'open' });
    const worker = new LlmWorker(open, 'm', { model: 'meta-llama/Llama-3.1-8B-Instruct', instanceType: 'g6.xlarge' });
    new InferenceGateway(open, 'gw', { backends: [worker], allowUnauthenticated: true });
    expect(stackReportInput(open).warnings).toContain('open/gw: allowUnauthenticated: true — the gateway serves every model without an API key');
  });
});

describe('the best alternatives (curves on a plan page)', () => {
  it('are the three cheapest other candidates that meet the SLO, each planned on its own hardware, TP and format', () => {
    const plan = withFakePredictions(plan70b);
    const cost = (c: PlanCandidate) => c.costPerMillionTokensUsd ?? Infinity;
    const best = plan
      .candidates!.filter((c) => !c.chosen && c.meetsSlo)
      .sort((a, b) => cost(a) - cost(b))
      .slice(0, 3);
    const plans = bestAlternativePlans(plan);
    expect(plans.length).toBeGreaterThan(0);
    for (const alt of plans) {
      const match = best.find((c) => c.accelerator === alt.accelerator.id && c.tensorParallel === alt.tensorParallel && c.quantization === alt.quantization);
      expect({ alt: `${alt.accelerator.id} TP${alt.tensorParallel} ${alt.quantization}`, isBest: match !== undefined }).toEqual({
        alt: `${alt.accelerator.id} TP${alt.tensorParallel} ${alt.quantization}`,
        isBest: true,
      });
      expect([alt.model.id, alt.engine, alt.maxContextLength, alt.concurrency]).toEqual([plan.model.id, plan.engine, plan.maxContextLength, plan.concurrency]);
    }
  });
});

describe('the candidates table', () => {
  it('lists every candidate: one row per configuration and prediction, its other instance types under "also on"', () => {
    const plan = withFakePredictions(plan70b);
    const [chosen, ...others] = plan.candidates!;
    // The chosen configuration again on a bigger instance: the same prediction, twice the dollars.
    const small = { ...chosen!, instanceType: 'x.small' };
    const big = { ...chosen!, instanceType: 'x.big', hourlyCostUsd: chosen!.hourlyCostUsd! * 2, costPerMillionTokensUsd: chosen!.costPerMillionTokensUsd! * 2, chosen: false };
    const html = renderPlanReport({ ...plan, candidates: [small, big, ...others] });
    const table = /All 25 configurations compared \(table\).*?<tbody>(.*?)<\/tbody>/.exec(html)![1]!;
    const rows = table.split('<tr>').slice(1);
    expect(rows).toHaveLength(24);
    const row = rows.find((r) => r.includes('x.small'))!;
    expect(row).toContain(`<td>x.big $${big.costPerMillionTokensUsd.toFixed(2)}`);
    expect(row).toContain('chosen');
    // The chart: one point for the two (the cheaper), 22 for the others that are priced.
    expect(html).toContain(`for ${1 + others.filter((c) => c.costPerMillionTokensUsd !== undefined).length} configurations at their cheapest instance type`);
  });
});
