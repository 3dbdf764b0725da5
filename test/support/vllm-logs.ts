/**
 * The public vLLM startup logs of test/fixtures/vllm-logs.json, and the plan the sizing core makes for
 * each (the same accounting `planModel` uses, on the logged GPU's total memory and settings).
 */
import { GiB } from '../../lib/catalog/units';
import type { ModelArchitecture } from '../../lib/catalog/types';
import { atLeast, parseVersion } from '../../lib/sizing/engine-version';
import { findAccelerator } from '../../lib/catalog/accelerators';
import { interconnectOf } from '../../lib/performance/hardware';
import { ENGINE_PROFILES } from '../../lib/sizing/engine-profiles';
import { estimateMemory, type MemoryEstimate } from '../../lib/sizing/memory';
import type { Quantization } from '../../lib/sizing/types';
import { vllmBatchDefaults } from '../../lib/sizing/vllm-accounting';
import fixture from '../fixtures/vllm-logs.json';

export interface VllmLog {
  readonly id: string;
  readonly source: string;
  readonly model: string;
  readonly quantization: Quantization;
  readonly gpu: string;
  readonly gpuTotalGiB: number;
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  readonly vllmVersion: string;
  readonly text: boolean;
  readonly maxModelLen: number;
  readonly gpuMemoryUtilization: number;
  readonly maxNumSeqs?: number;
  readonly maxNumBatchedTokens?: number;
  readonly enforceEager: boolean;
  readonly logged: {
    readonly weightsGiB?: number;
    readonly kvGiB?: number;
    readonly kvTokens?: number;
    /** Where the log breaks the overhead down (V0 and 0.8-0.9 'Memory profiling' lines). */
    readonly nonTorchGiB?: number;
    readonly activationGiB?: number;
  };
  readonly refused?: boolean;
  readonly role: 'calibration' | 'held-out';
}

export const VLLM_LOGS = fixture.logs as unknown as readonly VllmLog[];
const MODELS = fixture.models as unknown as Record<string, ModelArchitecture>;

/** The plan for one log: one rank of the logged split, vLLM's defaults where the log set nothing. */
export function planForLog(log: VllmLog): MemoryEstimate {
  const total = log.gpuTotalGiB * GiB;
  const defaults = vllmBatchDefaults(total, log.gpu);
  const maxNumBatchedTokens = log.maxNumBatchedTokens ?? defaults.maxNumBatchedTokens;
  return estimateMemory({
    model: MODELS[log.model],
    profile: ENGINE_PROFILES.vllm,
    quantization: log.quantization,
    kvCacheDtype: 'auto',
    rankMemoryBytes: total,
    utilization: log.gpuMemoryUtilization,
    tensorParallel: log.tensorParallel,
    pipelineParallel: log.pipelineParallel,
    maxContextLength: log.maxModelLen,
    concurrency: 1,
    vllm: {
      version: parseVersion(log.vllmVersion)!,
      maxNumSeqs: log.maxNumSeqs ?? Math.min(defaults.maxNumSeqs, maxNumBatchedTokens),
      maxNumBatchedTokens,
      enforceEager: log.enforceEager,
      // As the search does (lib/sizing/search.ts): the catalog's interconnect of the logged GPU.
      pcieOnly: pcieOnly(log.gpu),
    },
  });
}

function pcieOnly(gpu: string): boolean | undefined {
  const accelerator = findAccelerator(gpu);
  return accelerator ? interconnectOf(accelerator).kind === 'pcie' : undefined;
}

/** Logs the acceptance check covers: vLLM >= 0.10, text models, a KV cache that was allocated. */
export function inAcceptanceSet(log: VllmLog): boolean {
  return atLeast(parseVersion(log.vllmVersion)!, [0, 10, 0]) && log.text && !log.refused && log.logged.kvGiB !== undefined;
}

/** Relative error of the planned KV capacity per GPU against the logged one. */
export function kvError(log: VllmLog, plan: MemoryEstimate = planForLog(log)): number {
  return plan.kvCacheCapacityBytes / GiB / log.logged.kvGiB! - 1;
}
