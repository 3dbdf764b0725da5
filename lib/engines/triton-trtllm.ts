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
} from './common';
import type { ContainerRecipe, EngineOptions, EnvVar } from './types';

/** Triton's default ports: HTTP/REST 8000, gRPC 8001, Prometheus metrics 8002. */
export const TRITON_HTTP_PORT = 8000;
export const TRITON_GRPC_PORT = 8001;
export const TRITON_METRICS_PORT = 8002;

/** Deserialising TensorRT-LLM engines and warming up. Estimate. */
const TRITON_INIT_SECONDS = 180;

/** Where the model repository lives on the cache volume (built by a later step; see the issue tracker). */
export function tritonModelRepository(options: EngineOptions): string {
  return joinPath(options.cachePath, 'triton-model-repository');
}

/**
 * Minimal Triton + TensorRT-LLM recipe: the server, its ports, probes and metrics. Building the engines
 * and the model repository (trtllm-build, the ensemble/tensorrt_llm configs) is a later issue.
 * KServe v2 health routes `/v2/health/ready` (models ready) and `/v2/health/live`; Prometheus metrics on
 * their own port; `nv_inference_queue_duration_us` is the cumulative queue time counter.
 */
export function tritonTrtllmRecipe(plan: ModelPlan, options: EngineOptions): ContainerRecipe {
  assertEngine(plan, 'triton-trtllm');
  const image = imageFor(options, TRITON_TRTLLM_IMAGE);

  const args = [
    `--model-repository=${tritonModelRepository(options)}`,
    `--http-port=${TRITON_HTTP_PORT}`,
    `--grpc-port=${TRITON_GRPC_PORT}`,
    `--metrics-port=${TRITON_METRICS_PORT}`,
  ];

  const cacheEnv: EnvVar[] = [literal('HF_HOME', cacheDir(options))];
  return finishRecipe(
    {
      engine: 'triton-trtllm',
      command: ['tritonserver'],
      args,
      env: [...scratchHomeEnv(), ...hfTokenEnv(options)],
      ports: { http: TRITON_HTTP_PORT, metrics: TRITON_METRICS_PORT },
      readyPath: '/v2/health/ready',
      healthPath: '/v2/health/live',
      metricsPath: '/metrics',
      queueMetric: 'nv_inference_queue_duration_us',
      // No openAiBasePath: Triton speaks the KServe v2 protocol; its OpenAI frontend is a separate process.
      cacheEnv,
      accelerator: acceleratorRequest(plan),
      // The Python backend (TRT-LLM pre/post-processing models) exchanges tensors with Triton through
      // /dev/shm, and multi-GPU engines use NCCL.
      needsSharedMemory: true,
      // The NGC image ships the `triton-server` user with UID 1000; other UIDs fail in the entrypoint
      // (triton-inference-server/server issue #2600), which also writes symlinks under /opt/tritonserver,
      // hence a writable root filesystem.
      runAsUser: NON_ROOT_UID,
      readOnlyRootFilesystem: false,
      writablePaths: [SCRATCH_DIR],
      initSteps: [],
      initSeconds: TRITON_INIT_SECONDS,
      multiNode: false,
    },
    image,
    options,
  );
}
