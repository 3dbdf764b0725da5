import { ACCELERATORS, lookupAccelerator } from '../catalog/accelerators';
import { INSTANCE_TYPES, lookupInstanceType } from '../catalog/instance-types';
import { lookupModel, validateModelArchitecture } from '../catalog/models';
import type { Accelerator, InstanceType, ModelArchitecture } from '../catalog/types';
import { SizingError } from '../errors';
import { ENGINE_PROFILES, type EngineSizingProfile } from './engine-profiles';
import { tensorParallelIncompatibility, validTensorParallelSizes } from './parallelism';
import { PINNED_VLLM_VERSION, resolveVersion, type Version } from './engine-version';
import { isGguf, modelQuantizationIncompatibility, quantizationIncompatibility } from './quantization';
import { ENGINES, KV_CACHE_DTYPES, QUANTIZATIONS, type Engine, type KvCacheDtype, type PlanRequest, type Quantization } from './types';
import { describe } from '../describe';
import { fraction, oneOf, positiveInteger } from './validate';

/** Default node size when no instance type says otherwise: an 8-GPU HGX/DGX server. */
export const DEFAULT_ACCELERATORS_PER_NODE = 8;
/** Default context when the request names none (long-context models rarely need their maximum). */
export const DEFAULT_MAX_CONTEXT = 8192;
/**
 * Most sequences one replica is planned to hold at once: engines batch hundreds (vLLM `max_num_seqs`
 * defaults to 256), so anything near this is a typo (1e12), not a load to plan for.
 */
export const MAX_CONCURRENCY = 65_536;

/** Hardware a replica may land on: an EC2 instance type, or an on-prem node of known size. */
export interface HardwareOption {
  readonly accelerator: Accelerator;
  readonly instanceType?: InstanceType;
  /** Devices per node. */
  readonly devicesPerNode: number;
}

/** A `PlanRequest` checked and resolved against the catalogs. */
export interface ResolvedRequest {
  readonly model: ModelArchitecture;
  readonly engine: Engine;
  readonly profile: EngineSizingProfile;
  readonly quantization: Quantization;
  readonly kvCacheDtype: KvCacheDtype;
  readonly maxContextLength: number;
  readonly concurrency: number;
  readonly tensorParallel?: number;
  readonly pipelineParallel?: number;
  readonly utilization: number;
  readonly hardware: readonly HardwareOption[];
  /** The prop that named the hardware, if any: mismatches are then errors, not filters. */
  readonly hardwareField?: 'instanceType' | 'accelerator';
  /** Why hardware was dropped from the candidates (for the error when nothing is left). */
  readonly excluded: readonly string[];
  /** vLLM engines: the release and the batch settings asked for (defaults are per GPU: ./vllm-accounting.ts). */
  readonly vllm?: VllmRequest;
}

/** vLLM settings of a request before the GPU is known. */
export interface VllmRequest {
  readonly version: Version;
  readonly maxNumSeqs?: number;
  readonly maxNumBatchedTokens?: number;
  readonly enforceEager: boolean;
}

function resolveModel(model: unknown): ModelArchitecture {
  if (typeof model === 'string') return lookupModel(model);
  if (typeof model === 'object' && model !== null) return validateModelArchitecture(model, 'model');
  throw new SizingError('invalid-model', `model must be a Hugging Face hub id or a ModelArchitecture object, got ${describe(model)}`, {
    field: 'model',
    suggestions: ["model: 'meta-llama/Llama-3.1-8B-Instruct'", 'llm-constructs catalog models'],
  });
}

