import { ValidationError } from '../errors';
import type { ModelPlan, Quantization } from '../sizing/types';
import type { ContainerRecipe, EngineOptions, EnvVar, InitStep } from './types';

/**
 * Pieces every engine adapter shares: pinned images, the Hugging Face token/cache env, the accelerator
 * request and the escape hatches (`image`, `extraArgs`, `extraEnv`). Adapters stay pure data.
 */

// ---------------------------------------------------------------------------------------------------
// Pinned images. Never `latest`: a manifest must mean the same server tomorrow.
// ---------------------------------------------------------------------------------------------------

/**
 * vLLM v0.31.0 (vllm-project/vllm release v0.31.0, 2026-10; `vllm==0.31.0` on PyPI, `vllm/vllm-openai:v0.31.0`
 * on Docker Hub). Flags checked against test/fixtures/engine-contracts/vllm-0.31.0.json.
 * Out of the image since earlier releases: GGUF (vllm-gguf-plugin, since 0.26) and bitsandbytes
 * (vllm-bnb-plugin, since 0.28, vllm-project/vllm PR #43529); the vLLM adapter refuses those formats
 * unless `image` names an image with the plugin.
 */
export const VLLM_IMAGE = 'vllm/vllm-openai:v0.31.0';
/** TGI 3.3.7 (the tag the sizing facts D1/D2 were read at; `ghcr.io/...:3.3.7` is published per release). */
export const TGI_IMAGE = 'ghcr.io/huggingface/text-generation-inference:3.3.7';
/**
 * TGI's Neuron backend image, `<version>-neuron` (TGI docs/source/backends/neuron.md). 3.3.6 is the
 * latest Neuron release found (awslabs/llm-hosting-container PR #178 "TGI 3.3.6 Neuron Image": Neuron
 * SDK 2.23, optimum-neuron aligned on TGI version numbers since 3.3.4).
 */
export const TGI_NEURON_IMAGE = 'ghcr.io/huggingface/text-generation-inference:3.3.6-neuron';
/**
 * llama.cpp server, CUDA build b11413 (release https://github.com/ggml-org/llama.cpp/releases/tag/b11413;
 * tags `server-cuda-b<build>` on ghcr.io/ggml-org/llama.cpp). Flags and metrics checked against
 * test/fixtures/engine-contracts/llama-cpp-b11413.json.
 */
export const LLAMA_CPP_IMAGE = 'ghcr.io/ggml-org/llama.cpp:server-cuda-b11413';
/**
 * Ollama 0.32.15 (ollama/ollama tag v0.32.15, 2026-08-19, the newest non-rc tag of the upstream mirror);
 * env names checked against envconfig/config.go @ v0.32.15 (test/fixtures/engine-contracts/ollama-0.32.15.json).
 */
export const OLLAMA_IMAGE = 'ollama/ollama:0.32.15';
/**
 * TEI 1.9.3 (huggingface/text-embeddings-inference tag v1.9.3, 2026-03-23; `--served-model-name` exists
 * since 1.9.0, router/src/main.rs). Images are per CUDA architecture, tagged `<prefix><version>`
 * (.github/workflows/matrix.json + build.yaml `type=semver,pattern={prefix}{{version}}` @ v1.9.3).
 */
export const TEI_IMAGE_REPOSITORY = 'ghcr.io/huggingface/text-embeddings-inference';
export const TEI_VERSION = '1.9.3';
/** Triton with the TensorRT-LLM backend, NGC release 25.02 (`<yy.mm>-trtllm-python-py3`, pulled as such in public deploy scripts). */
export const TRITON_TRTLLM_IMAGE = 'nvcr.io/nvidia/tritonserver:25.02-trtllm-python-py3';

/** UID for images that run as non-root (any UID works once HOME and the caches are writable). */
export const NON_ROOT_UID = 1000;
/** Every recipe lists it in `writablePaths` (an emptyDir) and points HOME at it (torch/Triton caches, Ollama's key...). */
export const SCRATCH_DIR = '/tmp';

/**
 * The security of an image that runs as any UID once HOME is writable (`scratchHomeEnv`): non-root, a
 * read-only root filesystem, the scratch directory as its only writable path besides the cache.
 */
