import { ValidationError } from '../errors';
import type { Accelerator } from '../catalog/types';
import type { ModelPlan } from '../sizing/types';
import { NON_ROOT_READ_ONLY, TEI_IMAGE_REPOSITORY, TEI_VERSION, acceleratorRequest, assertEngine, finishRecipe, hfTokenEnv, openAiHealthSurface, scratchHomeEnv, weightsRepo } from './common';
import { hfCacheEnv, hubCacheArgs, listenArgs } from './tgi';
import type { ContainerRecipe, EngineOptions } from './types';

/** TEI images set PORT=80; we listen on 8080 so no NET_BIND_SERVICE is needed (router `--port`, default 3000). */
export const TEI_PORT = 8080;
/** TEI serves Prometheus metrics on its own port (router `--prometheus-port`, default 9000). */
export const TEI_METRICS_PORT = 9000;

/** No compilation; "small docker images and fast boot times" (TEI README). Estimate. */
const TEI_INIT_SECONDS = 30;

/**
 * Image tag prefix per CUDA architecture (.github/workflows/matrix.json and the README "Docker Images"
 * table @ v1.9.3): turing- (7.5, experimental), none (Ampere 8.0), 86- (8.6), 89- (Ada 8.9), hopper- (9.0),
 * 100- (Blackwell 10.0, experimental), 120- (Blackwell 12.0, experimental). Volta and older are not
 * supported ("GPUs with CUDA compute capabilities < 7.5 are not supported").
 */
const TEI_ARCH_PREFIX: ReadonlyArray<{ readonly cc: number; readonly prefix: string }> = [
  { cc: 7.5, prefix: 'turing-' },
  { cc: 8.0, prefix: '' },
  { cc: 8.6, prefix: '86-' },
  { cc: 8.7, prefix: '86-' },
  { cc: 8.9, prefix: '89-' },
  { cc: 9.0, prefix: 'hopper-' },
  { cc: 10.0, prefix: '100-' },
  { cc: 12.0, prefix: '120-' },
];

/** The pinned TEI image built for the accelerator's compute capability. */
export function teiImageFor(accelerator: Accelerator): string {
  const cc = accelerator.computeCapability;
  const entry = cc === undefined ? undefined : TEI_ARCH_PREFIX.find((e) => Math.abs(e.cc - cc) < 1e-6);
  if (!entry) {
    throw new ValidationError(
      'unsupported-accelerator',
      `TEI ${TEI_VERSION} publishes no image for ${accelerator.id}` + (cc === undefined ? ' (not an NVIDIA GPU)' : ` (compute capability ${cc.toFixed(1)})`),
      {
        field: 'image',
        suggestions: [
          `image: a TEI image built for this GPU (docker build --build-arg CUDA_COMPUTE_CAP=<cc>, TEI Dockerfile-cuda)`,
          'or accelerator: T4 (7.5), A100 (8.0), A10G (8.6), L4/L40S (8.9), H100/H200 (9.0), B200 (10.0)',
        ],
      },
    );
  }
  return `${TEI_IMAGE_REPOSITORY}:${entry.prefix}${TEI_VERSION}`;
}

/**
 * Text Embeddings Inference (huggingface/text-embeddings-inference). OpenAI-compatible `/v1/embeddings`
 * under the served name (`--served-model-name`: "only used for the OpenAI-compatible endpoints");
 * `te_queue_size` is the queue gauge (TEI core queue.rs `metrics::gauge!("te_queue_size")`). No batch flags: the plan has nothing
 * to derive them from, and the sizing core budgets TEI's default 16384 `--max-batch-tokens`.
 */
export function teiRecipe(plan: ModelPlan, options: EngineOptions): ContainerRecipe {
  assertEngine(plan, 'tei');
  // The user's image skips the architecture lookup (and its refusal of unsupported GPUs).
  const image = options.image ?? teiImageFor(plan.accelerator);

  const args = [
    '--model-id',
    weightsRepo(plan, options),
    '--served-model-name',
    options.servedModelName,
    ...listenArgs(TEI_PORT),
    '--prometheus-port',
    String(TEI_METRICS_PORT),
    ...hubCacheArgs(options),
  ];

  const cacheEnv = hfCacheEnv(options);
  return finishRecipe(
    {
      engine: 'tei',
      args,
      // TEI reads HF_TOKEN (router/src/main.rs `hf_token`, clap env @ v1.9.3); HUGGING_FACE_HUB_TOKEN is
      // read by Python huggingface_hub only, which this Rust router does not use.
      env: [...scratchHomeEnv(), ...hfTokenEnv(options)],
      ...openAiHealthSurface(TEI_PORT, TEI_METRICS_PORT),
      cacheEnv,
      accelerator: acceleratorRequest(plan),
      needsSharedMemory: false,
      // A native Rust router (no Python under /root) that writes only the hub cache and a /tmp socket.
      ...NON_ROOT_READ_ONLY,
      initSteps: [],
      initSeconds: TEI_INIT_SECONDS,
    },
    image,
    options,
  );
}
