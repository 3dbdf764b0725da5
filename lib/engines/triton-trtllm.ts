import type { ModelArchitecture } from '../catalog/types';
import { GiB } from '../catalog/units';
import { ValidationError } from '../errors';
import { ENGINE_PROFILES } from '../sizing/engine-profiles';
import { checkpointBytes, weightBytes } from '../sizing/quantization';
import { DEFAULT_LOAD_BANDWIDTH } from '../sizing/startup';
import type { ModelPlan } from '../sizing/types';
import {
  NON_ROOT_UID,
  SCRATCH_DIR,
  TRITON_TRTLLM_IMAGE,
  acceleratorRequest,
  assertEngine,
  cacheDir,
  finishRecipe,
  hfTokenEnv,
  imageFor,
  joinPath,
  literal,
  scratchHomeEnv,
  weightsRepo,
} from './common';
import { PREPARE_SCRIPT, SERVE_SCRIPT, TRITON_ENV as E } from './triton-scripts';
import type { ContainerRecipe, EngineOptions, EnvVar, InitStep } from './types';

export { TRITON_ENV, TRTLLM_CONVERTERS, TRITON_PIPELINE_MODELS } from './triton-scripts';

/** Triton's default ports: HTTP/REST 8000, gRPC 8001, Prometheus metrics 8002. */
export const TRITON_HTTP_PORT = 8000;
export const TRITON_GRPC_PORT = 8001;
export const TRITON_METRICS_PORT = 8002;

/** Per-pod scratch (an emptyDir): the model repository and the checkpoint path the init step hands over. */
export const TRITON_WORK_DIR = '/triton';
export const TRITON_MODEL_REPOSITORY = `${TRITON_WORK_DIR}/model-repository`;
const CHECKPOINT_FILE = `${TRITON_WORK_DIR}/checkpoint-dir`;

/**
 * Engine batch: the batch the sizing profile of triton-trtllm accounts activations for (`logitsSequences`),
 * never below the plan's concurrency. Tokens per step: `max_num_tokens`, the profile's `batchTokens`
 * (trtllm-build's default, 8192).
 */
const TRTLLM_MAX_BATCH_SIZE = ENGINE_PROFILES['triton-trtllm'].logitsSequences;

/**
 * Time budgets. Estimates, stated so they can be checked: a TP-2 Llama-3.1-8B on the 25.06 image took
 * "~3 min checkpoint conversion + ~35 s engine build" (a measured public build script); TensorRT-LLM's GPT
 * README logs "Total time of building all engines: 00:00:41" for GPT-2 medium. The limits leave a wide
 * margin over those (they bound a hung step, they are not the expected duration).
 */
const CONVERT_BASE_SECONDS = 300;
const CONVERT_SECONDS_PER_BILLION_PARAMS = 60;
const BUILD_BASE_SECONDS = 600;
const BUILD_SECONDS_PER_BILLION_PARAMS = 30;
/** Deserialising the engines, allocating the paged KV cache, starting the Python pre/post-processing models. */
const ENGINE_LOAD_SECONDS = 180;
/** One download attempt: at least 10 minutes, or 3x the checkpoint at the default load bandwidth. */
const DOWNLOAD_MIN_SECONDS = 600;
const DOWNLOAD_RETRIES = 3;
/** One fill_template.py run (a few milliseconds of work). */
const LAYOUT_SECONDS = 120;

/** Time limits of the build pipeline, derived from the model size. */
export interface TritonBuildTimeouts {
  /** One checkpoint download attempt (init step, outside the startup probe). */
  readonly downloadSeconds: number;
  readonly downloadRetries: number;
  /** Checkpoint conversion (server container, inside the startup probe budget). */
  readonly convertSeconds: number;
  /** `trtllm-build` (server container, inside the startup probe budget). */
  readonly buildSeconds: number;
  /** Engine load after the build. */
  readonly loadSeconds: number;
}

