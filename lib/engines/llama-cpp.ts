import type { ModelPlan } from '../sizing/types';
import {
  LLAMA_CPP_IMAGE,
  NON_ROOT_READ_ONLY,
  acceleratorRequest,
  assertEngine,
  cacheDir,
  finishRecipe,
  hfTokenEnv,
  imageFor,
  literal,
  openAiHealthSurface,
  requireOption,
  scratchHomeEnv,
} from './common';
import type { ContainerRecipe, EngineOptions, EnvVar } from './types';

/** llama-server's default port; the image's HEALTHCHECK probes http://localhost:8080/health (.devops/cuda.Dockerfile). */
export const LLAMA_CPP_PORT = 8080;

/** "All layers": a count above any model's layer count offloads everything (`-ngl N`, tools/server/README.md). */
export const ALL_GPU_LAYERS = 999;

/** mmap the GGUF and copy it to VRAM, then a warm-up decode: no compilation. Estimate. */
const LLAMA_CPP_INIT_SECONDS = 60;

/**
 * llama.cpp's OpenAI-compatible server (ggml-org/llama.cpp tools/server/README.md):
 * - the GGUF comes from the hub with `--hf-repo` + `--hf-file` into LLAMA_CACHE, with the token from HF_TOKEN
 *   (`-hft, --hf-token`: "default: value from HF_TOKEN environment variable");
 * - `--ctx-size` is the whole KV cache, divided among the `--parallel` slots (llama.cpp issue #11681:
 *   "Context size is being divided by number of parallel inferences"), hence context x concurrency;
 * - more than one GPU: `--split-mode layer` (layers and KV split across GPUs, pipelined) with an even
 *   `--tensor-split`, which the sizing core reports as pipeline parallelism;
 * - `/health` answers 503 while the model loads and 200 once it serves; `--metrics` enables the Prometheus
 *   `/metrics` with `llamacpp:requests_deferred` (requests waiting for a free slot).
 */
export function llamaCppRecipe(plan: ModelPlan, options: EngineOptions): ContainerRecipe {
  assertEngine(plan, 'llama-cpp');
  const repo = options.ggufRepo ?? plan.model.id;
  const file = requireOption(options.ggufFile, 'ggufFile', 'llama-cpp', 'llama.cpp serves one .gguf file from the hub repo', [
    `ggufFile: the .gguf file in ${repo}, e.g. 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf'`,
    "ggufRepo: the GGUF repo when it is not the model's own, e.g. 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF'",
  ]);
  const image = imageFor(options, LLAMA_CPP_IMAGE);
  const gpus = plan.acceleratorsPerReplica / plan.nodesPerReplica;

  const args = [
    '--hf-repo',
    repo,
    '--hf-file',
    file,
    '--alias',
    options.servedModelName,
    '--n-gpu-layers',
    String(ALL_GPU_LAYERS),
    '--ctx-size',
    String(plan.maxContextLength * plan.concurrency),
    '--parallel',
    String(plan.concurrency),
    ...(plan.pipelineParallel > 1 ? ['--split-mode', 'layer', '--tensor-split', Array.from({ length: gpus }, () => '1').join(',')] : []),
    '--metrics',
    '--host',
    '0.0.0.0',
    '--port',
    String(LLAMA_CPP_PORT),
  ];

  const cacheEnv: EnvVar[] = [literal('LLAMA_CACHE', cacheDir(options))];
  return finishRecipe(
    {
      engine: 'llama-cpp',
      args,
      env: [...scratchHomeEnv(), ...hfTokenEnv(options)],
      ...openAiHealthSurface(LLAMA_CPP_PORT),
      cacheEnv,
      accelerator: acceleratorRequest(plan),
      // One process; multi-GPU layer split goes through CUDA peer copies, not NCCL over /dev/shm.
      needsSharedMemory: false,
      // The server image has no USER; llama-server is a native binary that writes only LLAMA_CACHE and HOME.
      ...NON_ROOT_READ_ONLY,
      initSteps: [],
      initSeconds: LLAMA_CPP_INIT_SECONDS,
    },
    image,
    options,
  );
}
