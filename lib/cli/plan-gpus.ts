/**
 * `plan --gpus N`: "can I run it on N of these?" The plan must fit one server of N accelerators, with no
 * pipeline stages the user did not ask for: N becomes the node size and pipeline parallelism stays 1.
 */
import type { ModelPlan, PlanRequest } from '../sizing/types';
import { SizingError } from '../errors';

export function withGpus(request: PlanRequest, raw: string | undefined): { request: PlanRequest; gpus?: number } {
  if (raw === undefined) return { request };
  const gpus = Number(raw);
  if (!Number.isInteger(gpus) || gpus <= 0) {
    throw new SizingError('invalid-number', `--gpus must be a positive whole number of accelerators, got '${raw}'`, { field: 'gpus', suggestions: ['--gpus 2'] });
  }
  if (request.accelerator === undefined || request.instanceType !== undefined || request.acceleratorsPerNode !== undefined) {
    throw new SizingError('invalid-request', '--gpus N needs --gpu (which accelerator) and neither --instance-type nor --accelerators-per-node', {
      field: 'gpus',
      suggestions: ['--gpu L40S --gpus 2', '--instance-type g6e.12xlarge (the instance fixes the count)'],
    });
  }
  return { request: { ...request, acceleratorsPerNode: gpus, pipelineParallel: request.pipelineParallel ?? 1 }, gpus };
}

/** The answer line printed above the plan. */
export function gpusVerdict(plan: ModelPlan, gpus: number): string {
  const used = plan.tensorParallel * plan.pipelineParallel;
  return `Yes: ${plan.model.id} runs on ${gpus} x ${plan.accelerator.id} (uses ${used} of them: tensor parallel ${plan.tensorParallel}, pipeline ${plan.pipelineParallel})`;
}