export const NON_ROOT_READ_ONLY = { runAsUser: NON_ROOT_UID, readOnlyRootFilesystem: true, writablePaths: [SCRATCH_DIR] } as const;

/**
 * The HTTP surface of a server that answers `/health` (liveness and readiness: the server answers only
 * once the model is loaded), exports Prometheus `/metrics` and speaks the OpenAI API under `/v1`
 * (vLLM, TGI, llama.cpp, TEI; each cites its source where it uses this).
 */
export function openAiHealthSurface(http: number, metrics: number = http): Pick<ContainerRecipe, 'ports' | 'readyPath' | 'healthPath' | 'metricsPath' | 'openAiBasePath'> {
  return { ports: { http, metrics }, readyPath: '/health', healthPath: '/health', metricsPath: '/metrics', openAiBasePath: '/v1' };
}

// ---------------------------------------------------------------------------------------------------
// Env helpers
// ---------------------------------------------------------------------------------------------------

export function literal(name: string, value: string | number): EnvVar {
  return { name, value: String(value) };
}

/** The HF token, by reference only, under each name the engine reads. */
export function hfTokenEnv(options: EngineOptions, names: readonly string[] = ['HF_TOKEN']): EnvVar[] {
  const ref = options.hfTokenSecret;
  if (!ref) return [];
  return names.map((name) => ({ name, secretKeyRef: { name: ref.name, key: ref.key } }));
}

/** HOME on the scratch volume: Python/torch/Triton/flashinfer caches and Ollama's key land there. */
export function scratchHomeEnv(): EnvVar[] {
  return [literal('HOME', SCRATCH_DIR)];
}

/** Env names that must never carry a literal value (use `hfTokenSecret` / a secretKeyRef instead). */
const SECRET_NAME = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY)(_|$)/i;

function assertNoLiteralSecrets(extraEnv: Readonly<Record<string, string>> | undefined): void {
  for (const name of Object.keys(extraEnv ?? {})) {
    if (SECRET_NAME.test(name)) {
      throw new ValidationError('secret-in-env', `extraEnv.${name} looks like a secret; secret values never go into manifests`, {
        field: 'extraEnv',
        suggestions: [
          name.toUpperCase().includes('HF') || name.toUpperCase().includes('HUGGING')
            ? 'pass the Hugging Face token as hfTokenSecret: { name, key } (a Kubernetes Secret reference)'
            : `put ${name} in a Kubernetes Secret and reference it instead of passing a literal`,
        ],
      });
    }
  }
}

