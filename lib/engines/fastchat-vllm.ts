import { ValidationError } from '../errors';
import type { ModelPlan } from '../sizing/types';
import { SCRATCH_DIR, acceleratorRequest, assertEngine, cacheDir, finishRecipe, hfTokenEnv, literal, requireOption, weightsRepo } from './common';
import { pythonNonRootEnv, vllmEngineArgs } from './vllm';
import type { ContainerRecipe, EngineOptions, EnvVar } from './types';

/** `fastchat.serve.vllm_worker` default `--port` (fastchat/serve/vllm_worker.py). */
export const FASTCHAT_WORKER_PORT = 21002;

/** The controller's default port (`--controller-address` default `http://localhost:21001`). */
export const FASTCHAT_CONTROLLER_PORT = 21001;

/** Same engine start as vLLM, without torch.compile in the vLLM releases FastChat still works with. Estimate. */
const FASTCHAT_INIT_SECONDS = 120;

/** How to build the image FastChat does not publish. */
const FASTCHAT_IMAGE_HINT =
  "build one: FROM vllm/vllm-openai:v0.6.2 + RUN pip install 'fschat[model_worker]==0.2.36' " +
  '(FastChat 0.2.36 passes use_beam_search to SamplingParams, removed in later vLLM: lm-sys/FastChat issues #3600, #3631)';

/**
 * A FastChat worker (lm-sys/FastChat `python3 -m fastchat.serve.vllm_worker`) that registers with a
 * FastChat controller; the controller's `openai_api_server` is the OpenAI endpoint, not this container.
 *
 * Flags (fastchat/serve/vllm_worker.py argparse): `--model-path`, `--model-names` (comma separated),
 * `--num-gpus` (> 1 sets tensor_parallel_size), `--controller-address` (not `--controller`),
 * `--worker-address`, `--host`, `--port`, then `AsyncEngineArgs.add_cli_args(parser)`, i.e. vLLM's own
 * engine flags (`--gpu-memory-utilization`, `--max-model-len`, `--quantization`, ...).
 *
 * Decisions:
 * - `image` is required: FastChat publishes no image (its docker/Dockerfile is a local build) and its last
 *   release only runs on old vLLM, so any default would be a guess that fails at pull or at first request.
 * - `controllerUrl` is required: the worker is useless unregistered and the controller's Service name
 *   belongs to the construct that creates it.
 * - `workerAddress` defaults to this pod's IP, resolved at start by a shell wrapper: the controller calls
 *   workers back directly, and pods of one Deployment have no stable per-pod DNS name.
 * - Probes: the worker has no /health and its status route is POST-only (`/worker_get_status`). FastAPI's
 *   default GET `/openapi.json` answers once uvicorn runs, and uvicorn starts only after
 *   `AsyncLLMEngine.from_engine_args` returned (end of vllm_worker.py), i.e. with the model loaded and the
 *   worker registered. Better than a TCP check, which the recipe cannot express anyway.
 * - No Prometheus metrics and no OpenAI API on the worker: those fields stay undefined.
 */
export function fastchatVllmRecipe(plan: ModelPlan, options: EngineOptions): ContainerRecipe {
  assertEngine(plan, 'fastchat-vllm');
  const image = requireOption(options.image, 'image', 'fastchat-vllm', 'FastChat publishes no container image', [FASTCHAT_IMAGE_HINT]);
  const controllerUrl = requireOption(options.controllerUrl, 'controllerUrl', 'fastchat-vllm', 'the worker registers with a FastChat controller', [
    `controllerUrl: e.g. 'http://fastchat-controller:${FASTCHAT_CONTROLLER_PORT}' (the controller Service)`,
  ]);
  if (plan.quantization.startsWith('gguf-')) {
    throw new ValidationError('unsupported-quantization', `fastchat-vllm does not serve GGUF weights ('${plan.quantization}')`, {
      field: 'quantization',
      suggestions: ['engine llama-cpp or ollama for GGUF', 'or quantization awq/gptq with fastchat-vllm'],
    });
  }

  const args = [
    '--model-path',
    weightsRepo(plan, options),
    '--model-names',
    options.servedModelName,
    '--num-gpus',
    String(plan.tensorParallel),
    '--controller-address',
    controllerUrl,
    ...(options.workerAddress ? ['--worker-address', options.workerAddress] : []),
    '--host',
    '0.0.0.0',
    '--port',
    String(FASTCHAT_WORKER_PORT),
    ...vllmEngineArgs(plan),
  ];

  const module = ['python3', '-m', 'fastchat.serve.vllm_worker'];
  const command = options.workerAddress
    ? module
    : [
        '/bin/sh',
        '-c',
        // The pod IP from /etc/hosts (kubelet maps the pod hostname to it); "$@" carries the args below.
        'POD_IP="${POD_IP:-$(python3 -c \'import socket; print(socket.gethostbyname(socket.gethostname()))\')}"; ' +
          `exec ${module.join(' ')} --worker-address "http://$POD_IP:${FASTCHAT_WORKER_PORT}" "$@"`,
        'fastchat-vllm-worker',
      ];

  const cacheEnv: EnvVar[] = [literal('HF_HOME', cacheDir(options))];
  const env: EnvVar[] = [
    ...pythonNonRootEnv('fastchat'),
    // vLLM >= 0.8 defaults to the V1 engine, whose AsyncLLM lacks the `.engine` FastChat reads
    // (lm-sys/FastChat issue #3704, fix PR #3716 sets VLLM_USE_V1=0); harmless on older vLLM.
    literal('VLLM_USE_V1', '0'),
    ...hfTokenEnv(options),
  ];

  return finishRecipe(
    {
      engine: 'fastchat-vllm',
      command,
      args,
      env,
      ports: { http: FASTCHAT_WORKER_PORT },
      readyPath: '/openapi.json',
      healthPath: '/openapi.json',
      cacheEnv,
      accelerator: acceleratorRequest(plan),
      needsSharedMemory: plan.tensorParallel * plan.pipelineParallel > 1,
      rootReason: 'the image is user-built (FastChat publishes none); whether it runs as non-root is up to that image',
      readOnlyRootFilesystem: false,
      writablePaths: [SCRATCH_DIR],
      initSteps: [],
      initSeconds: FASTCHAT_INIT_SECONDS,
    },
    image,
    options,
  );
}
