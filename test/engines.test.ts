import { ENGINE_METRICS, TRITON_QUEUE_COMPUTE_RATIO } from '../lib/engines/metrics';
import { ENGINE_PROFILES } from '../lib/sizing/engine-profiles';
import type { ModelArchitecture } from '../lib/catalog/types';
import { lookupModel } from '../lib/catalog/models';
import { BGE_BASE_EN_V15 } from '../examples/workers';
import { ValidationError } from '../lib/errors';
import { ENGINES, planModel, type Engine, type ModelPlan } from '../lib/sizing';
import {
  VLLM_MAX_NUM_SEQS,
  fastchatVllmRecipe,
  llamaCppRecipe,
  ollamaRecipe,
  recipeFor,
  teiRecipe,
  tgiNeuronRecipe,
  tgiRecipe,
  tritonTrtllmRecipe,
  vllmRecipe,
  type ContainerRecipe,
  type EngineOptions,
  type EnvVar,
} from '../lib/engines';

// ---------------------------------------------------------------------------------------------------
// Helpers: read recipes the way an engine's CLI parser would
// ---------------------------------------------------------------------------------------------------

/** Value of the LAST occurrence of `flag` (every engine parser lets later flags win). */
function arg(recipe: Pick<ContainerRecipe, 'args'>, flag: string): string | undefined {
  const at = recipe.args.lastIndexOf(flag);
  return at >= 0 ? recipe.args[at + 1] : undefined;
}

function num(recipe: Pick<ContainerRecipe, 'args'>, flag: string): number {
  const value = arg(recipe, flag);
  if (value === undefined) throw new Error(`${flag} missing from ${recipe.args.join(' ')}`);
  return Number(value);
}

function env(list: readonly EnvVar[], name: string): EnvVar | undefined {
  return list.find((e) => e.name === name);
}

