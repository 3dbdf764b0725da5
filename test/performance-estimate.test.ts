/**
 * estimatePerformance: physical properties that hold whatever the fitted efficiencies are (issue 16,
 * "monotonic and physical"), and the inputs it refuses.
 */
import { ACCELERATORS } from '../lib/catalog/accelerators';
import type { Accelerator } from '../lib/catalog/types';
import { SizingError } from '../lib/errors';
import { estimatePerformance } from '../lib/performance/estimate';
import { INTERCONNECTS, interconnectOf, peakTflops } from '../lib/performance/hardware';
import { expertsTouched } from '../lib/performance/physics';
import { planModel } from '../lib/sizing/planner';
import type { ModelPlan, PlanRequest, Quantization } from '../lib/sizing/types';

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';
const LLAMA_70B = 'meta-llama/Llama-3.1-70B-Instruct';
const load = (concurrency: number, inputTokens = 2000, outputTokens = 300) => ({ inputTokens, outputTokens, concurrency });
const plan = (request: Partial<PlanRequest>) => planModel({ model: LLAMA_8B, accelerator: 'H100', maxContextLength: 8192, ...request });

describe('TPOT and TTFT', () => {
  const h100 = plan({ tensorParallel: 1 });

  it('TPOT rises with concurrency, and so does TTFT (queueing behind other prefills)', () => {
    const at = [1, 2, 4, 8, 16, 32, 64, 128].map((c) => estimatePerformance(h100, load(c)));
    for (let i = 1; i < at.length; i++) {
      expect(at[i].tpotMs).toBeGreaterThan(at[i - 1].tpotMs);
      expect(at[i].ttftMs).toBeGreaterThanOrEqual(at[i - 1].ttftMs);
    }
  });

  it('TPOT rises with context (more KV cache read per token); TTFT with the prompt', () => {
    const at = [256, 1024, 4096, 6000].map((isl) => estimatePerformance(h100, load(16, isl)));
    for (let i = 1; i < at.length; i++) {
      expect(at[i].tpotMs).toBeGreaterThan(at[i - 1].tpotMs);
      expect(at[i].ttftMs).toBeGreaterThan(at[i - 1].ttftMs);
    }
  });

  it('TPOT falls with tensor parallelism, sub-linearly (all-reduces and fixed costs do not shrink)', () => {
    for (const c of [1, 16, 64]) {
      const [t2, t4, t8] = [2, 4, 8].map((tp) => estimatePerformance(plan({ model: LLAMA_70B, tensorParallel: tp, accelerator: 'H200' }), load(c)).tpotMs);
      expect(t4).toBeLessThan(t2);
      expect(t8).toBeLessThan(t4);
      expect(t4).toBeGreaterThan(t2 / 2);
      expect(t8).toBeGreaterThan(t4 / 2);
    }
  });

  it('the decode step of one request is bounded below by reading the weights at the datasheet bandwidth', () => {
    for (const accelerator of ['L4', 'A10G', 'A100-80GB', 'H100', 'H200', 'B200']) {
      const p = plan({ accelerator, maxContextLength: 4096 });
      const floorMs = (p.memory.totalWeightsBytes - 2 * 128256 * 4096) / (p.accelerator.memoryBandwidthGBps * 1e6) / p.tensorParallel;
      expect(estimatePerformance(p, load(1, 1000, 100)).tpotMs).toBeGreaterThan(floorMs);
    }
  });

  it('TTFT of one request is bounded below by 2 x params x prompt tokens at peak TFLOPS', () => {
    const p = plan({});
    const floorMs = (2 * 8.03e9 * 4000) / (peakTflops(p.accelerator, 'none') * 1e9);
    expect(estimatePerformance(p, load(1, 4000)).ttftMs).toBeGreaterThan(floorMs);
  });

  it('throughput is consistent with latency: requests/s = concurrency / (TTFT + (output - 1) x TPOT)', () => {
    const e = estimatePerformance(h100, load(32));
    expect(e.requestsPerSecond).toBeCloseTo(32 / ((e.ttftMs + 299 * e.tpotMs) / 1000), 1);
    expect(e.outputTokensPerSecond).toBeCloseTo(e.requestsPerSecond * 300, 0);
  });
});

