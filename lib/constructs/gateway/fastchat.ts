import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { NON_ROOT_UID } from '../../engines/common';
import { FASTCHAT_CONTROLLER_PORT } from '../../engines/fastchat-vllm';
import { ValidationError } from '../../errors';
import { describeBackend, type IInferenceBackend } from '../inference-backend';
import type { FrontDoor, FrontDoorWorkload } from './front-door';
import {
  SCRATCH_PATH,
  checkFrontDoorInput,
  componentLabels,
  frontDoorContainer,
  httpService,
  podSpecBase,
  scratchVolume,
  secretEnv,
  serviceUrl,
  type FrontDoorContainerSpec,
  type FrontDoorInput,
} from './front-door-input';

/** `openai_api_server --port` default (fastchat/serve/openai_api_server.py `create_openai_api_server`). */
export const FASTCHAT_API_PORT = 8000;
/** Env var the API server's `--api-keys $(FASTCHAT_API_KEYS)` is expanded from (by the kubelet, not a shell). */
export const FASTCHAT_API_KEYS_ENV = 'FASTCHAT_API_KEYS';

/** Same build as the FastChat workers' (engine fastchat-vllm): FastChat publishes no image. */
const IMAGE_HINT = "image: the FastChat image your workers run, e.g. one built FROM vllm/vllm-openai:v0.6.2 + RUN pip install 'fschat[model_worker]==0.2.36'";

/**
 * Estimates (FastChat documents none): the controller keeps a dict of workers; the API server proxies
 * streams. Both import fastchat (and whatever the image's Python pulls in), hence the memory headroom.
 */
const CONTROLLER_RESOURCES = { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } };
const API_RESOURCES = { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } };

/**
 * FastChat's serving topology (lm-sys/FastChat docs/openai_api.md): a controller, the OpenAI-compatible
 * `openai_api_server`, and `vllm_worker`s (engine fastchat-vllm) that register with the controller.
 *
 * Who calls whom (fastchat/serve/*.py):
 * - workers -> controller: `/register_worker` at start and `/receive_heart_beat` every 30 s (re-registering
 *   when the controller answers `exist: false`), at the URL they are given (`controller.url`);
 * - API server -> controller: `/list_models`, `/get_worker_address`, `/refresh_all_workers`;
 * - API server -> workers, directly at their registered address: `/worker_generate_stream`,
 *   `/worker_get_conv_template`, `/model_details`, `/count_token`;
 * - controller -> workers: `/worker_get_status` (registration without status, `/refresh_all_workers`).
 * Hence callers = [API server, controller] and one internal hop API server -> controller.
 *
 * Decisions:
 * - One controller replica, `Recreate`: registrations live in the controller's memory (`self.worker_info`),
 *   so two controllers behind one Service would each know a different subset of workers. A restarted
 *   controller is repopulated within one heartbeat (workers re-register on `exist: false`).
 * - API keys: `--api-keys` is the only way (parsed with `s.split(",")`, then assigned over the settings), so
 *   the kubelet expands `$(FASTCHAT_API_KEYS)` in `args` from an env var set by `secretKeyRef` (Kubernetes
 *   docs, "Define a Command and Arguments for a Container": env vars, including from Secrets, can define
 *   arguments). No shell, no key in the manifest. The Secret value is a comma-separated list of keys.
 *   Caveat: the expanded keys are in the process argv and `openai_api_server` logs `args: Namespace(...)`
 *   at INFO, so they reach the pod's log; restrict log access accordingly.
 * - Probes: `GET /openapi.json` (FastAPI's default schema route) on both. The controller's routes are POST
 *   (`/list_models`, ...); its GET `/test_connection` exists only after FastChat 0.2.36. The API server's
 *   `GET /v1/models` needs the API key when keys are set (`dependencies=[Depends(check_api_key)]`, so 401 to
 *   a probe) and calls `/refresh_all_workers`, which polls every worker: not a probe.
 * - Non-root (UID 1000) with a read-only root filesystem: these processes only read site-packages and write
 *   their log file (`build_logger` -> `LOGDIR`, "." in older releases), so `LOGDIR`, the working directory
 *   and `HOME` point at the scratch emptyDir. An image that installed fschat only for root (`pip --user`)
 *   will not start as UID 1000.
 */
export function fastChat(scope: Construct, input: FrontDoorInput): FrontDoor {
  checkFrontDoorInput(input, 'fastchat-controller');
  const image = requireImage(input.image);
  for (const backend of input.backends) requireFastChatWorker(backend);
  const controller = controllerDeployment(scope, input, image);
  const api = apiServerDeployment(scope, input, image, controller.url);
  return {
    serviceName: api.name,
    port: FASTCHAT_API_PORT,
    entry: api,
    callers: [api, controller],
    internal: [{ from: api, to: controller }],
    controller,
  };
}