function envValue(list: readonly EnvVar[], name: string): string | undefined {
  const e = env(list, name);
  return e && 'value' in e ? e.value : undefined;
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

const secret = { name: 'hf-token', key: 'token' };
/** A user-built vLLM image with the GGUF/bitsandbytes plugins (the pinned image has neither). */
const PLUGIN_IMAGE = 'registry.example.com/vllm-openai-plugins:v0.31.0';
/** The positional model of `vllm serve <model> [flags]`. */
const vllmModel = (r: ContainerRecipe): string => r.args[0];
const base: EngineOptions = { servedModelName: 'chat-model', cachePath: '/models', hfTokenSecret: secret };

/** An embedding model as TEI would serve it (BAAI/bge-base-en-v1.5, the TEI example's model). */
const bgeBase: ModelArchitecture = BGE_BASE_EN_V15;

const plans = {
  // Llama-3.1-70B on p4de (8 x A100-80GB) with TP forced to 4.
  llama70bTp4: () => planModel({ model: 'meta-llama/Llama-3.1-70B-Instruct', instanceType: 'p4de.24xlarge', tensorParallel: 4 }),
  llama70bAwq: () => planModel({ model: 'meta-llama/Llama-3.1-70B-Instruct', instanceType: 'g5.12xlarge', quantization: 'awq' }),
  mistralAwqT4: () => planModel({ model: 'mistralai/Mistral-7B-Instruct-v0.3', instanceType: 'g4dn.xlarge', quantization: 'awq' }),
  llama3bT4: () => planModel({ model: 'meta-llama/Llama-3.2-3B', instanceType: 'g4dn.xlarge' }),
  llama8bFp8: () => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', instanceType: 'g6.xlarge', quantization: 'fp8', kvCacheDtype: 'fp8' }),
  llama8bGguf: () => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', instanceType: 'g5.xlarge', quantization: 'gguf-q4_k_m' }),
  llama405bMultiNode: () => planModel({ model: 'meta-llama/Llama-3.1-405B-Instruct', instanceType: 'p4de.24xlarge' }),
  mistralTgiEetqT4: () => planModel({ model: 'mistralai/Mistral-7B-Instruct-v0.3', instanceType: 'g4dn.xlarge', engine: 'tgi', quantization: 'eetq' }),
  llama70bTgi: () => planModel({ model: 'meta-llama/Llama-3.1-70B-Instruct', instanceType: 'p4de.24xlarge', engine: 'tgi' }),
  mistralInf2: () => planModel({ model: 'mistralai/Mistral-7B-Instruct-v0.3', instanceType: 'inf2.xlarge', engine: 'tgi-neuron' }),
  llama8bFastchat: () => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', instanceType: 'g5.xlarge', engine: 'fastchat-vllm' }),
  llama8bLlamaCpp: () => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', instanceType: 'g5.xlarge', engine: 'llama-cpp', concurrency: 4 }),
  llama70bLlamaCpp: () => planModel({ model: 'meta-llama/Llama-3.1-70B-Instruct', instanceType: 'g5.12xlarge', engine: 'llama-cpp' }),
  llama8bOllama: () => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', instanceType: 'g5.xlarge', engine: 'ollama', concurrency: 2 }),
  bgeTei: (instanceType: string) => planModel({ model: bgeBase, instanceType, engine: 'tei' }),
  llama8bTriton: () => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', instanceType: 'g5.xlarge', engine: 'triton-trtllm' }),
};

/** Options an engine needs to produce a recipe at all. */
function optionsFor(engine: Engine): EngineOptions {
  switch (engine) {
    case 'fastchat-vllm':
      return { ...base, image: 'registry.example.com/fastchat-vllm:0.2.36-vllm0.6.2', controllerUrl: 'http://fastchat-controller:21001' };
    case 'llama-cpp':
      return { ...base, ggufRepo: 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF', ggufFile: 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf' };
    case 'ollama':
      return { ...base, ollamaModel: 'llama3.1:8b' };
    default:
      return base;
  }
}

/** One real plan per engine. */
const planPerEngine: Record<Engine, () => ModelPlan> = {
  vllm: plans.llama70bTp4,
  tgi: plans.mistralTgiEetqT4,
  'tgi-neuron': plans.mistralInf2,
  'fastchat-vllm': plans.llama8bFastchat,
  'llama-cpp': plans.llama8bLlamaCpp,
  ollama: plans.llama8bOllama,
  tei: () => plans.bgeTei('g5.xlarge'),
  'triton-trtllm': plans.llama8bTriton,
};

// ---------------------------------------------------------------------------------------------------
// vLLM
// ---------------------------------------------------------------------------------------------------

describe('vLLM', () => {
  test('TP-4 Llama-3.1-70B on p4de: parallelism, context and memory flags come from the plan', () => {
    const plan = plans.llama70bTp4();
    expect(plan.tensorParallel).toBe(4);
    const r = vllmRecipe(plan, base);
    // `vllm serve <model>`: the positional model, not the deprecated --model (vllm/utils/argparse_utils.py).
    expect(r.command).toEqual(['vllm', 'serve']);
    expect(r.args).not.toContain('--model');
    expect(vllmModel(r)).toBe(plan.model.id);
    expect(arg(r, '--served-model-name')).toBe(base.servedModelName);
    expect(num(r, '--tensor-parallel-size')).toBe(plan.tensorParallel);
    expect(num(r, '--tensor-parallel-size')).toBe(r.accelerator.count);
    expect(num(r, '--pipeline-parallel-size')).toBe(plan.pipelineParallel);
    expect(num(r, '--max-model-len')).toBe(plan.maxContextLength);
    expect(num(r, '--gpu-memory-utilization')).toBe(plan.gpuMemoryUtilization);
    expect(num(r, '--max-num-seqs')).toBeGreaterThanOrEqual(plan.concurrency);
    expect(num(r, '--port')).toBe(r.ports.http);
    expect(r.accelerator).toEqual({ resource: plan.accelerator.resourceName, count: plan.acceleratorsPerReplica });
    expect(arg(r, '--quantization')).toBeUndefined();
    expect(arg(r, '--dtype')).toBeUndefined(); // A100 has bf16
    expect(arg(r, '--kv-cache-dtype')).toBeUndefined();
    expect(r.needsSharedMemory).toBe(true); // TP 4: NCCL
    expect(ENGINE_PROFILES[r.engine].multiNode).toBe(true);
    expect(r.metricsPath).toBe('/metrics');
    expect(r.ports.metrics).toBe(r.ports.http);
    expect(ENGINE_METRICS[r.engine].queue).toBe('vllm:num_requests_waiting');
    expect(r.readyPath).toBe('/health');
    expect(r.openAiBasePath).toBe('/v1');
    expect(r.cacheEnv).toEqual([{ name: 'HF_HOME', value: base.cachePath }]);
    expect(env(r.env, 'HF_HOME')).toBeUndefined(); // cacheEnv is not repeated in env
  });

  test('max-num-seqs is a batch cap, never below the guaranteed concurrency', () => {
    const small = vllmRecipe(planModel({ model: 'meta-llama/Llama-3.2-1B', instanceType: 'p4de.24xlarge', concurrency: 300 }), base);
    expect(num(small, '--max-num-seqs')).toBe(300);
    expect(num(vllmRecipe(plans.llama70bTp4(), base), '--max-num-seqs')).toBe(VLLM_MAX_NUM_SEQS);
  });

  test('one GPU needs no memory-backed /dev/shm', () => {
    const plan = plans.llama3bT4();
    expect(plan.tensorParallel * plan.pipelineParallel).toBe(1);
    expect(vllmRecipe(plan, base).needsSharedMemory).toBe(false);
  });

  test('AWQ plans, and only they, carry an AWQ --quantization (Marlin kernel from compute capability 8.0)', () => {
    const ampere = plans.llama70bAwq();
    expect(ampere.quantization).toBe('awq');
    expect(ampere.accelerator.computeCapability).toBeGreaterThanOrEqual(8);
    // The AWQ export facts D6 cites; AWQ needs a pre-quantized checkpoint.
    const awq = { ...base, checkpoint: 'hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4' };
    const r = vllmRecipe(ampere, awq);
    expect(vllmModel(r)).toBe(awq.checkpoint);
    expect(arg(r, '--quantization')).toBe('awq_marlin');
    expect(num(r, '--tensor-parallel-size')).toBe(ampere.tensorParallel);
    expect(r.accelerator.count).toBe(ampere.acceleratorsPerReplica);

    const turing = plans.mistralAwqT4();
    expect(turing.accelerator.computeCapability).toBeLessThan(8);
    expect(arg(vllmRecipe(turing, awq), '--quantization')).toBe('awq');

    for (const plan of [plans.llama70bTp4(), plans.llama3bT4()]) {
      expect(plan.quantization).toBe('none');
      expect(vllmRecipe(plan, base).args).not.toContain('--quantization');
    }
  });

  test('AWQ, GPTQ and int8 need a pre-quantized checkpoint: the 16-bit original fails at load', () => {
    for (const plan of [plans.llama70bAwq(), plans.mistralAwqT4()]) {
      const error = catchError(() => vllmRecipe(plan, base));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ field: 'checkpoint', code: 'checkpoint-required' });
      expect((error as ValidationError).suggestions.length).toBeGreaterThan(0);
    }
    // Formats quantized while loading need none.
    expect(vllmModel(vllmRecipe(plans.llama8bFp8(), base))).toBe(plans.llama8bFp8().model.id);
  });

  test('T4 (no bf16) runs fp16: --dtype half', () => {
    const plan = plans.llama3bT4();
    expect(plan.accelerator.supportsBf16).toBe(false);
    expect(arg(vllmRecipe(plan, base), '--dtype')).toBe('half');
    expect(arg(vllmRecipe(plans.mistralAwqT4(), { ...base, checkpoint: 'org/Mistral-7B-Instruct-v0.3-AWQ' }), '--dtype')).toBe('half');
  });

  test('FP8 weights and FP8 KV cache on L4', () => {
    const plan = plans.llama8bFp8();
    expect(plan.kvCacheDtype).toBe('fp8');
    const r = vllmRecipe(plan, base);
    expect(arg(r, '--quantization')).toBe('fp8');
    expect(arg(r, '--kv-cache-dtype')).toBe('fp8');
  });

  test('multi-node replica: per-pod GPUs = devices / nodes, Ray executor, PP across nodes', () => {
    const plan = plans.llama405bMultiNode();
    expect(plan.nodesPerReplica).toBeGreaterThan(1);
    const r = vllmRecipe(plan, base);
    expect(r.accelerator.count).toBe(plan.acceleratorsPerReplica / plan.nodesPerReplica);
    expect(num(r, '--tensor-parallel-size')).toBe(plan.tensorParallel);
    expect(num(r, '--pipeline-parallel-size')).toBe(plan.pipelineParallel);
    expect(arg(r, '--distributed-executor-backend')).toBe('ray');
    expect(ENGINE_PROFILES[r.engine].multiNode).toBe(true);
  });

  test('GGUF and bitsandbytes left the pinned image (vllm-gguf-plugin, vllm-bnb-plugin): refused unless image has the plugin', () => {
    const gguf = { ...base, ggufRepo: 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF', ggufFile: 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf' };
    const error = catchError(() => vllmRecipe(plans.llama8bGguf(), gguf));
    expect(error).toMatchObject({ field: 'quantization', code: 'unsupported-quantization' });
    expect((error as ValidationError).suggestions.join(' ')).toMatch(/llama-cpp/);
    const bnb = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', instanceType: 'g5.xlarge', quantization: 'bitsandbytes-nf4' });
    expect(catchError(() => vllmRecipe(bnb, base))).toMatchObject({ field: 'quantization' });
    expect(vllmRecipe(bnb, { ...base, image: PLUGIN_IMAGE }).args).toContain('bitsandbytes');
  });

  test('GGUF: an init step downloads the file, the model is that local file, tokenizer from the base model', () => {
    const plan = plans.llama8bGguf();
    const options = { ...base, image: PLUGIN_IMAGE, ggufRepo: 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF', ggufFile: 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf' };
    const r = vllmRecipe(plan, options);
    const model = vllmModel(r);
    expect(model.startsWith(`${base.cachePath}/`)).toBe(true);
    expect(model.endsWith(`/${options.ggufRepo}/${options.ggufFile}`)).toBe(true);
    expect(arg(r, '--tokenizer')).toBe(plan.model.id);
    expect(r.args).not.toContain('--quantization');
    expect(r.initSteps).toHaveLength(1);
    const step = r.initSteps[0];
    expect(step.image).toBe(r.image);
    expect(step.args).toEqual([options.ggufRepo, options.ggufFile, model.slice(0, model.lastIndexOf('/'))]);
    expect(env(step.env ?? [], 'HF_TOKEN')).toEqual({ name: 'HF_TOKEN', secretKeyRef: secret });
  });

  test('GGUF without ggufFile is a ValidationError naming the option', () => {
    const error = catchError(() => vllmRecipe(plans.llama8bGguf(), base));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('ggufFile');
  });

  test('runs as non-root with HOME and USER set for torch', () => {
    const r = vllmRecipe(plans.llama3bT4(), base);
    expect(r.runAsUser).toBeGreaterThan(0);
    expect(r.rootReason).toBeUndefined();
    expect(r.writablePaths).toContain(envValue(r.env, 'HOME'));
    expect(envValue(r.env, 'USER')).toBeTruthy();
  });
});