/** Checks every field of `request` and resolves names against the catalogs. Throws SizingError. */
export function resolveRequest(request: PlanRequest): ResolvedRequest {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new SizingError('invalid-request', `request must be a PlanRequest object, got ${describe(request)}`, {
      field: 'request',
      suggestions: ["planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'A10G' })"],
    });
  }
  const model = resolveModel(request.model);
  const engine = oneOf(request.engine ?? 'vllm', ENGINES, 'engine');
  const profile = ENGINE_PROFILES[engine];
  const quantization = oneOf(request.quantization ?? profile.defaultQuantization, QUANTIZATIONS, 'quantization');
  const kvCacheDtype = oneOf(request.kvCacheDtype ?? 'auto', KV_CACHE_DTYPES, 'kvCacheDtype');
  if (!profile.kvCacheDtypes.includes(kvCacheDtype)) {
    throw new SizingError('unsupported-kv-cache-dtype', `${engine} has no '${kvCacheDtype}' KV cache (kvCacheDtype '${kvCacheDtype}')`, {
      field: 'kvCacheDtype',
      suggestions: ["kvCacheDtype: 'auto'", "engine: 'vllm' (supports an fp8 KV cache)"],
    });
  }
  if (!profile.quantizations.includes(quantization)) {
    throw new SizingError('unsupported-quantization', `${engine} does not load quantization '${quantization}' weights`, {
      field: 'quantization',
      suggestions: [`quantization: one of ${profile.quantizations.join(', ')}`, ...(quantization.startsWith('gguf-') ? ["engine: 'llama-cpp' or 'ollama' (GGUF files)"] : [])],
    });
  }

  const maxContextLength = resolveContext(request.maxContextLength, model);
  const concurrency = positiveInteger(request.concurrency ?? 1, 'concurrency', 'concurrency: 1 (sequences of maxContextLength held at once)');
  if (concurrency > MAX_CONCURRENCY) {
    throw new SizingError('invalid-number', `concurrency ${concurrency} is beyond any one replica: at most ${MAX_CONCURRENCY} sequences are planned at once`, {
      field: 'concurrency',
      suggestions: [`concurrency: ${MAX_CONCURRENCY} or less per replica`, 'more replicas (replicas or autoscaling) for more concurrent users'],
    });
  }
  const tensorParallel = resolveTensorParallel(request.tensorParallel, model, profile, engine, quantization);
  const pipelineParallel = resolvePipelineParallel(request.pipelineParallel, model, profile, engine);
  const utilization =
    request.gpuMemoryUtilization === undefined
      ? profile.defaultUtilization
      : fraction(request.gpuMemoryUtilization, 'gpuMemoryUtilization', `gpuMemoryUtilization: ${profile.defaultUtilization} (the ${engine} default)`);

  const modelReason = modelQuantizationIncompatibility(model, quantization);
  if (modelReason) {
    throw new SizingError('unsupported-quantization', `quantization '${quantization}' cannot apply: ${modelReason}`, {
      field: 'quantization',
      suggestions: ["quantization: 'nvfp4', 'int4', 'awq' or 'fp8' for dense models", "quantization: 'mxfp4' for MoE checkpoints such as openai/gpt-oss-120b"],
    });
  }
  const vllm = resolveVllm(request, engine, profile, concurrency);
  const { hardware, hardwareField, excluded } = resolveHardware(request, engine, profile, quantization);
  return {
    model,
    engine,
    profile,
    quantization,
    kvCacheDtype,
    maxContextLength,
    concurrency,
    tensorParallel,
    pipelineParallel,
    utilization,
    hardware,
    hardwareField,
    excluded,
    vllm,
  };
}

