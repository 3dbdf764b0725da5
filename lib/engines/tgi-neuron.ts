import { ValidationError } from '../errors';
import type { ModelPlan } from '../sizing/types';
import { SCRATCH_DIR, TGI_NEURON_IMAGE, acceleratorRequest, assertEngine, finishRecipe, hfTokenEnv, imageFor, joinPath, literal, scratchHomeEnv, weightsRepo } from './common';
import { HF_TOKEN_NAMES, TGI_API, TGI_PORT, hfCacheEnv, hubCacheArgs, tgiTokenLimits } from './tgi';
import type { ContainerRecipe, EngineOptions } from './types';

/**
 * Neuron compiles static shapes: a cached or precompiled model loads in minutes, but an uncached export
 * can take up to ~45 minutes (HF blog "Deploy Llama 2 70B on AWS Inferentia2": "Compilation can take up
 * to 45 minutes"). The Neuron backend refuses models that are neither exported nor in the Neuron model
 * cache ("No cached version found", server/text_generation_server/model.py), so we budget for fetching
 * and loading cached artifacts. Estimate: 10 minutes.
 */
const TGI_NEURON_INIT_SECONDS = 600;

/** `HF_AUTO_CAST_TYPE`: the dtype the graphs are compiled in (`bf16`/`fp16`, optimum-neuron `auto_cast_type`). */
export function neuronAutoCastType(plan: ModelPlan): 'bf16' | 'fp16' {
  return plan.model.dtype === 'float16' ? 'fp16' : 'bf16';
}

/**
 * TGI on Inferentia2/Trainium. The Neuron entrypoint (backends/neuron/tgi-entrypoint.sh ->
 * tgi_entry_point.py + server/text_generation_server/tgi_env.py @ v3.3.6) reads the launcher flags
 * (`--model-id`, `--max-batch-size`, `--max-input-tokens`, `--max-total-tokens`,
 * `--max-batch-prefill-tokens`) and the env `tgi_env_vars` = HF_NUM_CORES, HF_AUTO_CAST_TYPE,
 * MAX_BATCH_SIZE, MAX_TOTAL_TOKENS, MAX_INPUT_TOKENS, MAX_BATCH_PREFILL_TOKENS, then looks up a compiled
 * config matching them. The older HF_BATCH_SIZE/HF_SEQUENCE_LENGTH are not read by 3.3.6 (ignored), so
 * the export shape goes in MAX_BATCH_SIZE/MAX_TOTAL_TOKENS.
 * Constraints (docs/source/backends/neuron.md "Choosing service parameters"): `--max-batch-size` = batch
 * size, `--max-total-tokens` = sequence length, `--max-input-tokens` < sequence length (tgi_env.py
 * rejects `max_input_tokens >= sequence_length`), `--max-batch-prefill-tokens` = batch x max input.
 */
export function tgiNeuronRecipe(plan: ModelPlan, options: EngineOptions): ContainerRecipe {
  assertEngine(plan, 'tgi-neuron');
  if (plan.accelerator.kind !== 'neuron') {
    throw new ValidationError('wrong-accelerator', `tgi-neuron runs on Neuron devices; the plan uses ${plan.accelerator.id}`, {
      field: 'accelerator',
      suggestions: ['accelerator inferentia2 (inf2.*) or trainium (trn1.*)', 'or engine tgi / vllm on GPUs'],
    });
  }
  const coresPerDevice = plan.accelerator.neuronCoresPerDevice ?? 2;
  const availableCores = (plan.acceleratorsPerReplica / plan.nodesPerReplica) * coresPerDevice;
  if (plan.tensorParallel > availableCores) {
    throw new ValidationError('not-enough-neuron-cores', `HF_NUM_CORES ${plan.tensorParallel} exceeds the ${availableCores} NeuronCores of ${plan.acceleratorsPerReplica} device(s)`, {
      field: 'tensorParallel',
      suggestions: [`tensorParallel <= ${availableCores}`],
    });
  }

  const image = imageFor(options, TGI_NEURON_IMAGE);
  const { maxInputTokens, maxTotalTokens } = tgiTokenLimits(plan);
  const batchSize = plan.concurrency;

  const args = [
    '--model-id',
    weightsRepo(plan, options),
    '--max-batch-size',
    String(batchSize),
    '--max-input-tokens',
    String(maxInputTokens),
    '--max-total-tokens',
    String(maxTotalTokens),
    '--max-batch-prefill-tokens',
    String(batchSize * maxInputTokens),
    '--hostname',
    '0.0.0.0',
    '--port',
    String(TGI_PORT),
    ...hubCacheArgs(options),
  ];

  const cacheEnv = [
    ...hfCacheEnv(options),
    // Compiled NEFFs next to the weights, so a restarted pod does not recompile (default
    // /var/tmp/neuron-compile-cache; NEURON_COMPILE_CACHE_URL is the Neuron SDK's cache location).
    literal('NEURON_COMPILE_CACHE_URL', joinPath(options.cachePath, 'neuron-compile-cache')),
  ];
  const env = [
    literal('HF_NUM_CORES', plan.tensorParallel),
    literal('MAX_BATCH_SIZE', batchSize),
    literal('MAX_TOTAL_TOKENS', maxTotalTokens),
    literal('HF_AUTO_CAST_TYPE', neuronAutoCastType(plan)),
    ...scratchHomeEnv(),
    ...hfTokenEnv(options, HF_TOKEN_NAMES),
  ];

  return finishRecipe(
    {
      engine: 'tgi-neuron',
      args,
      env,
      ...TGI_API,
      cacheEnv,
      // Devices (`aws.amazon.com/neuron`), not cores: the device plugin hands whole devices to the pod.
      accelerator: acceleratorRequest(plan),
      // NeuronCores talk through the Neuron runtime, not NCCL over /dev/shm.
      needsSharedMemory: false,
      rootReason: 'the Neuron TGI image runs as root and the Neuron runtime/compiler write outside the documented ' + 'paths (/var/tmp, working directory); no non-root run of it was found documented',
      readOnlyRootFilesystem: false,
      writablePaths: [SCRATCH_DIR],
      initSteps: [],
      initSeconds: TGI_NEURON_INIT_SECONDS,
    },
    image,
    options,
  );
}