export function tritonBuildTimeouts(plan: ModelPlan): TritonBuildTimeouts {
  const billions = plan.model.totalParams / 1e9;
  return {
    downloadSeconds: Math.max(DOWNLOAD_MIN_SECONDS, Math.ceil((3 * checkpointBytes(plan.model, 'none')) / DEFAULT_LOAD_BANDWIDTH)),
    downloadRetries: DOWNLOAD_RETRIES,
    convertSeconds: CONVERT_BASE_SECONDS + Math.ceil(CONVERT_SECONDS_PER_BILLION_PARAMS * billions),
    buildSeconds: BUILD_BASE_SECONDS + Math.ceil(BUILD_SECONDS_PER_BILLION_PARAMS * billions),
    loadSeconds: ENGINE_LOAD_SECONDS,
  };
}

/**
 * Cache volume a build needs at its peak: the downloaded checkpoint, the converted TensorRT-LLM
 * checkpoint and the engines (each about the 16-bit weights), plus 10% and 1 GiB for tokenizer files
 * and filesystem overhead. The default cache (checkpoint x 1.5) is too small for a build.
 */
export function tritonCacheGiB(model: ModelArchitecture): number {
  const bytes = checkpointBytes(model, 'none') + 2 * weightBytes(model, 'none');
  return Math.ceil((bytes * 1.1) / GiB) + 1;
}

/** The 16-bit type the engines compute in: the checkpoint's, fp16 for fp32 checkpoints and pre-Ampere GPUs. */
function engineDtype(plan: ModelPlan): 'bfloat16' | 'float16' {
  return plan.model.dtype === 'bfloat16' && plan.accelerator.supportsBf16 ? 'bfloat16' : 'float16';
}

/** A path segment from a free-form value (hub ids keep their `/`). */
function segment(value: string): string {
  return value.replace(/[^A-Za-z0-9._/-]+/g, '_').replace(/\.\.+/g, '_');
}

/** `25.06-trtllm-python-py3` of `nvcr.io/nvidia/tritonserver:25.06-trtllm-python-py3` (engines are tied to the TensorRT-LLM build). */
function imageTag(image: string): string {
  const last = image.slice(image.lastIndexOf('/') + 1);
  const digest = last.indexOf('@');
  if (digest >= 0) return segment(last.slice(digest + 1).replace(':', '-')).slice(0, 24);
  const colon = last.indexOf(':');
  return colon >= 0 ? segment(last.slice(colon + 1)) : 'untagged';
}

/**
 * Where built engines are cached: one directory per weights, image (TensorRT-LLM version), GPU type,
 * dtype, build limits, and tensor x pipeline parallel sizes. Engines only run on the GPU architecture,
 * TensorRT-LLM version and parallel layout they were built for; a restart or another replica with the
 * same plan finds them there and skips the build.
 */
export function tritonEngineDir(plan: ModelPlan, options: EngineOptions, image = imageFor(options, TRITON_TRTLLM_IMAGE)): string {
  const limits = `${segment(plan.accelerator.id)}-${engineDtype(plan)}-ctx${plan.maxContextLength}-b${maxBatchSize(plan)}`;
  return joinPath(cacheDir(options), 'trtllm-engines', segment(weightsRepo(plan, options)), imageTag(image), limits, `tp${plan.tensorParallel}-pp${plan.pipelineParallel}`);
}

function maxBatchSize(plan: ModelPlan): number {
  return Math.max(TRTLLM_MAX_BATCH_SIZE, plan.concurrency);
}

/** An engine directory path, checked: not empty, no `..` (it is resolved on the cache), one line. */
function checkEngineDir(dir: unknown, field: string): string {
  if (typeof dir !== 'string' || dir.trim() === '' || /[\n\r]/.test(dir) || dir.split('/').includes('..')) {
    throw new ValidationError('invalid-engine-dir', `${field} must be a directory path without '..', got ${JSON.stringify(dir)}`, {
      field,
      suggestions: [`${field}: 'engines/gpt2/tp1-pp1' (relative to the model cache)`],
    });
  }
  return dir;
}

/** `trtllmEngineDir` checked, and made absolute (relative paths are on the cache). */
function prebuiltEngineDir(options: EngineOptions): string | undefined {
  if (options.trtllmEngineDir === undefined) return undefined;
  const dir = checkEngineDir(options.trtllmEngineDir, 'trtllmEngineDir');
  return dir.startsWith('/') ? dir : joinPath(cacheDir(options), dir);
}

