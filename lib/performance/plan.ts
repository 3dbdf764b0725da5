/**
 * The public `planModel`: the memory plan of lib/sizing, and — when the request names a workload —
 * performance, replicas and the hardware search by cost per token (./search.ts). Lives here, above
 * sizing, so that sizing never imports performance.
 */
import { planModel as planMemory } from '../sizing/planner';
import type { ModelPlan, PlanRequest } from '../sizing/types';
import { planForWorkload } from './search';

/**
 * Plans how to serve a model (see lib/sizing `planModel`). With `workload`, also predicts TTFT/TPOT
 * per replica (`performance`), sizes `replicas` to the SLO, gives `costPerMillionTokensUsd`, and
 * lists the `candidates` the search compared.
 * @throws SizingError when nothing fits, or no configuration meets the SLO.
 */
export function planModel(request: PlanRequest): ModelPlan {
  if (request !== null && typeof request === 'object' && request.workload !== undefined) return planForWorkload(request);
  if (request !== null && typeof request === 'object' && request.quantization === 'auto') {
    // Without a workload there is no cost per token to compare: the checkpoint's own format.
    const model = typeof request.model === 'object' ? request.model : undefined;
    return planMemory({ ...request, quantization: (model?.nativeQuantization as PlanRequest['quantization']) ?? undefined });
  }
  return planMemory(request);
}