/** Checks the vLLM-only props (engineVersion is accepted and checked for every engine). */
function resolveVllm(request: PlanRequest, engine: Engine, profile: EngineSizingProfile, concurrency: number): VllmRequest | undefined {
  const version = resolveVersion(request.engineVersion, PINNED_VLLM_VERSION);
  const own = { maxNumSeqs: request.maxNumSeqs, maxNumBatchedTokens: request.maxNumBatchedTokens, enforceEager: request.enforceEager };
  if (profile.accounting !== 'vllm') {
    const given = Object.entries(own).find(([, v]) => v !== undefined);
    if (given) {
      throw new SizingError('vllm-only-setting', `${given[0]} is a vLLM setting; ${engine} has no such flag (${given[0]} ${describe(given[1])})`, {
        field: given[0],
        suggestions: [`drop ${given[0]}`, "engine: 'vllm'"],
      });
    }
    return undefined;
  }
  const maxNumSeqs = own.maxNumSeqs === undefined ? undefined : positiveInteger(own.maxNumSeqs, 'maxNumSeqs', 'maxNumSeqs: 256 (vLLM --max-num-seqs)');
  const maxNumBatchedTokens =
    own.maxNumBatchedTokens === undefined ? undefined : positiveInteger(own.maxNumBatchedTokens, 'maxNumBatchedTokens', 'maxNumBatchedTokens: 2048 or 8192 (vLLM --max-num-batched-tokens)');
  if (own.enforceEager !== undefined && typeof own.enforceEager !== 'boolean') {
    throw new SizingError('invalid-boolean', `enforceEager must be true or false, got ${describe(own.enforceEager)}`, {
      field: 'enforceEager',
      suggestions: ['enforceEager: true (no CUDA graphs)', 'omit enforceEager'],
    });
  }
  if (maxNumSeqs !== undefined && maxNumSeqs > MAX_CONCURRENCY) {
    throw new SizingError('invalid-number', `maxNumSeqs ${maxNumSeqs} is beyond any one replica (at most ${MAX_CONCURRENCY})`, {
      field: 'maxNumSeqs',
      suggestions: ['maxNumSeqs: 256 or 1024 (vLLM defaults)'],
    });
  }
  if (maxNumSeqs !== undefined && maxNumSeqs < concurrency) {
    throw new SizingError('invalid-number', `maxNumSeqs ${maxNumSeqs} schedules fewer sequences than concurrency ${concurrency}`, {
      field: 'maxNumSeqs',
      suggestions: [`maxNumSeqs: ${concurrency} or more`, `concurrency: ${maxNumSeqs} or less`],
    });
  }
  // vllm/config/scheduler.py (v0.11.0) `verify_max_model_len`: max_num_batched_tokens >= max_num_seqs.
  if (maxNumSeqs !== undefined && maxNumBatchedTokens !== undefined && maxNumBatchedTokens < maxNumSeqs) {
    throw new SizingError('invalid-number', `maxNumBatchedTokens ${maxNumBatchedTokens} is smaller than maxNumSeqs ${maxNumSeqs}; vLLM refuses that`, {
      field: 'maxNumBatchedTokens',
      suggestions: [`maxNumBatchedTokens: ${maxNumSeqs} or more`, `maxNumSeqs: ${maxNumBatchedTokens} or less`],
    });
  }
  return { version, maxNumSeqs, maxNumBatchedTokens, enforceEager: own.enforceEager ?? false };
}

function resolveContext(value: unknown, model: ModelArchitecture): number {
  if (value === undefined) return Math.min(model.maxContextLength, DEFAULT_MAX_CONTEXT);
  const context = positiveInteger(value, 'maxContextLength', `maxContextLength: ${Math.min(model.maxContextLength, DEFAULT_MAX_CONTEXT)}`);
  if (context > model.maxContextLength) {
    throw new SizingError('context-too-long', `maxContextLength ${context} exceeds ${model.id}'s maximum of ${model.maxContextLength} tokens (max_position_embeddings)`, {
      field: 'maxContextLength',
      suggestions: [`maxContextLength: ${model.maxContextLength} or less`],
    });
  }
  return context;
}

function resolveTensorParallel(value: unknown, model: ModelArchitecture, profile: EngineSizingProfile, engine: Engine, quantization?: Quantization): number | undefined {
  if (value === undefined) return undefined;
  const tp = positiveInteger(value, 'tensorParallel', 'omit tensorParallel to let the planner choose');
  if (tp > 1 && !profile.tensorParallel) {
    throw new SizingError('no-tensor-parallel', `${engine} does not shard a model with tensor parallelism (tensorParallel ${tp})`, {
      field: 'tensorParallel',
      suggestions: ['tensorParallel: 1', "engine: 'vllm' for tensor parallelism"],
    });
  }
  if (tp > 1 && quantization !== undefined && singleGpuGguf(profile, quantization)) {
    throw new SizingError('gguf-tensor-parallel', `${engine} loads GGUF as one local file on one GPU: tensorParallel ${tp} is not supported with '${quantization}'`, {
      field: 'tensorParallel',
      suggestions: ['tensorParallel: 1', "engine: 'llama-cpp' (splits GGUF layers over the GPUs of a node)", `quantization: 'awq' or 'gptq' with ${engine} for tensor parallelism`],
    });
  }
  const reason = tensorParallelIncompatibility(model, tp);
  if (reason) {
    throw new SizingError('invalid-tensor-parallel', `tensorParallel ${tp} is impossible: ${reason}`, {
      field: 'tensorParallel',
      suggestions: [`tensorParallel: one of ${validTensorParallelSizes(model, Math.max(16, tp)).join(', ')}`],
    });
  }
  return tp;
}

