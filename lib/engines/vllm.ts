import { ValidationError } from '../errors';
import type { ModelPlan } from '../sizing/types';
import {
  NON_ROOT_READ_ONLY,
  VLLM_IMAGE,
  acceleratorRequest,
  assertEngine,
  cacheDir,
  finishRecipe,
  hfTokenEnv,
  imageFor,
  joinPath,
  literal,
  openAiHealthSurface,
  requireOption,
  scratchHomeEnv,
  weightsRepo,
} from './common';
import type { ContainerRecipe, EngineOptions, EnvVar, InitStep } from './types';

/** `vllm serve` listens on 8000 by default (vLLM docs/deployment/docker.md `-p 8000:8000`). */
export const VLLM_PORT = 8000;

/**
 * `--max-num-seqs`: a cap on sequences scheduled per step, not a KV guarantee. The recipe passes the
 * plan's `maxNumSeqs` (vLLM's default for the GPU unless the request set one, never below
 * `plan.concurrency`): the batch the memory plan profiled. This 256 (vLLM's default on GPUs under
 * 70 GiB, vllm/engine/arg_utils.py) is only the fallback for a plan made without vLLM settings.
 */
export const VLLM_MAX_NUM_SEQS = 256;

/**
 * Seconds after the weights are on disk: loading them, `torch.compile` of the model and CUDA-graph
 * capture (vLLM V1 logs "torch.compile takes N s" and "Graph capturing finished in N secs"). Estimate:
 * 3 minutes for one GPU, 1 more minute when NCCL/Ray set up several ranks.
 */
const VLLM_INIT_SECONDS = 180;
const VLLM_MULTI_RANK_EXTRA_SECONDS = 60;

/** Marlin kernels (awq_marlin, gptq_marlin) need compute capability >= 8.0 (vLLM marlin_utils). */
const MARLIN_MIN_COMPUTE_CAPABILITY = 8.0;

/**
 * vLLM's `--quantization` for the plan, or undefined when vLLM must read it from the checkpoint.
 * - AWQ/GPTQ: an explicit `awq`/`gptq` *forces* the slow non-Marlin kernels ("Detected that the model can
 *   run with awq_marlin, however you specified quantization=awq explicitly, so forcing awq", vLLM
 *   awq_marlin.py), so we name the Marlin variant where the GPU has it.
 * - int8 (W8A8 compressed-tensors) is detected from the checkpoint's quantization_config.
 * - GGUF is detected from the `.gguf` model path.
 * - bitsandbytes: one method for 4-bit (in-flight or pre-quantized) and 8-bit (pre-quantized checkpoints).
 */
export function vllmQuantization(plan: ModelPlan): string | undefined {
  const cc = plan.accelerator.computeCapability;
  const marlin = cc !== undefined && cc >= MARLIN_MIN_COMPUTE_CAPABILITY;
  switch (plan.quantization) {
    // MXFP4 (gpt-oss), NVFP4 and W4A16 INT4 checkpoints name their method in config.json's
    // quantization_config (mxfp4, modelopt_fp4, compressed-tensors): vLLM detects it, as for int8.
    case 'none':
    case 'int8':
    case 'mxfp4':
    case 'nvfp4':
    case 'int4':
    case 'gguf-q4_k_m':
    case 'gguf-q8_0':
      return undefined;
    case 'fp8':
      return 'fp8';
    case 'awq':
      return marlin ? 'awq_marlin' : 'awq';
    case 'gptq':
      return marlin ? 'gptq_marlin' : 'gptq';
    case 'bitsandbytes-8bit':
    case 'bitsandbytes-nf4':
      return 'bitsandbytes';
    case 'eetq':
      throw new ValidationError('unsupported-quantization', `vLLM does not load '${plan.quantization}' weights`, {
        field: 'quantization',
        suggestions: ['use engine tgi for eetq', 'or quantization fp8/awq/gptq/bitsandbytes-8bit with vLLM'],
      });
  }
}

