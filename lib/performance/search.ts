/**
 * SLO sizing: every hardware option x tensor-parallel size x weight format that fits, sized to the
 * fewest replicas that meet the workload's SLO, ranked by cost per output token.
 */
import { SizingError } from '../errors';
import { validTensorParallelSizes } from '../sizing/parallelism';
import { planModel as planMemory } from '../sizing/planner';
import { quantizationIncompatibility } from '../sizing/quantization';
import { resolveRequest, type HardwareOption } from '../sizing/request';
import type { ModelPlan, PlanRequest, Quantization } from '../sizing/types';
import { explainImpossible } from './impossible';
import { FP4_DENSE_TFLOPS } from './hardware';
import type { PlanCandidate, Workload } from './types';
import { checkWorkload, costPerMillionTokens, sizeReplicas, type SizedCandidate } from './workload';

/** USD per hour of `replicas` replicas packed onto whole instances (undefined when unpriced). */
export function deploymentHourlyCost(plan: ModelPlan, replicas: number): number | undefined {
  const price = plan.instanceType?.onDemandUsdPerHour;
  if (price === undefined) return undefined;
  const instances = plan.nodesPerReplica > 1 ? replicas * plan.nodesPerReplica : Math.ceil((replicas * plan.acceleratorsPerReplica) / plan.acceleratorsPerNode);
  return Math.round(instances * price * 1e4) / 1e4;
}

/** Formats `quantization: 'auto'` compares on one accelerator: 16-bit, FP8 and FP4 where the GPU computes in them, the checkpoint's own. */
function autoFormats(request: PlanRequest, option: HardwareOption, model: ModelPlan['model']): Quantization[] {
  const engine = request.engine ?? 'vllm';
  const wanted: Quantization[] = ['none', 'fp8'];
  if (FP4_DENSE_TFLOPS[option.accelerator.id]) wanted.push('nvfp4');
  if (model.nativeQuantization) wanted.push(model.nativeQuantization as Quantization);
  return [...new Set(wanted)].filter((q) => {
    try {
      return quantizationIncompatibility(engine, q, option.accelerator) === undefined;
    } catch {
      return false; // a native format this branch does not know
    }
  });
}

function hardwareOf(option: HardwareOption): Pick<PlanRequest, 'instanceType' | 'accelerator' | 'acceleratorsPerNode'> {
  return option.instanceType ? { instanceType: option.instanceType.name } : { accelerator: option.accelerator.id, acceleratorsPerNode: option.devicesPerNode };
}

/** Plans every (hardware, format, TP) the request allows and that fits; sizes each for the workload. */
export function sizedCandidates(request: PlanRequest, workload: Workload): SizedCandidate[] {
  const quantization = request.quantization === 'auto' ? undefined : request.quantization;
  const maxContextLength = request.maxContextLength ?? workload.inputTokens + workload.outputTokens;
  const base: PlanRequest = { ...request, quantization, maxContextLength, workload: undefined };
  const resolved = resolveRequest(base); // validates the request once; names a bad field
  const out: SizedCandidate[] = [];
  for (const option of resolved.hardware) {
    const formats = request.quantization === 'auto' ? autoFormats(request, option, resolved.model) : [resolved.quantization];
    for (const format of formats) {
      const tps = request.tensorParallel !== undefined ? [request.tensorParallel] : tensorParallelSizes(resolved, option);
      for (const tp of tps) {
        let plan: ModelPlan;
        try {
          plan = planMemory({ ...base, ...hardwareOf(option), instanceTypes: undefined, quantization: format, tensorParallel: tp });
        } catch (error) {
          if (error instanceof SizingError) continue; // does not fit (or not with this format): not a candidate
          throw error;
        }
        const sizing = sizeReplicas(plan, workload);
        const hourlyCostUsd = deploymentHourlyCost(plan, sizing.replicas);
        out.push({ plan, sizing, hourlyCostUsd, costPerMillionTokensUsd: costPerMillionTokens(hourlyCostUsd, sizing, workload) });
      }
    }
  }
  return out;
}

/** Valid TP sizes inside one node (the engine's own limits), smallest first; 1 for engines without TP. */
function tensorParallelSizes(resolved: ReturnType<typeof resolveRequest>, option: HardwareOption): number[] {
  if (!resolved.profile.tensorParallel) return [1];
  const ranks = option.devicesPerNode * (option.accelerator.neuronCoresPerDevice ?? 1);
  const perDevice = option.accelerator.neuronCoresPerDevice ?? 1;
  return validTensorParallelSizes(resolved.model, ranks).filter((tp) => tp % perDevice === 0);
}

/** Meets the SLO first, then cheapest per token (unpriced last), then fewer replicas, then lower TTFT. */
export function compareCandidates(a: SizedCandidate, b: SizedCandidate): number {
  const cost = (c: SizedCandidate) => c.costPerMillionTokensUsd ?? Number.POSITIVE_INFINITY;
  return (
    Number(b.sizing.meetsSlo) - Number(a.sizing.meetsSlo) ||
    cost(a) - cost(b) ||
    a.sizing.replicas * a.plan.acceleratorsPerReplica - b.sizing.replicas * b.plan.acceleratorsPerReplica ||
    a.sizing.performance.ttftMs - b.sizing.performance.ttftMs
  );
}

function toCandidate(c: SizedCandidate, chosen: boolean): PlanCandidate {
  return {
    accelerator: c.plan.accelerator.id,
    instanceType: c.plan.instanceType?.name,
    tensorParallel: c.plan.tensorParallel,
    pipelineParallel: c.plan.pipelineParallel,
    quantization: c.plan.quantization,
    replicas: c.sizing.replicas,
    hourlyCostUsd: c.hourlyCostUsd,
    performance: c.sizing.performance,
    costPerMillionTokensUsd: c.costPerMillionTokensUsd,
    meetsSlo: c.sizing.meetsSlo,
    chosen,
  };
}

/**
 * The plan for a workload: the configuration with the lowest cost per output token that meets the SLO
 * at the workload's load, its replicas, its predicted performance per replica, and every candidate.
 * @throws SizingError when nothing fits, or nothing meets the SLO (naming the term that prevents it).
 */
export function planForWorkload(request: PlanRequest): ModelPlan {
  const workload = checkWorkload(request.workload);
  const candidates = sizedCandidates(request, workload);
  if (candidates.length === 0) {
    // Nothing fits: the memory planner's own error says why and what would.
    planMemory({ ...request, quantization: request.quantization === 'auto' ? undefined : request.quantization, workload: undefined });
    throw new SizingError('does-not-fit', `${String(request.model)} fits none of the candidate configurations`, { field: 'model' });
  }
  const ranked = [...candidates].sort(compareCandidates);
  const best = ranked[0];
  if (!best.sizing.meetsSlo) throw explainImpossible(ranked, workload);
  return {
    ...best.plan,
    performance: best.sizing.performance,
    replicas: best.sizing.replicas,
    costPerMillionTokensUsd: best.costPerMillionTokensUsd,
    candidates: ranked.map((c) => toCandidate(c, c === best)),
  };
}
