/**
 * SLO sizing through the root planModel (issue 16): replicas, cost per token, the candidate search,
 * and the SLOs nothing can meet.
 */
import { planModel } from '../lib';
import { SizingError } from '../lib/errors';
import { estimatePerformance } from '../lib/performance/estimate';
import { planModel as planMemory } from '../lib/sizing/planner';
import type { PlanRequest } from '../lib/sizing/types';

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';
const LLAMA_70B = 'meta-llama/Llama-3.1-70B-Instruct';
// The issue's example: 20 requests/s of 2k-in/300-out, TTFT under 1 s and 30 tokens/s per user.
const ISSUE = { inputTokens: 2000, outputTokens: 300, requestsPerSecond: 20, slo: { ttftMs: 1000, tpotMs: 33 } };

describe('a plan for a workload', () => {
  const plan = planModel({ model: LLAMA_8B, workload: ISSUE });

  it('predicts per-replica performance inside the SLO, sizes replicas and prices a million tokens', () => {
    expect(plan.performance!.ttftMs).toBeLessThanOrEqual(1000);
    expect(plan.performance!.tpotMs).toBeLessThanOrEqual(33);
    expect(plan.replicas).toBeGreaterThanOrEqual(1);
    // The replicas carry the rate: each takes its share at the estimate's own throughput.
    expect(plan.performance!.requestsPerSecond * plan.replicas!).toBeGreaterThanOrEqual(20 * 0.99);
    // Cost per million output tokens = hourly cost of the replicas / output tokens per hour.
    const chosen = plan.candidates!.find((c) => c.chosen)!;
    expect(plan.costPerMillionTokensUsd).toBeCloseTo((chosen.hourlyCostUsd! / (20 * 300 * 3600)) * 1e6, 3);
  });

  it('is the cheapest per token among the candidates that meet the SLO, and lists them all', () => {
    const candidates = plan.candidates!;
    expect(candidates.filter((c) => c.chosen)).toHaveLength(1);
    expect(new Set(candidates.map((c) => c.accelerator)).size).toBeGreaterThan(3);
    for (const c of candidates.filter((c) => c.meetsSlo && c.costPerMillionTokensUsd !== undefined)) {
      expect(c.costPerMillionTokensUsd!).toBeGreaterThanOrEqual(plan.costPerMillionTokensUsd!);
    }
    // A candidate that meets the SLO really does, by its own estimate.
    for (const c of candidates.filter((c) => c.meetsSlo)) {
      expect(c.performance.ttftMs).toBeLessThanOrEqual(1000);
      expect(c.performance.tpotMs).toBeLessThanOrEqual(33);
    }
  });

  it('the cheapest GPU per hour loses to a faster one per token', () => {
    const cheapest = planMemory({ model: LLAMA_8B }); // the memory planner's choice: cheapest instance that fits
    const workload = { inputTokens: 2000, outputTokens: 300, requestsPerSecond: 20 };
    const sized = planModel({ model: LLAMA_8B, workload });
    const cheap = sized.candidates!.find((c) => c.instanceType === cheapest.instanceType!.name && c.tensorParallel === 1)!;
    expect(cheap.meetsSlo).toBe(true);
    expect(sized.instanceType!.onDemandUsdPerHour!).toBeGreaterThan(cheapest.hourlyCostUsd!);
    expect(sized.costPerMillionTokensUsd!).toBeLessThan(cheap.costPerMillionTokensUsd!);
    expect(cheap.replicas).toBeGreaterThan(sized.replicas!);
  });

  it('with a closed loop of clients, replicas share them and each stays inside the SLO', () => {
    const closed = planModel({ model: LLAMA_8B, accelerator: 'H100', workload: { inputTokens: 2000, outputTokens: 300, concurrentRequests: 500, slo: { tpotMs: 25 } } });
    expect(closed.performance!.load.concurrency).toBe(Math.ceil(500 / closed.replicas!));
    expect(closed.performance!.tpotMs).toBeLessThanOrEqual(25);
    // One replica fewer would put more clients on each than the SLO allows.
    if (closed.replicas! > 1) {
      const fewer = planMemory({ model: LLAMA_8B, instanceType: closed.instanceType!.name, tensorParallel: closed.tensorParallel, maxContextLength: 2300 });
      expect(estimatePerformance(fewer, { inputTokens: 2000, outputTokens: 300, concurrency: Math.ceil(500 / (closed.replicas! - 1)) }).tpotMs).toBeGreaterThan(25);
    }
  });
});

