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
    const points = [[1, 10], [2, 5], [3, 6], [4, 1], [5, 1], [2, 7]] as const;
    const frontier = paretoFrontier(points, (p) => p[0], (p) => p[1]);
    expect(frontier).toEqual([[1, 10], [2, 5], [4, 1]]);
  });
});

describe('latency curves', () => {
  it('cover concurrency 1, 2, 4 ... up to the sequences the KV cache holds', () => {
    // 61 full-length sequences fit (README's worked example): up to 64.
    expect(plan70b.maxConcurrentSequences).toBe(61);
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