/**
 * Engine flags the vLLM OpenAI server and FastChat's vllm_worker share (the worker forwards
 * `AsyncEngineArgs.add_cli_args`). Tensor parallelism is not here: the two spell it differently.
 */
export function vllmEngineArgs(plan: ModelPlan): string[] {
  const args = [
    '--pipeline-parallel-size',
    String(plan.pipelineParallel),
    '--max-model-len',
    String(plan.maxContextLength),
    // Exactly the batch settings the memory plan profiled (vLLM sizes its KV cache from them).
    '--max-num-seqs',
    String(plan.maxNumSeqs ?? Math.max(VLLM_MAX_NUM_SEQS, plan.concurrency)),
    ...(plan.maxNumBatchedTokens === undefined ? [] : ['--max-num-batched-tokens', String(plan.maxNumBatchedTokens)]),
    '--gpu-memory-utilization',
    String(plan.gpuMemoryUtilization),
  ];
  if (plan.enforceEager) args.push('--enforce-eager');
  const quantization = vllmQuantization(plan);
  if (quantization) args.push('--quantization', quantization);
  if (plan.kvCacheDtype === 'fp8') args.push('--kv-cache-dtype', 'fp8');
  // No bf16 before Ampere: vLLM refuses bf16 checkpoints on T4/V100 ("Bfloat16 is only supported on GPUs
  // with compute capability of at least 8.0 ... use --dtype=half", vllm-project/vllm issues #1157, #946).
  if (!plan.accelerator.supportsBf16) args.push('--dtype', 'half');
  return args;
}

/** Env for a Python/torch engine running as a UID that has no home in the image. */
export function pythonNonRootEnv(user: string): EnvVar[] {
  // torch._dynamo calls getpass.getuser(), which raises for a UID missing from /etc/passwd unless USER
  // (or LOGNAME) is set (kserve/kserve issue #5666); HOME on the scratch volume takes the HF, vLLM,
  // Triton, inductor and flashinfer caches that default to ~/.cache (vllm-project/vllm PR #40275).
  return [...scratchHomeEnv(), literal('USER', user)];
}

/** Where a GGUF file is downloaded on the cache volume (deterministic, unlike the hub cache's snapshot dirs). */
export function ggufLocalPath(cachePath: string, repo: string, file: string): string {
  return joinPath(cachePath, 'gguf', repo, file);
}

/**
 * vLLM loads GGUF only from a local single file (vLLM docs/features/quantization/gguf.md: "download and
 * use the local GGUF model"; loading `repo:quant` straight from the hub arrived after 0.11, PR #29137).
 * An init step downloads it with huggingface_hub, which the vLLM image ships, and fails the pod on error.
 */
function ggufDownloadStep(image: string, options: EngineOptions, repo: string, file: string, env: EnvVar[]): InitStep {
  const script = ['import sys', 'from huggingface_hub import hf_hub_download', 'print(hf_hub_download(repo_id=sys.argv[1], filename=sys.argv[2], local_dir=sys.argv[3]))'].join('; ');
  return {
    name: 'download-gguf',
    image,
    command: ['python3', '-c', script],
    args: [repo, file, joinPath(options.cachePath, 'gguf', repo)],
    env,
  };
}

/**
 * Formats whose loaders left the pinned image for out-of-tree plugins: GGUF (vllm-gguf-plugin, vLLM 0.26)
 * and bitsandbytes (vllm-bnb-plugin, vLLM 0.28, PR #43529). The stock image fails at load; an `image`
 * with the plugin installed is the user's call.
 */
function assertInPinnedImage(plan: ModelPlan, options: EngineOptions): void {
  if (options.image) return;
  const plugin = plan.quantization.startsWith('gguf-') ? 'vllm-gguf-plugin' : plan.quantization.startsWith('bitsandbytes') ? 'vllm-bnb-plugin' : undefined;
  if (!plugin) return;
  throw new ValidationError('unsupported-quantization', `${VLLM_IMAGE} does not load '${plan.quantization}' weights: that loader moved to the out-of-tree ${plugin}, which the image does not ship`, {
    field: 'quantization',
    suggestions: [
      plugin === 'vllm-gguf-plugin' ? "engine: 'llama-cpp' (native GGUF)" : "engine: 'tgi' (bitsandbytes at load), or quantization 'fp8'/'awq' on vLLM",
      `image: an image FROM ${VLLM_IMAGE} with 'pip install ${plugin}'`,
    ],
  });
}

