import { GiB, formatGiB } from '../catalog/units';
import { SizingError } from '../errors';
import { isGguf } from './quantization';
import { resolveRequest, type ResolvedRequest } from './request';
import { describeHardware, findBestLayout, type Layout, type OptionResult } from './search';
import { suggestAlternatives } from './suggestions';
import type { ModelPlan, PlanRequest } from './types';
import { rejectUnknownProps } from '../unknown-props';
import { PLAN_REQUEST_SPEC } from './request-spec';

/** CUDA context and allocator slack outside vLLM's budget (estimate). */
const CUDA_CONTEXT_BYTES = 0.5 * GiB;

/**
 * Plans how to serve a model: which accelerator and instance type, how to split it (tensor and
 * pipeline parallel), how much memory each accelerator spends on weights, KV cache and overhead, how
 * many full-length sequences fit, and what a replica costs per hour. Deterministic.
 *
 * With no accelerator and no instance type, picks the cheapest feasible instance type among the
 * candidates (cost per replica), ties broken by fewer accelerators.
 *
 * @throws SizingError when the request is invalid or nothing fits; `suggestions` says what would.
 */
export function planModel(request: PlanRequest): ModelPlan {
  rejectUnknownProps('planModel', request, PLAN_REQUEST_SPEC, SizingError);
  const resolved = resolveRequest(request);
  const best = findBestLayout(resolved);
  if (!best.fit) throw doesNotFit(resolved, best.results);
  return toPlan(resolved, best.fit);
}

function toPlan(request: ResolvedRequest, fit: Layout): ModelPlan {
  const { memory } = fit;
  return {
    model: request.model,
    engine: request.engine,
    quantization: request.quantization,
    kvCacheDtype: request.kvCacheDtype,
    accelerator: fit.option.accelerator,
    instanceType: fit.option.instanceType,
    tensorParallel: fit.tensorParallel,
    pipelineParallel: fit.pipelineParallel,
    acceleratorsPerReplica: fit.devices,
    nodesPerReplica: fit.nodes,
    acceleratorsPerNode: fit.option.devicesPerNode,
    maxContextLength: request.maxContextLength,
    concurrency: request.concurrency,
    gpuMemoryUtilization: request.utilization,
    ...(fit.vllm ? { engineVersion: fit.vllm.version.join('.'), maxNumSeqs: fit.vllm.maxNumSeqs, maxNumBatchedTokens: fit.vllm.maxNumBatchedTokens, enforceEager: fit.vllm.enforceEager } : {}),
    memory: {
      weightsBytes: memory.weightsBytes,
      kvCacheBytes: memory.kvCacheBytes,
      overheadBytes: memory.overheadBytes,
      overhead: memory.overhead,
      requiredBytesPerAccelerator: memory.requiredBytesPerAccelerator,
      usableBytesPerAccelerator: memory.usableBytesPerAccelerator,
      kvCacheCapacityBytes: memory.kvCacheCapacityBytes,
      kvCacheBytesPerToken: memory.kvCacheBytesPerToken,
      totalWeightsBytes: memory.totalWeightsBytes,
    },
    maxConcurrentSequences: memory.maxConcurrentSequences,
    hourlyCostUsd: fit.hourlyCostUsd,
    warnings: warningsFor(request, fit),
  };
}

