import { ValidationError } from '../errors';
import type { ModelPlan } from '../sizing/types';
import { NON_ROOT_READ_ONLY, OLLAMA_IMAGE, acceleratorRequest, assertEngine, cacheDir, finishRecipe, ggufQuantTag, imageFor, literal, scratchHomeEnv } from './common';
import type { ContainerRecipe, EngineOptions, EnvVar, InitStep } from './types';

/** Ollama's default port (envconfig: OLLAMA_HOST "default 127.0.0.1:11434"). */
export const OLLAMA_PORT = 11434;

/** `ollama serve` starts in seconds; the model loads on its first request. Estimate. */
const OLLAMA_INIT_SECONDS = 30;

/**
 * The model `ollama pull` fetches. Ollama names its models itself (`llama3.1:8b`), so a hub id is not
 * enough: `ollamaModel` names it, or `ggufRepo` points at a GGUF repo that Ollama pulls as
 * `hf.co/<repo>:<quant>` (Hugging Face docs "Use Ollama with any GGUF Model on Hugging Face Hub").
 */
export function ollamaModelName(plan: ModelPlan, options: EngineOptions): string {
  if (options.ollamaModel) return options.ollamaModel;
  const quant = ggufQuantTag(plan.quantization);
  if (options.ggufRepo && quant) return `hf.co/${options.ggufRepo}:${quant}`;
  throw new ValidationError('missing-option', "ollama needs 'ollamaModel': the Ollama model to pull", {
    field: 'ollamaModel',
    suggestions: ["ollamaModel: an Ollama library tag, e.g. 'llama3.1:8b'", "or ggufRepo: a Hugging Face GGUF repo, pulled as 'hf.co/<repo>:<quant>'"],
  });
}

/**
 * Pulls the model before the server starts, and fails the pod if the pull fails (a postStart hook would
 * let the server report ready without a model). `ollama pull` talks to a server, so the step starts one
 * on localhost, waits for it, pulls, then copies the model to the served name (`ollama cp`) so clients
 * use `servedModelName` as with every other engine.
 */
const PULL_SCRIPT = [
  'set -euo pipefail',
  'ollama serve >"$HOME/ollama-pull-serve.log" 2>&1 &',
  'server=$!',
  'trap \'kill "$server" 2>/dev/null || true\' EXIT',
  'for _ in $(seq 1 120); do',
  '  if ollama list >/dev/null 2>&1; then break; fi',
  '  if ! kill -0 "$server" 2>/dev/null; then cat "$HOME/ollama-pull-serve.log" >&2; exit 1; fi',
  '  sleep 1',
  'done',
  'ollama list >/dev/null',
  'ollama pull "$OLLAMA_PULL_MODEL"',
  'if [ "$OLLAMA_PULL_MODEL" != "$OLLAMA_SERVED_MODEL" ]; then ollama cp "$OLLAMA_PULL_MODEL" "$OLLAMA_SERVED_MODEL"; fi',
].join('\n');

/**
 * Ollama (ollama/ollama). Env (envconfig/config.go, docs/faq.md, docs/context-length.mdx): OLLAMA_MODELS
 * (model store), OLLAMA_HOST, OLLAMA_NUM_PARALLEL (slots per model; memory = NUM_PARALLEL x
 * OLLAMA_CONTEXT_LENGTH), OLLAMA_CONTEXT_LENGTH (per-request context), OLLAMA_KEEP_ALIVE (-1 keeps the model
 * loaded instead of unloading it after 5 minutes idle).
 * Readiness: `/api/tags` proves the server answers and lists local models; the model's presence is
 * guaranteed by the init step, but Ollama loads it on the first request, so that request pays the load.
 * No Prometheus metrics: metrics fields stay undefined. The HF token is not used: Ollama pulls gated
 * `hf.co/` repos with its own SSH key registered on the hub, not HF_TOKEN.
 */
export function ollamaRecipe(plan: ModelPlan, options: EngineOptions): ContainerRecipe {
  assertEngine(plan, 'ollama');
  const image = imageFor(options, OLLAMA_IMAGE);
  const model = ollamaModelName(plan, options);

  const cacheEnv: EnvVar[] = [literal('OLLAMA_MODELS', cacheDir(options))];
  // Ollama creates $HOME/.ollama/id_ed25519 at start; as a non-root UID HOME must be writable
  // (ollama/ollama issues #5986, #10332: "could not create directory mkdir /.ollama: permission denied").
  const home = scratchHomeEnv();

  const pull: InitStep = {
    name: 'ollama-pull',
    image,
    command: ['/bin/bash', '-c', PULL_SCRIPT],
    env: [...home, literal('OLLAMA_HOST', `127.0.0.1:${OLLAMA_PORT}`), literal('OLLAMA_PULL_MODEL', model), literal('OLLAMA_SERVED_MODEL', options.servedModelName)],
  };

  const env: EnvVar[] = [
    ...home,
    literal('OLLAMA_HOST', `0.0.0.0:${OLLAMA_PORT}`),
    literal('OLLAMA_NUM_PARALLEL', plan.concurrency),
    literal('OLLAMA_CONTEXT_LENGTH', plan.maxContextLength),
    literal('OLLAMA_KEEP_ALIVE', '-1'),
    literal('OLLAMA_MAX_LOADED_MODELS', 1),
    // Layer split over several GPUs, as planned (OLLAMA_SCHED_SPREAD: "Always schedule model across all GPUs").
    ...(plan.pipelineParallel > 1 ? [literal('OLLAMA_SCHED_SPREAD', '1')] : []),
  ];

  return finishRecipe(
    {
      engine: 'ollama',
      // The image's ENTRYPOINT is the ollama binary; `serve` is its default CMD, made explicit.
      args: ['serve'],
      env,
      ports: { http: OLLAMA_PORT },
      readyPath: '/api/tags',
      healthPath: '/',
      openAiBasePath: '/v1',
      cacheEnv,
      accelerator: acceleratorRequest(plan),
      needsSharedMemory: false,
      ...NON_ROOT_READ_ONLY,
      initSteps: [pull],
      initSeconds: OLLAMA_INIT_SECONDS,
    },
    image,
    options,
  );
}