function requireFastChatWorker(backend: IInferenceBackend): void {
  if (backend.api.type === 'fastchat-worker') return;
  throw new ValidationError(
    'backend-not-fastchat',
    `backend ${describeBackend(backend)} is not a FastChat worker: it never registers with the FastChat controller, so the FastChat API server cannot route to it`,
    {
      field: 'backends',
      suggestions: backend.embedding
        ? ["an InferenceGateway with implementation 'litellm' for the embedding model (it routes embeddings to TEI), next to the FastChat one", "implementation: 'litellm' for every worker"]
        : ["implementation: 'litellm' (routes to any OpenAI-compatible backend)", `or serve '${backend.modelName}' with engine 'fastchat-vllm'`],
    },
  );
}

/** The controller: one replica, Recreate (registrations live in its memory). */
function controllerDeployment(scope: Construct, input: FrontDoorInput, image: string): FrontDoorWorkload & { readonly url: string } {
  const name = `${input.name}-fastchat-controller`;
  const { labels, podLabels } = componentLabels(input, 'fastchat', 'controller');
  deployment(scope, 'fastchat-controller', input, {
    name,
    labels,
    podLabels,
    replicas: 1,
    strategy: { type: 'Recreate' },
    container: {
      name: 'controller',
      image,
      command: ['python3', '-m', 'fastchat.serve.controller'],
      args: ['--host', '0.0.0.0', '--port', String(FASTCHAT_CONTROLLER_PORT)],
      env: pythonEnv(),
      port: FASTCHAT_CONTROLLER_PORT,
      resources: CONTROLLER_RESOURCES,
    },
  });
  httpService(scope, 'fastchat-controller-service', input, name, labels, podLabels, FASTCHAT_CONTROLLER_PORT);
  return { name, podLabels, port: FASTCHAT_CONTROLLER_PORT, url: serviceUrl(name, input.namespace, FASTCHAT_CONTROLLER_PORT) };
}

/** The OpenAI-compatible API server: asks the controller where each model's workers are. */
function apiServerDeployment(scope: Construct, input: FrontDoorInput, image: string, controllerUrl: string): FrontDoorWorkload {
  const name = `${input.name}-fastchat-api`;
  const { labels, podLabels } = componentLabels(input, 'fastchat', 'api-server');
  const keys = input.apiKeySecret;
  deployment(scope, 'fastchat-api', input, {
    name,
    labels,
    podLabels,
    // The gateway's HorizontalPodAutoscaler owns the API server's count (input.replicas is its minimum).
    replicas: undefined,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
    container: {
      name: 'api-server',
      image,
      command: ['python3', '-m', 'fastchat.serve.openai_api_server'],
      args: ['--host', '0.0.0.0', '--port', String(FASTCHAT_API_PORT), '--controller-address', controllerUrl, ...(keys ? ['--api-keys', `$(${FASTCHAT_API_KEYS_ENV})`] : [])],
      env: [...(keys ? [secretEnv(FASTCHAT_API_KEYS_ENV, keys)] : []), ...pythonEnv()],
      port: FASTCHAT_API_PORT,
      resources: API_RESOURCES,
    },
  });
  httpService(scope, 'fastchat-api-service', input, name, labels, podLabels, FASTCHAT_API_PORT);
  return { name, podLabels, port: FASTCHAT_API_PORT };
}

function requireImage(image: string | undefined): string {
  if (typeof image === 'string' && image.trim() !== '') return image;
  throw new ValidationError('missing-image', 'the fastchat implementation needs image: FastChat publishes no container image', {
    field: 'image',
    suggestions: [IMAGE_HINT],
  });
}

/** HOME, USER (getpass for an UID without a passwd entry), LOGDIR on the scratch volume; unbuffered logs. */
function pythonEnv(): k8s.EnvVar[] {
  return [
    { name: 'HOME', value: SCRATCH_PATH },
    { name: 'USER', value: 'fastchat' },
    { name: 'LOGDIR', value: SCRATCH_PATH },
    { name: 'PYTHONUNBUFFERED', value: '1' },
  ];
}

interface ComponentSpec {
  readonly name: string;
  readonly podLabels: Record<string, string>;
  readonly labels: Record<string, string>;
  /** Undefined when an autoscaler owns the count. */
  readonly replicas?: number;
  readonly strategy: k8s.DeploymentStrategy;
  readonly container: Omit<FrontDoorContainerSpec, 'probes' | 'workingDir' | 'runAsUser'>;
}

function deployment(scope: Construct, id: string, input: FrontDoorInput, spec: ComponentSpec): k8s.KubeDeployment {
  return new k8s.KubeDeployment(scope, id, {
    metadata: { name: spec.name, namespace: input.namespace, labels: spec.labels },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: spec.podLabels },
      strategy: spec.strategy,
      template: {
        metadata: { labels: spec.labels },
        spec: {
          ...podSpecBase(input, NON_ROOT_UID),
          containers: [frontDoorContainer({ ...spec.container, workingDir: SCRATCH_PATH, probes: { alive: '/openapi.json', ready: '/openapi.json' }, runAsUser: NON_ROOT_UID })],
          volumes: [scratchVolume],
        },
      },
    },
  });
}
