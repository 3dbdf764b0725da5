/**
 * What a pool imposes on the plan of a worker placed on it: its instance types or accelerator and node
 * size, whole GPUs (no MIG), and one slice of one GPU when time-sliced. Checked here, for every worker.
 */
import { lookupAccelerator } from '../catalog/accelerators';
import type { InstanceType } from '../catalog/types';
import { ValidationError } from '../errors';
import { ENGINE_PROFILES } from '../sizing/engine-profiles';
import type { PlanRequest } from '../sizing/types';
import type { LlmWorkerProps } from './llm-worker-props';
import type { GpuSharing } from './plumbing';

/** What a worker asks of the hardware. */
export type WorkerHardware = Pick<LlmWorkerProps, 'instanceType' | 'accelerator' | 'engine' | 'gpuMemoryUtilization' | 'tensorParallel' | 'pipelineParallel'>;

/** The pool as its constraints see it (GpuNodePool). */
export interface ConstrainingPool {
  readonly instanceTypes: readonly InstanceType[];
  readonly sharing?: GpuSharing;
  readonly sliceFactor: number;
  hardware(): Pick<PlanRequest, 'instanceTypes' | 'accelerator' | 'acceleratorsPerNode'>;
  describe(): string;
}

/** `request` (the worker's own sizing props) within `pool`'s hardware. */
export function onPool(pool: ConstrainingPool, request: PlanRequest, worker: WorkerHardware): PlanRequest {
  const hardware = pool.hardware();
  if (worker.instanceType !== undefined && !pool.instanceTypes.some((it) => it.name === worker.instanceType)) {
    throw new ValidationError('instance-type-not-in-pool', `instanceType ${worker.instanceType} is not one of the pool's (${pool.instanceTypes.map((it) => it.name).join(', ') || 'on-prem nodes'})`, {
      field: 'instanceType',
      suggestions: ['omit instanceType: the planner picks the cheapest of the pool', ...pool.instanceTypes.slice(0, 3).map((it) => `instanceType: '${it.name}'`)],
    });
  }
  const sharing = pool.sharing;
  if (sharing && 'mig' in sharing) {
    throw new ValidationError('mig-pool', `${pool.describe()} partitions its GPUs with MIG; the planner sizes whole or time-sliced GPUs only`, {
      field: 'nodePool',
      suggestions: ['a pool without MIG for LLM workers', 'MIG slices suit small models; size them by hand with extraArgs'],
    });
  }
  if (hardware.accelerator && worker.accelerator !== undefined && lookupAccelerator(worker.accelerator).id !== hardware.accelerator) {
    throw new ValidationError('accelerator-not-in-pool', `accelerator ${worker.accelerator} is not the pool's ${hardware.accelerator}`, {
      field: 'accelerator',
      suggestions: ['omit accelerator: the pool sets it', 'a GpuNodePool with that accelerator'],
    });
  }
  const sliced = pool.sliceFactor > 1 ? timeSliced(worker, pool.sliceFactor) : {};
  return { ...request, ...(worker.instanceType === undefined ? hardware : {}), accelerator: hardware.accelerator ?? worker.accelerator, ...sliced };
}

/**
 * Time-sliced GPUs share their memory with the other slices' pods: a worker gets 1/slices of it, and
 * one slice only (the device plugin fails requests for more with `failRequestsGreaterThanOne`).
 */
function timeSliced(worker: WorkerHardware, slices: number): Pick<PlanRequest, 'gpuMemoryUtilization' | 'tensorParallel' | 'pipelineParallel'> {
  if ((worker.tensorParallel ?? 1) > 1 || (worker.pipelineParallel ?? 1) > 1) {
    throw new ValidationError('time-sliced-parallel', `a time-sliced pool gives a pod one slice of one GPU; tensorParallel ${worker.tensorParallel} needs whole GPUs`, {
      field: 'tensorParallel',
      suggestions: ['tensorParallel: 1', 'a pool without time-slicing'],
    });
  }
  const utilization = worker.gpuMemoryUtilization ?? ENGINE_PROFILES[worker.engine ?? 'vllm'].defaultUtilization;
  return { gpuMemoryUtilization: Math.floor((utilization / slices) * 1000) / 1000, tensorParallel: 1, pipelineParallel: 1 };
}