// ---------------------------------------------------------------------------------------------------
// TGI
// ---------------------------------------------------------------------------------------------------

describe('TGI', () => {
  test('EETQ Mistral-7B on g4dn.xlarge (T4)', () => {
    const plan = plans.mistralTgiEetqT4();
    expect(plan.accelerator.id).toBe('T4');
    const r = tgiRecipe(plan, base);
    expect(arg(r, '--model-id')).toBe(plan.model.id);
    expect(num(r, '--num-shard')).toBe(plan.tensorParallel);
    expect(num(r, '--num-shard')).toBe(r.accelerator.count);
    expect(arg(r, '--quantize')).toBe('eetq');
    expect(r.args).not.toContain('--dtype'); // TGI: --dtype cannot be combined with --quantize
    const input = num(r, '--max-input-tokens');
    const total = num(r, '--max-total-tokens');
    expect(input).toBeLessThan(total);
    expect(total).toBeLessThanOrEqual(plan.maxContextLength);
    expect(total).toBe(plan.maxContextLength);
    expect(num(r, '--max-batch-prefill-tokens')).toBeGreaterThanOrEqual(input);
    expect(arg(r, '--hostname')).toBe('0.0.0.0');
    expect(num(r, '--port')).toBe(r.ports.http);
    expect(arg(r, '--huggingface-hub-cache')!.startsWith(base.cachePath)).toBe(true);
    expect(ENGINE_METRICS[r.engine].queue).toBe('tgi_queue_size');
    expect(r.metricsPath).toBe('/metrics');
    expect(r.readyPath).toBe('/health');
    expect(r.openAiBasePath).toBe('/v1');
    expect(r.needsSharedMemory).toBe(false);
    for (const name of ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN']) expect(env(r.env, name)).toEqual({ name, secretKeyRef: secret });
  });

  test('TP on p4de: shards = TP = GPUs, shared memory for NCCL', () => {
    const plan = plans.llama70bTgi();
    const r = tgiRecipe(plan, base);
    expect(plan.tensorParallel).toBeGreaterThan(1);
    expect(num(r, '--num-shard')).toBe(plan.tensorParallel);
    expect(r.accelerator.count).toBe(plan.acceleratorsPerReplica);
    expect(r.needsSharedMemory).toBe(true);
    expect(r.args).not.toContain('--quantize');
  });

  test('runs as root, and says why', () => {
    const r = tgiRecipe(plans.mistralTgiEetqT4(), base);
    expect(r.runAsUser).toBeUndefined();
    expect(r.rootReason).toMatch(/3082/);
  });
});

// ---------------------------------------------------------------------------------------------------
// TGI on Inferentia2
// ---------------------------------------------------------------------------------------------------

describe('TGI Neuron', () => {
  test('Mistral-7B on inf2.xlarge: env, launcher flags and plan agree', () => {
    const plan = plans.mistralInf2();
    expect(plan.acceleratorsPerReplica).toBe(1);
    expect(plan.tensorParallel).toBe(2);
    const r = tgiNeuronRecipe(plan, base);
    expect(r.accelerator).toEqual({ resource: 'aws.amazon.com/neuron', count: 1 });
    expect(r.accelerator.count).toBe(plan.acceleratorsPerReplica);

    expect(Number(envValue(r.env, 'HF_NUM_CORES'))).toBe(plan.tensorParallel);
    expect(Number(envValue(r.env, 'HF_NUM_CORES'))).toBeLessThanOrEqual(r.accelerator.count * (plan.accelerator.neuronCoresPerDevice ?? 0));
    // The names 3.3.6 reads (tgi_env.py `tgi_env_vars`); HF_BATCH_SIZE/HF_SEQUENCE_LENGTH are ignored there.
    expect(Number(envValue(r.env, 'MAX_BATCH_SIZE'))).toBe(plan.concurrency);
    expect(Number(envValue(r.env, 'MAX_BATCH_SIZE'))).toBe(num(r, '--max-batch-size'));
    expect(Number(envValue(r.env, 'MAX_TOTAL_TOKENS'))).toBe(plan.maxContextLength);
    expect(Number(envValue(r.env, 'MAX_TOTAL_TOKENS'))).toBe(num(r, '--max-total-tokens'));
    expect(envValue(r.env, 'HF_BATCH_SIZE')).toBeUndefined();
    expect(envValue(r.env, 'HF_SEQUENCE_LENGTH')).toBeUndefined();
    expect(['bf16', 'fp16']).toContain(envValue(r.env, 'HF_AUTO_CAST_TYPE'));
    expect(envValue(r.env, 'HF_AUTO_CAST_TYPE')).toBe(plan.model.dtype === 'float16' ? 'fp16' : 'bf16');

    const input = num(r, '--max-input-tokens');
    expect(input).toBeLessThan(num(r, '--max-total-tokens'));
    expect(num(r, '--max-batch-prefill-tokens')).toBe(num(r, '--max-batch-size') * input);
    expect(r.needsSharedMemory).toBe(false);
    expect(ENGINE_METRICS[r.engine].queue).toBe('tgi_queue_size');
  });

  test('refuses a GPU plan', () => {
    const gpuPlan = { ...plans.mistralTgiEetqT4(), engine: 'tgi-neuron' as const };
    expect((catchError(() => tgiNeuronRecipe(gpuPlan, base)) as ValidationError).field).toBe('accelerator');
  });
});

// ---------------------------------------------------------------------------------------------------
// FastChat vLLM worker
// ---------------------------------------------------------------------------------------------------

describe('FastChat vLLM worker', () => {
  const options = optionsFor('fastchat-vllm');

  test('worker flags from the plan, vLLM engine flags forwarded', () => {
    const plan = plans.llama8bFastchat();
    const r = fastchatVllmRecipe(plan, options);
    expect(arg(r, '--model-path')).toBe(plan.model.id);
    expect(arg(r, '--model-names')).toBe(options.servedModelName);
    expect(num(r, '--num-gpus')).toBe(plan.tensorParallel);
    expect(num(r, '--num-gpus')).toBe(r.accelerator.count);
    expect(arg(r, '--controller-address')).toBe(options.controllerUrl);
    expect(arg(r, '--host')).toBe('0.0.0.0');
    expect(num(r, '--port')).toBe(21002);
    expect(r.ports.http).toBe(21002);
    expect(num(r, '--max-model-len')).toBe(plan.maxContextLength);
    expect(num(r, '--gpu-memory-utilization')).toBe(plan.gpuMemoryUtilization);
    // No Prometheus metrics and no OpenAI API on a worker.
    expect(r.ports.metrics).toBeUndefined();
    expect(r.metricsPath).toBeUndefined();
    expect(ENGINE_METRICS[r.engine].queue).toBeUndefined();
    expect(r.openAiBasePath).toBeUndefined();
    expect(ENGINE_PROFILES[r.engine].multiNode).toBe(false);
  });

  test('worker address: the pod IP by default, the option when given', () => {
    const plan = plans.llama8bFastchat();
    const byDefault = fastchatVllmRecipe(plan, options);
    expect(byDefault.args).not.toContain('--worker-address');
    expect(byDefault.command?.join(' ')).toContain('--worker-address "http://$POD_IP:21002" "$@"');

    const explicit = fastchatVllmRecipe(plan, { ...options, workerAddress: 'http://worker-0.workers:21002' });
    expect(arg(explicit, '--worker-address')).toBe('http://worker-0.workers:21002');
    expect(explicit.command).toEqual(['python3', '-m', 'fastchat.serve.vllm_worker']);
  });

  test('image and controllerUrl are required', () => {
    const plan = plans.llama8bFastchat();
    const noImage = catchError(() => fastchatVllmRecipe(plan, { ...options, image: undefined }));
    expect(noImage).toBeInstanceOf(ValidationError);
    expect((noImage as ValidationError).field).toBe('image');
    const noController = catchError(() => fastchatVllmRecipe(plan, { ...options, controllerUrl: undefined }));
    expect((noController as ValidationError).field).toBe('controllerUrl');
  });
});

// ---------------------------------------------------------------------------------------------------
// llama.cpp
// ---------------------------------------------------------------------------------------------------

describe('llama.cpp', () => {
  const options = optionsFor('llama-cpp');

  test('context = per-sequence context x parallel slots; GGUF from the hub', () => {
    const plan = plans.llama8bLlamaCpp();
    const r = llamaCppRecipe(plan, options);
    expect(num(r, '--parallel')).toBe(plan.concurrency);
    expect(num(r, '--ctx-size')).toBe(plan.maxContextLength * num(r, '--parallel'));
    expect(arg(r, '--hf-repo')).toBe(options.ggufRepo);
    expect(arg(r, '--hf-file')).toBe(options.ggufFile);
    expect(num(r, '--n-gpu-layers')).toBeGreaterThanOrEqual(plan.model.layers);
    expect(r.args).toContain('--metrics');
    expect(arg(r, '--host')).toBe('0.0.0.0');
    expect(num(r, '--port')).toBe(r.ports.http);
    expect(r.args).not.toContain('--split-mode');
    expect(envValue(r.cacheEnv, 'LLAMA_CACHE')).toBe(base.cachePath);
    expect(env(r.env, 'HF_TOKEN')).toEqual({ name: 'HF_TOKEN', secretKeyRef: secret });
    expect(ENGINE_METRICS[r.engine].queue).toBe('llamacpp:requests_deferred');
    expect(r.readyPath).toBe('/health');
    expect(r.openAiBasePath).toBe('/v1');
  });

  test('layer split over the planned GPUs', () => {
    const plan = plans.llama70bLlamaCpp();
    expect(plan.pipelineParallel).toBeGreaterThan(1);
    const r = llamaCppRecipe(plan, options);
    expect(arg(r, '--split-mode')).toBe('layer');
    expect(arg(r, '--tensor-split')!.split(',')).toHaveLength(plan.acceleratorsPerReplica);
    expect(r.accelerator.count).toBe(plan.acceleratorsPerReplica);
  });

  test('the hub repo defaults to the model id', () => {
    const plan = plans.llama8bLlamaCpp();
    expect(arg(llamaCppRecipe(plan, { ...base, ggufFile: 'model.gguf' }), '--hf-repo')).toBe(plan.model.id);
  });

  test('missing ggufFile is a ValidationError naming the option', () => {
    const error = catchError(() => llamaCppRecipe(plans.llama8bLlamaCpp(), base));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('ggufFile');
  });
});

// ---------------------------------------------------------------------------------------------------
// Ollama
// ---------------------------------------------------------------------------------------------------

describe('Ollama', () => {
  test('env from the plan; an init step pulls the model and fails loudly', () => {
    const plan = plans.llama8bOllama();
    const options = optionsFor('ollama');
    const r = ollamaRecipe(plan, options);
    expect(Number(envValue(r.env, 'OLLAMA_NUM_PARALLEL'))).toBe(plan.concurrency);
    expect(Number(envValue(r.env, 'OLLAMA_CONTEXT_LENGTH'))).toBe(plan.maxContextLength);
    expect(envValue(r.cacheEnv, 'OLLAMA_MODELS')).toBe(base.cachePath);
    expect(envValue(r.env, 'OLLAMA_HOST')).toBe(`0.0.0.0:${r.ports.http}`);
    expect(r.ports.http).toBe(11434);
    expect(r.metricsPath).toBeUndefined();
    expect(ENGINE_METRICS[r.engine].queue).toBeUndefined();
    expect(r.openAiBasePath).toBe('/v1');

    expect(r.initSteps).toHaveLength(1);
    const pull = r.initSteps[0];
    expect(pull.image).toBe(r.image);
    const script = pull.command.join('\n');
    expect(script).toContain('set -euo pipefail');
    expect(script).toContain('ollama pull "$OLLAMA_PULL_MODEL"');
    expect(script).toContain('ollama cp');
    expect(envValue(pull.env ?? [], 'OLLAMA_PULL_MODEL')).toBe(options.ollamaModel);
    expect(envValue(pull.env ?? [], 'OLLAMA_SERVED_MODEL')).toBe(options.servedModelName);
    // The pull writes where the server reads: the construct adds cacheEnv (OLLAMA_MODELS) to init steps.
    expect(env(pull.env ?? [], 'OLLAMA_MODELS')).toBeUndefined();
    expect(envValue(pull.env ?? [], 'OLLAMA_HOST')).toMatch(/^127\.0\.0\.1:/);
  });

  test('model from a GGUF repo: hf.co/<repo>:<quant of the plan>', () => {
    const plan = plans.llama8bOllama();
    expect(plan.quantization).toBe('gguf-q4_k_m');
    const r = ollamaRecipe(plan, { ...base, ggufRepo: 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF' });
    expect(envValue(r.initSteps[0].env ?? [], 'OLLAMA_PULL_MODEL')).toBe('hf.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M');
  });

  test('no model to pull is a ValidationError naming ollamaModel', () => {
    expect((catchError(() => ollamaRecipe(plans.llama8bOllama(), base)) as ValidationError).field).toBe('ollamaModel');
  });
});

// ---------------------------------------------------------------------------------------------------
// TEI
// ---------------------------------------------------------------------------------------------------

describe('TEI', () => {
  test('image per compute capability', () => {
    const cases: Array<[string, string]> = [
      ['g4dn.xlarge', ':turing-'], // T4, 7.5
      ['p4d.24xlarge', ':1.'], // A100, 8.0
      ['g5.xlarge', ':86-'], // A10G, 8.6
      ['g6.xlarge', ':89-'], // L4, 8.9
      ['p5.48xlarge', ':hopper-'], // H100, 9.0
    ];
    for (const [instanceType, tag] of cases) {
      const r = teiRecipe(plans.bgeTei(instanceType), base);
      expect(r.image).toContain(`text-embeddings-inference${tag}`);
    }
  });

  test('unsupported GPU: ValidationError unless an image is given', () => {
    const v100 = plans.bgeTei('p3.2xlarge');
    expect((catchError(() => teiRecipe(v100, base)) as ValidationError).field).toBe('image');
    expect(teiRecipe(v100, { ...base, image: 'registry.example.com/tei:70-1.9.3' }).image).toBe('registry.example.com/tei:70-1.9.3');
  });

  test('flags, metrics port and probes', () => {
    const plan = plans.bgeTei('g5.xlarge');
    const r = teiRecipe(plan, base);
    expect(arg(r, '--model-id')).toBe(plan.model.id);
    expect(arg(r, '--served-model-name')).toBe(base.servedModelName);
    expect(num(r, '--port')).toBe(r.ports.http);
    expect(num(r, '--prometheus-port')).toBe(r.ports.metrics);
    expect(r.ports.metrics).toBe(9000);
    expect(r.metricsPath).toBe('/metrics');
    expect(ENGINE_METRICS[r.engine].queue).toBe('te_queue_size');
    expect(r.readyPath).toBe('/health');
    expect(r.openAiBasePath).toBe('/v1');
    expect(r.accelerator).toEqual({ resource: 'nvidia.com/gpu', count: plan.acceleratorsPerReplica });
  });
});

// ---------------------------------------------------------------------------------------------------
// Triton + TensorRT-LLM (minimal)
// ---------------------------------------------------------------------------------------------------

describe('Triton TensorRT-LLM', () => {
  test('ports, probes and metrics', () => {
    const plan = plans.llama8bTriton();
    const r = tritonTrtllmRecipe(plan, base);
    expect(r.image).toMatch(/^nvcr\.io\/nvidia\/tritonserver:\d\d\.\d\d-trtllm-python-py3$/);
    expect(r.ports).toEqual({ http: 8000, grpc: 8001, metrics: 8002 });
    expect(r.args).toContain('--http-port=8000');
    expect(r.args).toContain('--metrics-port=8002');
    expect(r.readyPath).toBe('/v2/health/ready');
    expect(r.healthPath).toBe('/v2/health/live');
    expect(r.metricsPath).toBe('/metrics');
    expect(ENGINE_METRICS[r.engine].queue).toBe(TRITON_QUEUE_COMPUTE_RATIO);
    expect(r.accelerator.count).toBe(plan.acceleratorsPerReplica);
  });
});

// ---------------------------------------------------------------------------------------------------
// Every engine
// ---------------------------------------------------------------------------------------------------

describe.each(ENGINES.map((engine) => [engine]))('%s recipe', (engine) => {
  const plan = planPerEngine[engine]();
  const options = optionsFor(engine);
  const recipe = recipeFor(plan, options);

  test('recipeFor dispatches on plan.engine', () => {
    expect(plan.engine).toBe(engine);
    expect(recipe.engine).toBe(engine);
  });

  test('the image is pinned: a tag, not latest', () => {
    for (const image of [recipe.image, ...recipe.initSteps.map((s) => s.image)]) {
      const tag = /:([^/:@]+)$/.exec(image)?.[1];
      expect(tag).toBeDefined();
      expect(tag).not.toMatch(/latest/);
    }
  });

  test('accelerator per pod = devices per replica / nodes per replica', () => {
    expect(recipe.accelerator).toEqual({
      resource: plan.accelerator.resourceName,
      count: plan.acceleratorsPerReplica / plan.nodesPerReplica,
    });
  });

  test('secrets only by reference', () => {
    const all = [...recipe.env, ...recipe.cacheEnv, ...recipe.initSteps.flatMap((s) => s.env ?? [])];
    for (const e of all) {
      if ('value' in e) {
        // A literal env may count tokens (LLMC_MAX_NUM_TOKENS), never carry one.
        expect(e.name.toLowerCase()).not.toMatch(/token(?!s)/);
        expect(e.value).not.toContain(secret.name);
      } else {
        expect(e.secretKeyRef).toEqual(secret);
      }
    }
    const everything = [...recipe.args, ...(recipe.command ?? []), ...recipe.initSteps.flatMap((s) => [...s.command, ...(s.args ?? [])])];
    expect(everything.join(' ')).not.toContain(secret.name);
    const hfToken = env(recipe.env, 'HF_TOKEN');
    if (hfToken) expect(hfToken).toEqual({ name: 'HF_TOKEN', secretKeyRef: secret });
  });

  test('a literal secret in extraEnv is refused', () => {
    const error = catchError(() => recipeFor(plan, { ...options, extraEnv: { HF_TOKEN: 'hf_abc' } }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('extraEnv');
  });

  test('extraArgs are appended after the derived args', () => {
    const r = recipeFor(plan, { ...options, extraArgs: ['--foo', 'bar'] });
    expect(r.args.slice(0, recipe.args.length)).toEqual(recipe.args);
    expect(r.args.slice(-2)).toEqual(['--foo', 'bar']);
  });

  test('extraEnv replaces a derived variable by name and appends new ones', () => {
    const first = recipe.env.find((e) => 'value' in e)!;
    const r = recipeFor(plan, { ...options, extraEnv: { [first.name]: 'override', NEW_VAR: '1' } });
    expect(r.env.filter((e) => e.name === first.name)).toEqual([{ name: first.name, value: 'override' }]);
    expect(r.env.findIndex((e) => e.name === first.name)).toBe(recipe.env.findIndex((e) => e.name === first.name));
    expect(r.env[r.env.length - 1]).toEqual({ name: 'NEW_VAR', value: '1' });
  });

  test('extraEnv naming a cache variable replaces it in cacheEnv, not twice', () => {
    const name = recipe.cacheEnv[0].name;
    const r = recipeFor(plan, { ...options, extraEnv: { [name]: '/elsewhere' } });
    expect(r.cacheEnv).toContainEqual({ name, value: '/elsewhere' });
    expect(env(r.env, name)).toBeUndefined();
  });

  test('image overrides the pinned default', () => {
    const r = recipeFor(plan, { ...options, image: 'registry.example.com/custom:1.2.3' });
    expect(r.image).toBe('registry.example.com/custom:1.2.3');
  });

  test('security: a UID or a reason for root; writable paths for a read-only root filesystem', () => {
    expect(recipe.runAsUser !== undefined || (recipe.rootReason ?? '').length > 0).toBe(true);
    expect(recipe.writablePaths.length).toBeGreaterThan(0);
    expect(recipe.initSeconds).toBeGreaterThan(0);
    expect(recipe.cacheEnv.length).toBeGreaterThan(0);
    for (const c of recipe.cacheEnv) {
      expect('value' in c && c.value.startsWith(options.cachePath)).toBe(true);
      expect(env(recipe.env, c.name)).toBeUndefined();
      for (const step of recipe.initSteps) expect(env(step.env ?? [], c.name)).toBeUndefined();
    }
  });

  test('rejects a plan for another engine', () => {
    const other = ENGINES.find((e) => e !== engine)!;
    const adapters: Record<Engine, (p: ModelPlan, o: EngineOptions) => ContainerRecipe> = {
      vllm: vllmRecipe,
      tgi: tgiRecipe,
      'tgi-neuron': tgiNeuronRecipe,
      'fastchat-vllm': fastchatVllmRecipe,
      'llama-cpp': llamaCppRecipe,
      ollama: ollamaRecipe,
      tei: teiRecipe,
      'triton-trtllm': tritonTrtllmRecipe,
    };
    const error = catchError(() => adapters[engine]({ ...plan, engine: other }, options));
    expect((error as ValidationError).code).toBe('engine-mismatch');
  });
});

describe('prefetch: the checkpoint download init step', () => {
  const mistral = () => planModel({ model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi', instanceType: 'g5.xlarge' });
  const options = { servedModelName: 'm', cachePath: '/models', hfTokenSecret: { name: 'hf', key: 'token' }, prefetch: { timeoutSeconds: 1800, retries: 4 } };

  test('downloads the weights repo with a bounded timeout and retries, the token by reference', () => {
    const recipe = recipeFor(mistral(), options);
    const step = recipe.initSteps[0];
    expect(step.name).toBe('download-weights');
    expect(step.image).toBe(recipe.image); // the engine image ships huggingface_hub
    const env = Object.fromEntries((step.env ?? []).map((e) => [e.name, e]));
    expect(env.REPO).toEqual({ name: 'REPO', value: 'mistralai/Mistral-7B-Instruct-v0.3' });
    expect(env.TIMEOUT).toEqual({ name: 'TIMEOUT', value: '1800' });
    expect(env.RETRIES).toEqual({ name: 'RETRIES', value: '4' });
    expect(env.HF_TOKEN).toEqual({ name: 'HF_TOKEN', secretKeyRef: { name: 'hf', key: 'token' } });
    const script = step.command.join(' ');
    expect(script).toContain('timeout "$TIMEOUT"');
    expect(script).toMatch(/exit 1/); // fails loudly after the last attempt
  });

  test('engines without a Python downloader refuse it, naming prefetch', () => {
    const tei = planModel({ model: { ...lookupModel('openai-community/gpt2'), embedding: true }, engine: 'tei', accelerator: 'L4' });
    const error = catchError(() => recipeFor(tei, options));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'prefetch' });
  });

  test('non-positive retries are refused', () => {
    const error = catchError(() => recipeFor(mistral(), { ...options, prefetch: { timeoutSeconds: 60, retries: 0 } }));
    expect(error).toMatchObject({ field: 'prefetch.retries' });
  });
});
