import { ValidationError } from '../errors';
import type { ModelPlan, Quantization } from '../sizing/types';
import { SCRATCH_DIR, TGI_IMAGE, acceleratorRequest, assertEngine, cacheDir, finishRecipe, hfTokenEnv, imageFor, joinPath, literal, openAiHealthSurface, scratchHomeEnv, weightsRepo } from './common';
import type { ContainerRecipe, EngineOptions, EnvVar } from './types';

/**
 * TGI images set PORT=80 (TGI Dockerfile `ENV ... PORT=80`); we listen on 8080 instead so that no
 * NET_BIND_SERVICE capability is needed, and pass it explicitly (`--port`, launcher default 3000).
 */
export const TGI_PORT = 8080;

/**
 * The TGI router's HTTP surface, shared by the CUDA and Neuron launchers. Metrics share the API port
 * (docs/source/reference/metrics.md: "the /metrics Prometheus endpoint"); the router serves only after
 * the shards loaded and warmed up, and /health then checks the shards; the Messages API is
 * OpenAI-compatible under /v1 (docs/source/messages_api.md), and TGI serves one model and accepts any
 * "model" value.
 */
export const TGI_API = openAiHealthSurface(TGI_PORT);

/**
 * TGI falls back to 4096 prefill tokens when it cannot compute a better default (launcher/src/main.rs
 * @ v3.3.7, facts D2), the figure the sizing core budgets activations for.
 */
export const TGI_DEFAULT_PREFILL_TOKENS = 4096;

/** huggingface_hub reads HF_TOKEN; older TGI/TEI docs name HUGGING_FACE_HUB_TOKEN. Both, by reference. */
export const HF_TOKEN_NAMES = ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN'] as const;

/**
 * Request limits shared by the TGI launchers. The router refuses `max_input_tokens >= max_total_tokens`
 * and `max_batch_prefill_tokens < max_input_tokens` (router/src/main.rs "Validate args"), so input gets
 * the context minus one token (TGI's own default, docs/source/reference/launcher.md MAX_INPUT_TOKENS).
 */
export function tgiTokenLimits(plan: ModelPlan): { maxInputTokens: number; maxTotalTokens: number } {
  if (plan.maxContextLength < 2) {
    throw new ValidationError('context-too-short', `TGI needs a context of at least 2 tokens (input < total); got ${plan.maxContextLength}`, {
      field: 'maxContextLength',
    });
  }
  return { maxInputTokens: plan.maxContextLength - 1, maxTotalTokens: plan.maxContextLength };
}

/** `--hostname 0.0.0.0 --port <port>`: TGI's launcher flags, which TEI's router shares (both checked in the engine contracts). */
export function listenArgs(port: number): string[] {
  return ['--hostname', '0.0.0.0', '--port', String(port)];
}

/** The hub cache on the model cache volume, in the `<HF_HOME>/hub` layout every HF-based engine shares. */
export function hubCacheArgs(options: EngineOptions): string[] {
  return ['--huggingface-hub-cache', joinPath(options.cachePath, 'hub')];
}

/** HF_HOME on the cache volume (the hub cache goes to `<HF_HOME>/hub`). */
export function hfCacheEnv(options: EngineOptions): EnvVar[] {
  return [literal('HF_HOME', cacheDir(options))];
}

/** TGI `--quantize` values (docs/source/reference/launcher.md QUANTIZE "Possible values"). */
const TGI_QUANTIZE: Partial<Record<Quantization, string>> = {
  eetq: 'eetq',
  awq: 'awq',
  gptq: 'gptq',
  'bitsandbytes-8bit': 'bitsandbytes',
  'bitsandbytes-nf4': 'bitsandbytes-nf4',
  fp8: 'fp8',
};

export function tgiQuantize(plan: ModelPlan): string | undefined {
  if (plan.quantization === 'none') return undefined;
  const value = TGI_QUANTIZE[plan.quantization];
  if (!value) {
    throw new ValidationError('unsupported-quantization', `TGI does not load '${plan.quantization}' weights`, {
      field: 'quantization',
      suggestions: [`one of: none, ${Object.keys(TGI_QUANTIZE).join(', ')}`, 'or engine vllm / llama-cpp'],
    });
  }
  return value;
}

/** Warm-up prefill at max-batch-prefill-tokens plus CUDA graphs for batch sizes 1..32. Estimate. */
const TGI_INIT_SECONDS = 120;

export function tgiRecipe(plan: ModelPlan, options: EngineOptions): ContainerRecipe {
  assertEngine(plan, 'tgi');
  const image = imageFor(options, TGI_IMAGE);
  const { maxInputTokens, maxTotalTokens } = tgiTokenLimits(plan);
  const quantize = tgiQuantize(plan);

  const args = [
    '--model-id',
    weightsRepo(plan, options),
    '--num-shard',
    String(plan.tensorParallel),
    ...(quantize ? ['--quantize', quantize] : []),
    // `--dtype` "cannot be used with --quantize" (launcher.md DTYPE); without it TGI would pick bf16,
    // which T4/V100 lack.
    ...(!quantize && !plan.accelerator.supportsBf16 ? ['--dtype', 'float16'] : []),
    // TGI's KV-cache dtypes are the two FP8 layouts (launcher.md KV_CACHE_DTYPE); e4m3 is vLLM's `fp8` too.
    ...(plan.kvCacheDtype === 'fp8' ? ['--kv-cache-dtype', 'fp8_e4m3fn'] : []),
    '--max-input-tokens',
    String(maxInputTokens),
    '--max-total-tokens',
    String(maxTotalTokens),
    // >= max-input-tokens (router validation); 4096 when the context is shorter, as TGI would choose.
    '--max-batch-prefill-tokens',
    String(Math.max(maxInputTokens, TGI_DEFAULT_PREFILL_TOKENS)),
    ...listenArgs(TGI_PORT),
    ...hubCacheArgs(options),
  ];

  const cacheEnv = hfCacheEnv(options);
  return finishRecipe(
    {
      engine: 'tgi',
      args,
      env: [...scratchHomeEnv(), ...hfTokenEnv(options, HF_TOKEN_NAMES)],
      ...TGI_API,
      cacheEnv,
      accelerator: acceleratorRequest(plan),
      // NCCL between shards needs a memory-backed /dev/shm (TGI README "A note on Shared Memory").
      needsSharedMemory: plan.tensorParallel > 1,
      rootReason:
        'TGI >= 3.1 images install Python under /root/.local/share/uv, unreadable by other UIDs ' +
        '("error while loading shared libraries: libpython3.11.so.1.0", huggingface/text-generation-inference ' +
        'issue #3082, fix PR #3197 not merged)',
      readOnlyRootFilesystem: true,
      writablePaths: [SCRATCH_DIR],
      initSteps: [],
      initSeconds: TGI_INIT_SECONDS,
    },
    image,
    options,
  );
}