/** What the built-in pipeline (convert_checkpoint.py + trtllm-build) cannot produce; prebuilt engines can be anything. */
function assertBuildable(plan: ModelPlan): void {
  const prebuilt = 'trtllmEngineDir: engines you built yourself (TensorRT-LLM examples/quantization/quantize.py or convert_checkpoint.py, then trtllm-build) on a volume mounted as the model cache';
  if (plan.quantization !== 'none') {
    throw new ValidationError('trtllm-build-unsupported', `the Triton TensorRT-LLM recipe builds 16-bit engines only; quantization '${plan.quantization}' needs engines quantized ahead of time`, {
      field: 'quantization',
      suggestions: ["quantization: 'none'", prebuilt],
    });
  }
  if (plan.kvCacheDtype !== 'auto') {
    throw new ValidationError(
      'trtllm-build-unsupported',
      `the Triton TensorRT-LLM recipe builds engines with a 16-bit KV cache; kvCacheDtype '${plan.kvCacheDtype}' is set when the checkpoint is converted`,
      {
        field: 'kvCacheDtype',
        suggestions: ["kvCacheDtype: 'auto'", prebuilt],
      },
    );
  }
  const model = plan.model;
  if (model.embedding || model.mla || model.kvCacheLayers !== undefined) {
    const kind = model.embedding ? 'an embedding model' : model.mla ? 'a multi-head latent attention model' : 'a vision model';
    throw new ValidationError('trtllm-build-unsupported', `${model.id} is ${kind}; the recipe converts decoder-only text models (GPT-2, Llama, Mistral, Mixtral, Qwen2) only`, {
      field: 'model',
      suggestions: [prebuilt, "engine: 'vllm'"],
    });
  }
}

/**
 * Triton Inference Server with the TensorRT-LLM backend, serving the inflight-batcher ensemble
 * (`POST /v2/models/ensemble/generate`, KServe v2 protocol on HTTP 8000 and gRPC 8001; Prometheus metrics
 * on 8002).
 *
 * Before the server starts, an init step in the same image downloads the checkpoint (HF token by secret
 * reference, `HF_HOME` on the model cache) and lays out the model repository (ensemble, preprocessing,
 * tensorrt_llm, postprocessing) on a per-pod scratch volume, with the engine directory and tokenizer
 * filled in. The engines themselves are built in the server container, before `exec tritonserver`:
 * `trtllm-build` needs the pod's GPUs, and init steps get none (TensorRT tunes kernels on the device it
 * builds for). They are built once per plan into `tritonEngineDir(...)` on the cache, keyed by TP and PP,
 * and reused by restarts (and by other replicas when the cache is a shared ReadWriteMany claim).
 *
 * Probes: the init step is not probed (init containers never are); its phases are bounded by their
 * own timeouts (download attempts x retries, template filling). The startup probe covers the server
 * container, so `initSeconds` is conversion + build + engine load when the recipe builds, and engine
 * load only with `trtllmEngineDir`; each build phase times out before the startup budget runs out, so a
 * failure is reported by the phase, not by a probe kill.
 *
 * GPUs = TP x PP (`acceleratorRequest`). More than one GPU runs MPI leader mode in the pod: one
 * tritonserver per rank under `mpirun`, rank 0 serving (see `SERVE_SCRIPT`).
 */