function warningsFor(request: ResolvedRequest, fit: Layout): string[] {
  const { model, engine, quantization } = request;
  const { accelerator, instanceType } = fit.option;
  const warnings = [...(model.caveats ?? [])];
  if (quantization === 'none' && model.dtype === 'bfloat16' && !accelerator.supportsBf16) {
    warnings.push(`${accelerator.id} has no bf16: ${model.id} (bf16) will run in fp16, where some bf16-trained models overflow`);
  }
  const cc = accelerator.computeCapability;
  if (quantization === 'nvfp4' && cc !== undefined && cc < 10) {
    warnings.push(`${accelerator.id} (compute capability ${cc.toFixed(1)}) has no FP4 tensor cores: vLLM runs NVFP4 weight-only through Marlin (memory as planned, compute in 16 bits)`);
  }
  if (isGguf(quantization) && (engine === 'vllm' || engine === 'fastchat-vllm')) {
    warnings.push(`GGUF in vLLM is experimental and slower than its native formats; prefer llama-cpp for GGUF or AWQ/GPTQ for vLLM`);
  }
  if (!model.mla && fit.tensorParallel > model.kvHeads && request.profile.kvCache) {
    warnings.push(`tensor parallel ${fit.tensorParallel} > ${model.kvHeads} KV heads: each KV head is replicated ${fit.tensorParallel / model.kvHeads} times`);
  }
  if (fit.nodes > 1) {
    warnings.push(`one replica spans ${fit.nodes} nodes (TP ${fit.tensorParallel} per node, PP ${fit.pipelineParallel}): needs a LeaderWorkerSet and a fast interconnect`);
  }
  if (instanceType && fit.devices < instanceType.acceleratorCount && fit.nodes === 1) {
    warnings.push(`a replica uses ${fit.devices} of ${instanceType.name}'s ${instanceType.acceleratorCount} accelerators; the cost shown is the whole instance`);
  }
  if (instanceType && instanceType.onDemandUsdPerHour === undefined) {
    warnings.push(`${instanceType.name} has no on-demand price (Capacity Blocks or reservations only): cost unknown`);
  }
  // vLLM < 0.21 captures CUDA graphs after the KV cache, in the 1 - utilization headroom, beside the CUDA
  // context (~0.5 GiB): a high utilization leaves them no room (OOM at startup).
  const headroom = (fit.option.accelerator.usableMemoryBytes / fit.ranksPerDevice) * (1 - request.utilization);
  if (fit.memory.headroomGraphBytes > 0 && fit.memory.headroomGraphBytes + CUDA_CONTEXT_BYTES > headroom) {
    warnings.push(
      `CUDA graphs (~${formatGiB(fit.memory.headroomGraphBytes)}) and the CUDA context may not fit the ${formatGiB(headroom)} left by gpuMemoryUtilization ${request.utilization}: ` +
        `lower gpuMemoryUtilization or set enforceEager`,
    );
  }
  if (request.utilization < 0.5) {
    warnings.push(`gpuMemoryUtilization ${request.utilization} leaves most of the accelerator unused`);
  }
  return warnings;
}

function doesNotFit(request: ResolvedRequest, results: OptionResult[]): SizingError {
  const tried = results.map((result, i) => ({ result, option: request.hardware[i] }));
  const closest = tried.filter((t) => t.result.closest).sort((a, b) => b.result.closest!.memory.kvCacheCapacityBytes - a.result.closest!.memory.kvCacheCapacityBytes)[0];
  const what = `${request.model.id} (${request.engine}, ${request.quantization}, context ${request.maxContextLength} x ${request.concurrency} sequences)`;
  // Name the prop that chose the hardware, so that the message points at it (`instanceType g4dn.xlarge`).
  const prop = request.hardwareField ? `${request.hardwareField} ` : '';
  const among = request.hardwareField === 'accelerator' ? ` for accelerator ${request.hardware[0].accelerator.id}` : '';
  let detail: string;
  if (closest) {
    const l = closest.result.closest!;
    const m = l.memory;
    detail =
      ` ${tried.length === 1 ? `on ${prop}` : `on any of ${tried.length} candidates${among}; the closest is `}${describeHardware(closest.option)} ` +
      `with TP ${l.tensorParallel} x PP ${l.pipelineParallel}: per accelerator it needs weights ${formatGiB(m.weightsBytes)} + ` +
      `KV cache ${formatGiB(m.kvCacheBytes)} + overhead ${formatGiB(m.overheadBytes)} = ${formatGiB(m.requiredBytesPerAccelerator)}, ` +
      `but ${formatGiB(m.usableBytesPerAccelerator)} is usable`;
  } else {
    detail = `: ${[...new Set(tried.map((t) => t.result.reason).filter(Boolean))].join('; ')}`;
  }
  // Nothing was even tried: a forced split is larger than every node.
  const forcedSplit = !closest && request.tensorParallel !== undefined ? 'tensorParallel' : undefined;
  return new SizingError('does-not-fit', `${what} does not fit${detail}`, {
    field: forcedSplit ?? request.hardwareField ?? 'model',
    suggestions: suggestAlternatives(request),
  });
}