/** The image runs `vllm serve` (vLLM docker/Dockerfile ENTRYPOINT); named here so multi-node wrappers run it too. */
export const VLLM_SERVE_COMMAND = ['vllm', 'serve'] as const;

export function vllmRecipe(plan: ModelPlan, options: EngineOptions): ContainerRecipe {
  assertEngine(plan, 'vllm');
  const image = imageFor(options, VLLM_IMAGE);
  const gguf = plan.quantization.startsWith('gguf-');

  const cacheEnv: EnvVar[] = [literal('HF_HOME', cacheDir(options))];
  const baseEnv: EnvVar[] = [...pythonNonRootEnv('vllm'), ...hfTokenEnv(options)];

  const initSteps: InitStep[] = [];
  let model = weightsRepo(plan, options);
  const modelArgs: string[] = [];
  if (gguf) {
    const file = requireOption(options.ggufFile, 'ggufFile', 'vLLM with GGUF weights', 'vLLM loads one local .gguf file', [
      `ggufFile: the .gguf file in ${options.ggufRepo ?? plan.model.id}, e.g. 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf'`,
      'or engine llama-cpp, the native GGUF server',
    ]);
    const repo = options.ggufRepo ?? plan.model.id;
    model = ggufLocalPath(options.cachePath, repo, file);
    initSteps.push(ggufDownloadStep(image, options, repo, file, baseEnv));
    // vLLM docs recommend the base model's tokenizer: converting the GGUF one is slow and unstable.
    modelArgs.push('--tokenizer', plan.model.id);
  }

  assertInPinnedImage(plan, options);
  const ranks = plan.tensorParallel * plan.pipelineParallel;
  const args = [
    // The model is positional under `vllm serve`; `--model` is deprecated there ("With `vllm serve`, you
    // should provide the model as a positional argument ...", vllm/utils/argparse_utils.py).
    model,
    ...modelArgs,
    '--served-model-name',
    options.servedModelName,
    '--tensor-parallel-size',
    String(plan.tensorParallel),
    ...vllmEngineArgs(plan),
    // One replica over several nodes runs its ranks through Ray (vLLM docs/serving/distributed_serving.md);
    // the LeaderWorkerSet construct starts the Ray head/workers around this command.
    ...(plan.nodesPerReplica > 1 ? ['--distributed-executor-backend', 'ray'] : []),
    '--port',
    String(VLLM_PORT),
  ];

  return finishRecipe(
    {
      engine: 'vllm',
      command: [...VLLM_SERVE_COMMAND],
      args,
      env: baseEnv,
      // /health answers once the engine is up: the API server starts after the engine has loaded the
      // weights and captured graphs, so it doubles as readiness.
      ...openAiHealthSurface(VLLM_PORT),
      cacheEnv,
      accelerator: acceleratorRequest(plan),
      // NCCL between ranks (and PyTorch multiprocessing) uses /dev/shm (vLLM docker docs: --ipc=host or
      // --shm-size "particularly for tensor parallel inference"). One rank needs only the default 64 MiB.
      needsSharedMemory: ranks > 1,
      // The image has no USER (root by default) but runs as any UID since v0.8.2 moved Python out of
      // /root (issue #15174/#16402), given a writable HOME and USER (see pythonNonRootEnv).
      ...NON_ROOT_READ_ONLY,
      initSteps,
      initSeconds: VLLM_INIT_SECONDS + (ranks > 1 ? VLLM_MULTI_RANK_EXTRA_SECONDS : 0),
    },
    image,
    options,
  );
}