export function tritonTrtllmRecipe(plan: ModelPlan, options: EngineOptions): ContainerRecipe {
  assertEngine(plan, 'triton-trtllm');
  const image = imageFor(options, TRITON_TRTLLM_IMAGE);
  const accelerator = acceleratorRequest(plan);
  const worldSize = plan.tensorParallel * plan.pipelineParallel;
  if (worldSize !== accelerator.count) {
    throw new Error(`recipe bug: TP ${plan.tensorParallel} x PP ${plan.pipelineParallel} = ${worldSize} ranks, but the pod requests ${accelerator.count} GPUs`);
  }
  const prebuilt = prebuiltEngineDir(options);
  if (!prebuilt) assertBuildable(plan);
  const engineDir = prebuilt ?? tritonEngineDir(plan, options, image);
  const t = tritonBuildTimeouts(plan);

  // Shared by the init step and the server: where the engines are and whether they may be built.
  const engineEnv: EnvVar[] = [
    literal(E.engineDir, engineDir),
    literal(E.engineSource, prebuilt ? 'prebuilt' : 'build'),
    literal(E.cacheDir, cacheDir(options)),
    literal(E.checkpointFile, CHECKPOINT_FILE),
  ];
  const batch = maxBatchSize(plan);

  const prepare: InitStep = {
    name: 'prepare-model-repository',
    image,
    command: ['/bin/bash', '-c', PREPARE_SCRIPT, 'prepare-model-repository'],
    env: [
      ...scratchHomeEnv(),
      literal(E.repo, weightsRepo(plan, options)),
      ...engineEnv,
      literal(E.modelRepository, TRITON_MODEL_REPOSITORY),
      literal(E.downloadTimeout, t.downloadSeconds),
      literal(E.downloadRetries, t.downloadRetries),
      literal(E.layoutTimeout, LAYOUT_SECONDS),
      literal(E.maxBatchSize, batch),
      literal(E.kvCacheFreeFraction, ENGINE_PROFILES['triton-trtllm'].kvShareOfFree),
      ...hfTokenEnv(options),
    ],
  };

  const args = [
    `--model-repository=${TRITON_MODEL_REPOSITORY}`,
    `--http-port=${TRITON_HTTP_PORT}`,
    `--grpc-port=${TRITON_GRPC_PORT}`,
    `--metrics-port=${TRITON_METRICS_PORT}`,
    // As TensorRT-LLM's launch_triton_server.py runs every rank: the configs are complete.
    '--disable-auto-complete-config',
  ];

  return finishRecipe(
    {
      engine: 'triton-trtllm',
      // `bash -c SCRIPT NAME ARGS...`: the args (and extraArgs) reach tritonserver as "$@".
      command: ['/bin/bash', '-c', SERVE_SCRIPT, 'triton-trtllm'],
      args,
      env: [
        ...scratchHomeEnv(),
        // The server reads the checkpoint the init step downloaded; it never needs the hub (nor the token).
        literal('HF_HUB_OFFLINE', 1),
        ...engineEnv,
        literal(E.tpSize, plan.tensorParallel),
        literal(E.ppSize, plan.pipelineParallel),
        literal(E.worldSize, worldSize),
        literal(E.dtype, engineDtype(plan)),
        literal(E.maxBatchSize, batch),
        literal(E.maxInputLen, Math.max(1, plan.maxContextLength - 1)),
        literal(E.maxSeqLen, plan.maxContextLength),
        literal(E.maxStepSize, ENGINE_PROFILES['triton-trtllm'].batchTokens(plan.memory.usableBytesPerAccelerator)),
        literal(E.convertTimeout, t.convertSeconds),
        literal(E.buildTimeout, t.buildSeconds),
      ],
      ports: { http: TRITON_HTTP_PORT, grpc: TRITON_GRPC_PORT, metrics: TRITON_METRICS_PORT },
      // KServe v2 health: ready = every model of the repository loaded; live = the process answers.
      readyPath: '/v2/health/ready',
      healthPath: '/v2/health/live',
      metricsPath: '/metrics',
      // No openAiBasePath: Triton speaks the KServe v2 protocol; its OpenAI frontend is a separate process.
      cacheEnv: [literal('HF_HOME', cacheDir(options))],
      accelerator,
      // The Python backend (pre/post-processing models) exchanges tensors through /dev/shm; ranks use NCCL.
      needsSharedMemory: true,
      // The NGC image ships the `triton-server` user with UID 1000; other UIDs fail in the entrypoint
      // (triton-inference-server/server issue #2600), which also writes symlinks under /opt/tritonserver,
      // hence a writable root filesystem.
      runAsUser: NON_ROOT_UID,
      readOnlyRootFilesystem: false,
      writablePaths: [SCRATCH_DIR, TRITON_WORK_DIR],
      initSteps: [prepare],
      initSeconds: prebuilt ? t.loadSeconds : t.convertSeconds + t.buildSeconds + t.loadSeconds,
    },
    image,
    options,
  );
}