function resolvePipelineParallel(value: unknown, model: ModelArchitecture, profile: EngineSizingProfile, engine: Engine): number | undefined {
  if (value === undefined) return undefined;
  const pp = positiveInteger(value, 'pipelineParallel', 'omit pipelineParallel to let the planner choose');
  if (pp > 1 && !profile.pipelineParallel) {
    throw new SizingError('no-pipeline-parallel', `${engine} has no pipeline parallelism (pipelineParallel ${pp})`, {
      field: 'pipelineParallel',
      suggestions: ['pipelineParallel: 1', "engine: 'vllm' (pipeline parallel across nodes)"],
    });
  }
  if (pp > model.layers) {
    throw new SizingError('invalid-pipeline-parallel', `pipelineParallel ${pp} exceeds ${model.id}'s ${model.layers} layers`, {
      field: 'pipelineParallel',
      suggestions: [`pipelineParallel: ${model.layers} or less`],
    });
  }
  return pp;
}

function resolveHardware(
  request: PlanRequest,
  engine: Engine,
  profile: EngineSizingProfile,
  quantization: Quantization,
): { hardware: HardwareOption[]; hardwareField?: 'instanceType' | 'accelerator'; excluded: string[] } {
  const accelerator = request.accelerator === undefined ? undefined : lookupAccelerator(request.accelerator);
  const instance = request.instanceType === undefined ? undefined : lookupInstanceType(request.instanceType);
  const perNode = request.acceleratorsPerNode === undefined ? undefined : positiveInteger(request.acceleratorsPerNode, 'acceleratorsPerNode', `acceleratorsPerNode: ${DEFAULT_ACCELERATORS_PER_NODE}`);
  if (instance && accelerator && instance.acceleratorId !== accelerator.id) {
    throw new SizingError('conflicting-hardware', `instanceType ${instance.name} carries ${instance.acceleratorId}, not accelerator ${accelerator.id}`, {
      field: 'instanceType',
      suggestions: [`accelerator: '${instance.acceleratorId}'`, 'drop accelerator: the instance type implies it'],
    });
  }
  if (instance && perNode !== undefined && perNode !== instance.acceleratorCount) {
    throw new SizingError('conflicting-hardware', `acceleratorsPerNode ${perNode} contradicts instanceType ${instance.name} (${instance.acceleratorCount} per node)`, {
      field: 'acceleratorsPerNode',
      suggestions: ['drop acceleratorsPerNode: the instance type implies it'],
    });
  }

  let options: HardwareOption[];
  if (instance) {
    options = [{ accelerator: lookupAccelerator(instance.acceleratorId), instanceType: instance, devicesPerNode: instance.acceleratorCount }];
  } else if (accelerator && (perNode !== undefined || request.instanceTypes === undefined) && !sellsOnEc2(accelerator, perNode)) {
    // On-prem: a named node size, or an accelerator EC2 does not sell (MI300X, H100 NVL, ...).
    options = [{ accelerator, devicesPerNode: perNode ?? DEFAULT_ACCELERATORS_PER_NODE }];
  } else {
    const candidates = request.instanceTypes === undefined ? INSTANCE_TYPES : resolveInstanceList(request.instanceTypes);
    options = candidates
      .filter((it) => accelerator === undefined || it.acceleratorId === accelerator.id)
      .map((it) => ({ accelerator: lookupAccelerator(it.acceleratorId), instanceType: it, devicesPerNode: it.acceleratorCount }));
    if (options.length === 0) {
      throw new SizingError('no-candidate-hardware', `none of instanceTypes [${(request.instanceTypes ?? []).join(', ')}] carries ${accelerator?.id}`, {
        field: 'instanceTypes',
        suggestions: [`add an instance type with ${accelerator?.id}`, 'drop accelerator to choose among the instance types'],
      });
    }
  }

  const hardwareField = instance ? 'instanceType' : accelerator ? 'accelerator' : undefined;
  const excluded: string[] = [];
  const usable = options.filter((option) => {
    const reason = hardwareIncompatibility(engine, profile, quantization, option.accelerator);
    if (reason && hardwareField) {
      throw new SizingError('unsupported-hardware', `${hardwareField} ${describe(request[hardwareField])}: ${reason}`, {
        field: hardwareField,
        suggestions: hardwareSuggestions(engine, profile, quantization, option.accelerator),
      });
    }
    if (reason) excluded.push(`${option.instanceType?.name ?? option.accelerator.id}: ${reason}`);
    return reason === undefined;
  });
  if (usable.length === 0) {
    throw new SizingError('no-candidate-hardware', `no candidate hardware runs ${engine} with '${quantization}': ${[...new Set(excluded.map((e) => e.split(': ').slice(1).join(': ')))].join('; ')}`, {
      field: 'instanceTypes',
      suggestions: hardwareSuggestions(engine, profile, quantization, options[0].accelerator),
    });
  }
  return { hardware: usable, hardwareField, excluded };
}