/** `extraEnv` entries replace derived entries of the same name, in place; new names are appended. */
export function mergeEnv(derived: readonly EnvVar[], extraEnv: Readonly<Record<string, string>> | undefined): EnvVar[] {
  const out = [...derived];
  for (const [name, value] of Object.entries(extraEnv ?? {})) {
    const at = out.findIndex((e) => e.name === name);
    if (at >= 0) out[at] = literal(name, value);
    else out.push(literal(name, value));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Plan helpers
// ---------------------------------------------------------------------------------------------------

/** Extended resource and count per pod: a multi-node replica spreads its devices evenly over its nodes. */
export function acceleratorRequest(plan: ModelPlan): ContainerRecipe['accelerator'] {
  return {
    resource: plan.accelerator.resourceName,
    count: plan.acceleratorsPerReplica / plan.nodesPerReplica,
  };
}

export function assertEngine(plan: ModelPlan, engine: ModelPlan['engine']): void {
  if (plan.engine !== engine) {
    throw new ValidationError('engine-mismatch', `the ${engine} adapter got a plan for engine '${plan.engine}'`, {
      field: 'engine',
      suggestions: [`use recipeFor(plan, options), which dispatches on plan.engine`],
    });
  }
}

export function requireOption<T>(value: T | undefined, field: keyof EngineOptions, engine: string, why: string, suggestions: string[]): T {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw new ValidationError('missing-option', `${engine} needs '${String(field)}': ${why}`, { field: String(field), suggestions });
  }
  return value;
}

/** Weight formats an engine cannot produce at load time: the checkpoint must already be in that format. */
const PREQUANTIZED: readonly Quantization[] = ['awq', 'gptq', 'int8'];

/**
 * The hub repo the engine loads weights from: `checkpoint` when given, else the plan's model. AWQ, GPTQ
 * and W8A8 int8 need an export already quantized that way (e.g. `hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4`);
 * pointing the engine at the 16-bit original fails at load, so that is an error here, at synth.
 */
export function weightsRepo(plan: ModelPlan, options: EngineOptions): string {
  if (options.checkpoint) return options.checkpoint;
  if (PREQUANTIZED.includes(plan.quantization)) {
    const q = plan.quantization.toUpperCase();
    throw new ValidationError('checkpoint-required', `quantization '${plan.quantization}' loads a checkpoint already quantized to ${q}, and ${plan.model.id} is the ${plan.model.dtype} original`, {
      field: 'checkpoint',
      suggestions: [
        `checkpoint: the hub repo of a ${q} export of ${plan.model.id} (e.g. '<org>/${plan.model.id.split('/').pop()}-${q}')`,
        "quantization: 'fp8' or 'bitsandbytes-nf4' (quantized while loading)",
      ],
    });
  }
  return plan.model.id;
}

/** The cache mount path without a trailing slash (`/models/` -> `/models`; `/` stays `/`). */
export function cacheDir(options: EngineOptions): string {
  const trimmed = options.cachePath.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** `a/b` without doubled or trailing slashes. */
export function joinPath(...parts: string[]): string {
  return parts
    .map((p, i) => (i === 0 ? p.replace(/\/+$/, '') : p.replace(/^\/+|\/+$/g, '')))
    .filter((p, i) => p !== '' || i === 0)
    .join('/');
}

/** llama.cpp / Ollama quant tag of a GGUF format (the `:Q4_K_M` suffix of `hf.co/<repo>:<quant>`). */
export function ggufQuantTag(quantization: Quantization): string | undefined {
  switch (quantization) {
    case 'gguf-q4_k_m':
      return 'Q4_K_M';
    case 'gguf-q8_0':
      return 'Q8_0';
    case 'none':
      return 'F16';
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Recipe assembly (escape hatches applied in one place)
// ---------------------------------------------------------------------------------------------------

/** What an adapter derives; `finishRecipe` applies the user's overrides. */
export type RecipeParts = Omit<ContainerRecipe, 'image' | 'initSteps'> & {
  readonly initSteps?: readonly InitStep[];
};

/** The image the recipe will run: the user's override or the pinned default. */
export function imageFor(options: EngineOptions, pinned: string): string {
  return options.image ?? pinned;
}

/**
 * Applies `image`, `extraArgs` (appended last: later flags win in every engine's parser) and `extraEnv`
 * (same name replaces, to the main container and the init steps), and refuses literal secrets.
 *
 * Contract with the constructs: `env` and `cacheEnv` are disjoint; a container gets `env` + `cacheEnv`,
 * an init step gets its own `env` + `cacheEnv` (and the main container's volumes). An `extraEnv` entry
 * named like a cache variable replaces it in `cacheEnv`, so no name appears twice.
 */
export function finishRecipe(parts: RecipeParts, image: string, options: EngineOptions): ContainerRecipe {
  assertNoLiteralSecrets(options.extraEnv);
  const extra = options.extraEnv ?? {};
  const cacheNames = new Set(parts.cacheEnv.map((e) => e.name));
  const forCache = Object.fromEntries(Object.entries(extra).filter(([name]) => cacheNames.has(name)));
  const forEnv = Object.fromEntries(Object.entries(extra).filter(([name]) => !cacheNames.has(name)));
  const overlap = parts.env.filter((e) => cacheNames.has(e.name)).map((e) => e.name);
  if (overlap.length > 0) throw new Error(`recipe bug: ${overlap.join(', ')} both in env and cacheEnv`);
  return {
    ...parts,
    image,
    args: [...parts.args, ...(options.extraArgs ?? [])],
    env: mergeEnv(parts.env, forEnv),
    cacheEnv: mergeEnv(parts.cacheEnv, forCache),
    initSteps: (parts.initSteps ?? []).map((step) => ({
      ...step,
      env: mergeEnv(
        (step.env ?? []).filter((e) => !cacheNames.has(e.name)),
        forEnv,
      ),
    })),
  };
}