describe('hardware and formats', () => {
  const gpus = ACCELERATORS.filter((a) => a.kind === 'gpu');
  const atLeast = (b: Accelerator, a: Accelerator) =>
    b.memoryBandwidthGBps >= a.memoryBandwidthGBps &&
    peakTflops(b, 'none') >= peakTflops(a, 'none') &&
    peakTflops(b, 'fp8') >= peakTflops(a, 'fp8') &&
    interconnectOf(b).gbps >= interconnectOf(a).gbps;

  it('every catalog GPU has its own interconnect facts (no silent PCIe 4.0 fallback)', () => {
    expect(gpus.filter((g) => INTERCONNECTS[g.id] === undefined).map((g) => g.id)).toEqual([]);
  });

  it('a faster GPU (bandwidth, TFLOPS and interconnect all >=) is never predicted slower on the same plan', () => {
    let pairs = 0;
    for (const a of gpus) {
      let base: ModelPlan;
      try {
        base = planModel({ model: LLAMA_8B, accelerator: a.id, acceleratorsPerNode: 8, tensorParallel: 2, maxContextLength: 4096, quantization: 'none' });
      } catch {
        continue; // does not fit on this GPU
      }
      for (const b of gpus) {
        if (a === b || !atLeast(b, a)) continue;
        pairs++;
        for (const c of [1, 8, 32]) {
          const slow = estimatePerformance(base, load(c, 2000, 200));
          const fast = estimatePerformance({ ...base, accelerator: b }, load(c, 2000, 200));
          expect({ a: a.id, b: b.id, c, tpot: fast.tpotMs <= slow.tpotMs, ttft: fast.ttftMs <= slow.ttftMs }).toEqual({ a: a.id, b: b.id, c, tpot: true, ttft: true });
        }
      }
    }
    expect(pairs).toBeGreaterThan(20);
  });

  it('FP8 is never slower than 16-bit where the GPU has FP8 tensor cores (same GPUs: same TP and PP)', () => {
    for (const a of gpus.filter((g) => g.supportsFp8)) {
      const of = (quantization: Quantization, pipelineParallel?: number) =>
        planModel({ model: LLAMA_70B, accelerator: a.id, acceleratorsPerNode: 8, tensorParallel: 8, pipelineParallel, maxContextLength: 4096, quantization });
      // Where 16-bit weights need a second pipeline stage (70B on 8 x L4), FP8 gets the same 16 GPUs:
      // on half of them it would hold half the KV cache, and queue sooner, on half the hardware.
      const bf16Plan = of('none');
      const fp8Plan = of('fp8', bf16Plan.pipelineParallel);
      expect(fp8Plan.acceleratorsPerReplica).toBe(bf16Plan.acceleratorsPerReplica);
      for (const c of [1, 4, 16, 64, 256]) {
        const bf16 = estimatePerformance(bf16Plan, load(c, 2000, 200));
        const fp8 = estimatePerformance(fp8Plan, load(c, 2000, 200));
        expect(fp8.ttftMs).toBeLessThanOrEqual(bf16.ttftMs);
        expect(fp8.outputTokensPerSecond).toBeGreaterThanOrEqual(bf16.outputTokensPerSecond);
        // Per token, at the same batch: FP8's larger KV room may run a bigger batch where 16-bit queues.
        if (bf16.bound !== 'kv-capacity') expect(fp8.tpotMs).toBeLessThanOrEqual(bf16.tpotMs);
      }
    }
  });

  it('a mixture of experts reads only the experts its batch routes to, all of them for a large batch', () => {
    const mixtral = { experts: 8, expertsPerToken: 2 };
    const model = { id: 'x', moe: mixtral } as never;
    expect(expertsTouched(model, 1)).toBeCloseTo(2, 6);
    expect(expertsTouched(model, 2)).toBeCloseTo(8 * (1 - 0.75 ** 2), 6);
    expect(expertsTouched(model, 64)).toBeGreaterThan(7.99);
    const p = planModel({ model: 'mistralai/Mixtral-8x7B-Instruct-v0.1', accelerator: 'H100', tensorParallel: 2, maxContextLength: 4096 });
    const dense = planModel({ model: LLAMA_70B, accelerator: 'H100', tensorParallel: 4, maxContextLength: 4096 });
    // Mixtral (47B total, 13B active) decodes one request faster than a dense 70B on twice the GPUs' share.
    expect(estimatePerformance(p, load(1)).tpotMs).toBeLessThan(estimatePerformance(dense, load(1)).tpotMs);
  });

  it('uncertainty is the cross-validated error on measured GPUs and wider elsewhere', () => {
    const measured = estimatePerformance(plan({ accelerator: 'H100' }), load(8));
    const unmeasured = estimatePerformance(plan({ accelerator: 'L40S' }), load(8));
    expect(measured.uncertainty.tpotPct).toBeGreaterThan(5);
    expect(unmeasured.uncertainty.tpotPct).toBeGreaterThan(measured.uncertainty.tpotPct);
    expect(unmeasured.uncertainty.ttftPct).toBeGreaterThan(measured.uncertainty.ttftPct);
  });
});

