/**
 * Why no configuration meets an SLO: the term that makes it impossible even with one request per
 * replica (prefill compute for TTFT; decode bandwidth or the interconnect for TPOT), and what would help.
 */
import { ACCELERATORS } from '../catalog/accelerators';
import { SizingError } from '../errors';
import { estimatePerformance } from './estimate';
import type { SizedCandidate } from './workload';
import type { PerformanceEstimate, Workload } from './types';

const ms = (x: number) => `${Math.round(x)} ms`;
const ms1 = (x: number) => `${x.toFixed(1)} ms`;

function describe(c: SizedCandidate): string {
  const hw = c.plan.instanceType?.name ?? c.plan.accelerator.id;
  return `${hw} (${c.plan.accelerator.id}) TP ${c.plan.tensorParallel}, ${c.plan.quantization}`;
}

/** Catalog GPUs with more of `figure` than `than` has, best first (what a faster GPU would be). */
function faster(figure: (a: (typeof ACCELERATORS)[number]) => number, than: SizedCandidate, unit: string): string[] {
  const better = ACCELERATORS.filter((a) => a.kind === 'gpu' && figure(a) > figure(than.plan.accelerator))
    .sort((a, b) => figure(b) - figure(a))
    .slice(0, 3)
    .map((a) => `${a.id} ${Math.round(figure(a))} ${unit}`);
  return better.length > 0 ? [`a GPU with more ${unit === 'GB/s' ? 'memory bandwidth' : 'TFLOPS'} than ${than.plan.accelerator.id}: ${better.join(', ')}`] : [];
}

function hints(c: SizedCandidate, ranked: readonly SizedCandidate[]): { moreTp: boolean; fp8: boolean } {
  return {
    moreTp: c.plan.tensorParallel < c.plan.acceleratorsPerNode,
    fp8: c.plan.quantization === 'none' && c.plan.accelerator.supportsFp8 && !ranked.some((r) => r.plan.quantization === 'fp8'),
  };
}

export function explainImpossible(ranked: readonly SizedCandidate[], workload: Workload): SizingError {
  const slo = workload.slo ?? {};
  const single = ranked.map((c) => ({
    c,
    e: estimatePerformance(c.plan, { inputTokens: workload.inputTokens, outputTokens: workload.outputTokens, concurrency: 1 }) as PerformanceEstimate,
  }));
  const fastestTtft = [...single].sort((a, b) => a.e.ttftMs - b.e.ttftMs)[0];
  const fastestTpot = [...single].sort((a, b) => a.e.tpotMs - b.e.tpotMs)[0];
  const what = `${ranked[0].plan.model.id}: no configuration among ${ranked.length} meets the SLO`;

  if (slo.ttftMs !== undefined && fastestTtft.e.ttftMs > slo.ttftMs) {
    const { c, e } = fastestTtft;
    const h = hints(c, ranked);
    return new SizingError(
      'slo-impossible',
      `${what}: TTFT ${ms(slo.ttftMs)} is beyond prefill compute — a ${workload.inputTokens}-token prompt alone takes ${ms(e.ttftMs)} on the fastest, ${describe(c)}`,
      {
        field: 'workload.slo.ttftMs',
        suggestions: [
          ...faster((a) => a.denseTflops.bf16 ?? a.denseTflops.fp16, c, 'TFLOPS'),
          ...(h.moreTp ? ['more tensor parallelism (tensorParallel up to the node size)'] : []),
          ...(h.fp8 ? ["quantization: 'fp8' (FP8 tensor cores double the prefill rate)"] : []),
          `a shorter input (workload.inputTokens below ${workload.inputTokens})`,
          `slo.ttftMs: ${Math.ceil(e.ttftMs * 1.1)} or more`,
        ],
      },
    );
  }
  if (slo.tpotMs !== undefined && fastestTpot.e.tpotMs > slo.tpotMs) {
    const { c, e } = fastestTpot;
    const h = hints(c, ranked);
    const interconnect = e.bound === 'interconnect';
    const term = interconnect ? 'the interconnect (tensor-parallel all-reduces)' : 'decode bandwidth (reading the weights every token)';
    return new SizingError('slo-impossible', `${what}: TPOT ${ms1(slo.tpotMs)} is beyond ${term} — one request alone decodes at ${ms1(e.tpotMs)} per token on the fastest, ${describe(c)}`, {
      field: 'workload.slo.tpotMs',
      suggestions: interconnect
        ? ['GPUs joined by NVLink (p4d/p5/p6 instances) rather than PCIe', 'less tensor parallelism', `slo.tpotMs: ${Math.ceil(e.tpotMs * 1.1)} or more`]
        : [
            ...faster((a) => a.memoryBandwidthGBps, c, 'GB/s'),
            ...(h.moreTp ? ['more tensor parallelism (each GPU reads a smaller share of the weights)'] : []),
            ...(h.fp8 ? ["quantization: 'fp8' (half the bytes per token)"] : ["a 4-bit format (quantization: 'auto' compares them)"]),
            `slo.tpotMs: ${Math.ceil(e.tpotMs * 1.1)} or more`,
          ],
    });
  }
  const best = ranked[0];
  return new SizingError(
    'slo-impossible',
    `${what} at this load within the replica limit: the closest, ${describe(best)} with ${best.sizing.replicas} replicas, predicts TTFT ${ms(best.sizing.performance.ttftMs)} and TPOT ${ms1(best.sizing.performance.tpotMs)}`,
    {
      field: 'workload.slo',
      suggestions: ['relax slo.ttftMs or slo.tpotMs', 'a lower requestsPerSecond or concurrentRequests per deployment (split it)', "quantization: 'auto' to compare weight formats"],
    },
  );
}