/**
 * GGUF on a tensor-parallel engine (vLLM) is experimental and single-file: we plan it on one GPU only;
 * llama.cpp is the engine that spreads GGUF over several GPUs.
 */
export function singleGpuGguf(profile: EngineSizingProfile, quantization: Quantization): boolean {
  return profile.tensorParallel && isGguf(quantization);
}

/** EC2 sells the accelerator, and no on-prem node size was named. */
function sellsOnEc2(accelerator: Accelerator, perNode: number | undefined): boolean {
  return perNode === undefined && INSTANCE_TYPES.some((it) => it.acceleratorId === accelerator.id);
}

function resolveInstanceList(names: unknown): InstanceType[] {
  if (!Array.isArray(names) || names.length === 0) {
    throw new SizingError('invalid-instance-types', `instanceTypes must be a non-empty list of EC2 instance types, got ${describe(names)}`, {
      field: 'instanceTypes',
      suggestions: ["instanceTypes: ['g5.xlarge', 'g5.12xlarge']"],
    });
  }
  return names.map((name) => lookupInstanceType(name, 'instanceTypes'));
}

/** Why the engine cannot run on this accelerator with this weight format. */
export function hardwareIncompatibility(engine: Engine, profile: EngineSizingProfile, quantization: Quantization, accelerator: Accelerator): string | undefined {
  if (profile.hardware === 'neuron' && accelerator.kind !== 'neuron') {
    return `${engine} runs only on AWS Neuron devices (inferentia2, trainium); ${accelerator.id} is a GPU`;
  }
  if (profile.hardware === 'gpu' && accelerator.kind === 'neuron') {
    return `${engine} needs a GPU; ${accelerator.id} is an AWS Neuron device (use engine 'tgi-neuron')`;
  }
  return quantizationIncompatibility(engine, quantization, accelerator);
}

function hardwareSuggestions(engine: Engine, profile: EngineSizingProfile, quantization: Quantization, accelerator: Accelerator): string[] {
  if (profile.hardware === 'neuron' && accelerator.kind !== 'neuron') return ["accelerator: 'inferentia2' (instanceType 'inf2.xlarge')", "engine: 'tgi' on GPUs"];
  if (profile.hardware === 'gpu' && accelerator.kind === 'neuron') return ["engine: 'tgi-neuron'", "accelerator: a GPU such as 'L4' or 'A10G'"];
  const alternatives = profile.quantizations.filter((q) => q !== quantization && quantizationIncompatibility(engine, q, accelerator) === undefined);
  const capable = ACCELERATORS.filter((a) => hardwareIncompatibility(engine, profile, quantization, a) === undefined).map((a) => a.id);
  return [
    ...(alternatives.length > 0 ? [`quantization: one of ${alternatives.join(', ')} on ${accelerator.id}`] : []),
    ...(capable.length > 0 ? [`accelerator: one that runs '${quantization}' with ${engine}, e.g. ${capable.slice(0, 5).join(', ')}`] : []),
  ];
}
