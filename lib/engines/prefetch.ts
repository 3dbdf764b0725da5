import { ValidationError } from '../errors';
import type { ModelPlan } from '../sizing/types';
import { hfTokenEnv, literal } from './common';
import { downloadPlan } from './downloads';
import type { ContainerRecipe, EngineOptions } from './types';

/** Engines whose images ship Python with huggingface_hub, which the download step runs. */
const PYTHON_ENGINES: readonly ModelPlan['engine'][] = ['vllm', 'tgi', 'tgi-neuron', 'fastchat-vllm'];
/** Engines that load the prefetched files offline (HF_HUB_OFFLINE=1). */
const OFFLINE_AFTER_PREFETCH: readonly ModelPlan['engine'][] = ['vllm', 'tgi', 'fastchat-vllm'];

/**
 * The download step: `snapshot_download` of what the engine loads (ALLOW/IGNORE: JSON pattern lists of
 * `downloadPlan`; a bare snapshot would also fetch `original/*.pth` and `consolidated.safetensors`
 * copies) into the cache (HF_HOME comes from the recipe's cacheEnv), each attempt bounded by `timeout`,
 * retried with a growing pause, and failing the pod loudly when every attempt failed.
 */
const SCRIPT = [
  'set -u',
  'attempt=1',
  'while :; do',
  '  timeout "$TIMEOUT" python3 -c \'import json, os, sys; from huggingface_hub import snapshot_download; print(snapshot_download(sys.argv[1], allow_patterns=json.loads(os.environ["ALLOW"]), ignore_patterns=json.loads(os.environ["IGNORE"])))\' "$REPO" && exit 0',
  '  if [ "$attempt" -ge "$RETRIES" ]; then echo "download of $REPO failed $attempt times" >&2; exit 1; fi',
  '  echo "download attempt $attempt of $REPO failed; retrying" >&2',
  '  sleep $((attempt * 15)); attempt=$((attempt + 1))',
  'done',
].join('\n');

/** Adds the download init step to a recipe when `options.prefetch` asks for it. */
export function withPrefetch(recipe: ContainerRecipe, plan: ModelPlan, options: EngineOptions): ContainerRecipe {
  const prefetch = options.prefetch;
  if (!prefetch || plan.quantization.startsWith('gguf-')) return recipe; // GGUF plans already download their one file
  if (!PYTHON_ENGINES.includes(plan.engine)) {
    throw new ValidationError('prefetch-unsupported', `${plan.engine} downloads its model itself at start; its image has no Python downloader for prefetch`, {
      field: 'prefetch',
      suggestions: ['omit prefetch: the startup probe budget covers the download', `engine: one of ${PYTHON_ENGINES.join(', ')}`],
    });
  }
  for (const [key, value] of Object.entries(prefetch)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new ValidationError('invalid-prefetch', `prefetch.${key} must be a positive integer, got ${String(value)}`, {
        field: `prefetch.${key}`,
        suggestions: ['prefetch: { timeoutSeconds: 3600, retries: 3 }'],
      });
    }
  }
  const download = downloadPlan(plan, options);
  const step = {
    name: 'download-weights',
    image: recipe.image,
    command: ['/bin/sh', '-c', SCRIPT],
    env: [
      { name: 'REPO', value: download.repo },
      // null = no allow filter (snapshot_download's default).
      { name: 'ALLOW', value: JSON.stringify(download.allowPatterns ?? null) },
      { name: 'IGNORE', value: JSON.stringify(download.ignorePatterns) },
      { name: 'TIMEOUT', value: String(prefetch.timeoutSeconds) },
      { name: 'RETRIES', value: String(prefetch.retries) },
      ...recipe.env.filter((e) => e.name === 'HOME' || e.name === 'USER'),
      ...hfTokenEnv(options),
    ],
  };
  // The server then loads the prefetched files offline instead of fetching the copies the patterns left
  // out (TGI server/text_generation_server/utils/hub.py reads HF_HUB_OFFLINE; vLLM's EngineArgs
  // __post_init__ resolves the model id to the cached snapshot when it is set). Not for the Neuron
  // backend: it looks up compiled artifacts in the hub's Neuron cache at start.
  const offline = OFFLINE_AFTER_PREFETCH.includes(plan.engine) ? [literal('HF_HUB_OFFLINE', '1')] : [];
  return { ...recipe, env: [...recipe.env.filter((e) => e.name !== 'HF_HUB_OFFLINE'), ...offline], initSteps: [step, ...recipe.initSteps] };
}