describe('bounds', () => {
  it('one request is memory-bound; a long-prompt, high-concurrency load is compute-bound', () => {
    const p = plan({});
    expect(estimatePerformance(p, load(1)).bound).toBe('memory');
    expect(estimatePerformance(p, load(48, 6000, 64)).bound).toBe('compute');
  });

  it('TP 8 over PCIe (8 x L40S, no NVLink) turns interconnect-bound as the batch grows', () => {
    const p = planModel({ model: LLAMA_70B, instanceType: 'g6e.48xlarge', tensorParallel: 8, maxContextLength: 2048, quantization: 'fp8' });
    expect(estimatePerformance(p, load(1, 1000, 1000)).bound).toBe('memory');
    expect(estimatePerformance(p, load(64, 1000, 1000)).bound).toBe('interconnect');
    // The same plan with NVLink-class links (H100 SXM's 450 GB/s each way) is faster per token.
    const nvlink = { ...p, accelerator: { ...p.accelerator, id: 'H100-SXM5-80GB' } };
    expect(estimatePerformance(nvlink, load(64, 1000, 1000)).tpotMs).toBeLessThan(estimatePerformance(p, load(64, 1000, 1000)).tpotMs);
  });

  it("vLLM runs at most the plan's max_num_seqs at once: more clients queue for a slot, TPOT stops rising", () => {
    const p = plan({ maxNumSeqs: 64, maxContextLength: 4096 });
    expect(p.maxNumSeqs).toBe(64);
    const full = estimatePerformance(p, load(64, 1000, 500));
    const beyond = estimatePerformance(p, load(128, 1000, 500));
    expect(beyond.bound).toBe('kv-capacity');
    expect(beyond.tpotMs).toBeCloseTo(full.tpotMs, 1);
    expect(beyond.ttftMs).toBeGreaterThan(full.ttftMs + 0.8 * 499 * full.tpotMs);
  });

  it('concurrency beyond the KV cache queues: kv-capacity bound, TTFT grows by whole requests, TPOT stops rising', () => {
    const p = planModel({ model: LLAMA_70B, accelerator: 'H100', tensorParallel: 2, maxContextLength: 8192 });
    const room = Math.floor(p.memory.kvCacheCapacityBytes / (p.memory.kvCacheBytesPerToken * (4000 + 500)));
    const inside = estimatePerformance(p, load(room, 4000, 1000));
    const beyond = estimatePerformance(p, load(room * 2, 4000, 1000));
    expect(beyond.bound).toBe('kv-capacity');
    expect(beyond.tpotMs).toBeCloseTo(inside.tpotMs, 1);
    // Twice the clients of what fits: each waits about one whole request (~1000 tokens x TPOT) first.
    expect(beyond.ttftMs).toBeGreaterThan(inside.ttftMs + 0.8 * 999 * inside.tpotMs);
    expect(beyond.requestsPerSecond).toBeCloseTo(inside.requestsPerSecond, 0);
  });
});

describe('bad input', () => {
  const p = plan({});
  it.each([
    ['inputTokens', { inputTokens: 0, outputTokens: 10, concurrency: 1 }],
    ['outputTokens', { inputTokens: 10, outputTokens: Number.NaN, concurrency: 1 }],
    ['concurrency', { inputTokens: 10, outputTokens: 10, concurrency: -2 }],
  ])('load.%s out of range is a SizingError naming it', (field, bad) => {
    expect(() => estimatePerformance(p, bad)).toThrow(SizingError);
    expect(() => estimatePerformance(p, bad)).toThrow(`load.${field}`);
  });

  it('an embedding server has no TTFT/TPOT to predict', () => {
    const embedder = { ...p, model: { ...p.model, embedding: true } };
    expect(() => estimatePerformance(embedder, load(1))).toThrow(SizingError);
    expect(() => estimatePerformance(embedder, load(1))).toThrow(/generates no tokens/);
  });
});