describe('tensor parallelism against replicas', () => {
  it('a long prompt under a tight TTFT needs TP: more TP-1 replicas never meet it', () => {
    const request: PlanRequest = { model: LLAMA_8B, accelerator: 'H100', maxContextLength: 16500 };
    const single = (tp: number) => estimatePerformance(planMemory({ ...request, tensorParallel: tp }), { inputTokens: 16000, outputTokens: 200, concurrency: 1 }).ttftMs;
    const slo = (single(1) + single(2)) / 2; // beyond one GPU, within two
    const plan = planModel({ ...request, workload: { inputTokens: 16000, outputTokens: 200, requestsPerSecond: 2, slo: { ttftMs: slo } } });
    expect(plan.tensorParallel).toBeGreaterThanOrEqual(2);
    const tp1 = plan.candidates!.filter((c) => c.tensorParallel === 1);
    expect(tp1.length).toBeGreaterThan(0);
    expect(tp1.every((c) => !c.meetsSlo)).toBe(true);
  });
});

describe('weight formats', () => {
  it("quantization 'auto' compares 16-bit, FP8 and FP4 where the GPU has them, and keeps the cheapest per token", () => {
    const plan = planModel({ model: LLAMA_70B, quantization: 'auto', workload: { inputTokens: 2000, outputTokens: 300, requestsPerSecond: 5, slo: { ttftMs: 2000, tpotMs: 50 } } });
    const formats = new Set(plan.candidates!.map((c) => c.quantization));
    expect(formats).toEqual(new Set(['none', 'fp8', 'nvfp4']));
    expect(plan.candidates!.filter((c) => c.quantization === 'nvfp4').every((c) => c.accelerator === 'B200')).toBe(true);
    expect(plan.candidates!.filter((c) => c.quantization === 'fp8').every((c) => ['H100-SXM5-80GB', 'H200-SXM-141GB', 'B200', 'L4', 'L40S'].includes(c.accelerator))).toBe(true);
  });

  it("without a workload, 'auto' is the checkpoint's own format", () => {
    expect(planModel({ model: LLAMA_8B, accelerator: 'L4', quantization: 'auto' }).quantization).toBe('none');
  });
});

describe('SLOs nothing can meet', () => {
  it('TPOT below what reading the weights takes: decode bandwidth, with what would help', () => {
    const fail = () => planModel({ model: LLAMA_70B, workload: { inputTokens: 2000, outputTokens: 300, requestsPerSecond: 5, slo: { tpotMs: 1 } } });
    expect(fail).toThrow(SizingError);
    expect(fail).toThrow(/decode bandwidth/);
    try {
      fail();
    } catch (error) {
      expect((error as SizingError).field).toBe('workload.slo.tpotMs');
      expect((error as SizingError).suggestions.join('\n')).toMatch(/fp8/);
    }
  });

  it('TTFT below what the prompt takes to prefill: prefill compute, suggesting a shorter input', () => {
    const fail = () => planModel({ model: LLAMA_8B, workload: { inputTokens: 120000, outputTokens: 300, requestsPerSecond: 1, slo: { ttftMs: 100 } } });
    expect(fail).toThrow(/prefill compute/);
    try {
      fail();
    } catch (error) {
      expect((error as SizingError).field).toBe('workload.slo.ttftMs');
      expect((error as SizingError).suggestions.join('\n')).toMatch(/shorter input/);
    }
  });

  it('a pool of one GPU type names a GPU with more bandwidth than it has', () => {
    const fail = () => planModel({ model: LLAMA_70B, instanceTypes: ['g6e.48xlarge'], workload: { inputTokens: 1000, outputTokens: 300, requestsPerSecond: 1, slo: { tpotMs: 20 } } });
    expect(fail).toThrow(/decode bandwidth/);
    try {
      fail();
    } catch (error) {
      // L40S reads 864 GB/s; H200 (4800) and B200 (7700) would help.
      expect((error as SizingError).suggestions[0]).toMatch(/more memory bandwidth than L40S: B200 7700 GB\/s/);
    }
  });
});

describe('bad workloads', () => {
  it.each([
    ['inputTokens', { inputTokens: 0, outputTokens: 10 }],
    ['outputTokens', { inputTokens: 10, outputTokens: 1.5 }],
    ['requestsPerSecond', { inputTokens: 10, outputTokens: 10, requestsPerSecond: -1 }],
    ['concurrentRequests', { inputTokens: 10, outputTokens: 10, requestsPerSecond: 1, concurrentRequests: 4 }],
    ['slo.ttftMs', { inputTokens: 10, outputTokens: 10, slo: { ttftMs: 'fast' } }],
  ])('workload.%s is a SizingError naming it', (field, workload) => {
    const bad = () => planModel({ model: LLAMA_8B, workload: workload as never });
    expect(bad).toThrow(SizingError);
    expect(bad).toThrow(`workload.${field}`);
  });

  it('a plan without a workload is the memory plan, with no performance fields', () => {
    const plan = planModel({ model: LLAMA_8B, accelerator: 'L4' });
    expect(plan).toEqual(planMemory({ model: LLAMA_8B, accelerator: 'L4' }));
    expect(plan.performance).toBeUndefined();
  });
});
