/** The keys `planModel` accepts (a key the interface gains without an entry here fails to compile). */
import { propSpec } from '../unknown-props';
import type { PlanRequest } from './types';

export const PLAN_REQUEST_SPEC = propSpec<PlanRequest>()({
  model: true, // a hub id, or a ModelArchitecture that the catalog's own validator checks
  engine: true,
  accelerator: true,
  instanceType: true,
  instanceTypes: true,
  quantization: true,
  maxContextLength: true,
  concurrency: true,
  tensorParallel: true,
  pipelineParallel: true,
  gpuMemoryUtilization: true,
  kvCacheDtype: true,
  acceleratorsPerNode: true,
  engineVersion: true,
  maxNumSeqs: true,
  maxNumBatchedTokens: true,
  enforceEager: true,
  workload: { inputTokens: true, outputTokens: true, requestsPerSecond: true, concurrentRequests: true, slo: { ttftMs: true, tpotMs: true } },
});
