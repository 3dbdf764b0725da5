import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { ValidationError } from '../../errors';
import { describeBackend, type BackendApi, type IInferenceBackend } from '../inference-backend';
import type { FrontDoor, FrontDoorWorkload } from './front-door';
import { SCRATCH_PATH, checkFrontDoorInput, componentLabels, frontDoorContainer, httpService, podSpecBase, scratchVolume, secretEnv, type FrontDoorInput } from './front-door-input';
import { GATEWAY_REQUEST_TIMEOUT_SECONDS } from './ingress-annotations';

/**
 * LiteLLM proxy 1.108.12, the non-root build. 1.108.x is LiteLLM's LTS line ("1.108.12 (LTS)" release notes,
 * signed; "Same command for litellm-database, litellm-non_root": the non-root image is published per release).
 * Tags are plain `v<semver>` since 1.84.0 (docs.litellm.ai/blog/cleaner-release-versions: the old
 * `main-v1.x-stable` suffix was dropped). Not 1.82.7/1.82.8 (the March 2026 PyPI supply-chain incident).
 */
export const LITELLM_IMAGE = 'ghcr.io/berriai/litellm-non_root:v1.108.12';

/** `USER nobody` in BerriAI/litellm docker/Dockerfile.non_root; docker/tests/nonroot.yaml checks uid 65534. */
const LITELLM_UID = 65534;
/** The proxy's default port (`EXPOSE 4000`, `CMD ["--port", "4000"]` in the Dockerfiles). */
export const LITELLM_PORT = 4000;
const CONFIG_DIR = '/etc/litellm';
const CONFIG_KEY = 'config.yaml';
/** Env var the config's `master_key: os.environ/LITELLM_MASTER_KEY` reads (LiteLLM's `os.environ/` indirection). */
export const LITELLM_MASTER_KEY_ENV = 'LITELLM_MASTER_KEY';
/**
 * The config sets LiteLLM's request timeout to 600 s; docs.litellm.ai/docs/proxy/prod ("Keep restarts hitless")
 * sets terminationGracePeriodSeconds 620 so in-flight requests drain on SIGTERM.
 */
const TERMINATION_GRACE_SECONDS = GATEWAY_REQUEST_TIMEOUT_SECONDS + 20;
/** docs.litellm.ai/docs/proxy/prod "Recommended Machine Specifications": 1 CPU and 4 GiB per worker, requests = limits. */
const LITELLM_RESOURCES = { cpu: '1', memory: '4Gi' };

/**
 * Provider prefix of in-cluster backends and of external ones without a key: `hosted_vllm/`. Every engine behind
 * LiteLLM here serves an OpenAI-compatible API at its base URL (…/v1). `openai/` would work too, but the OpenAI
 * client it uses "requires an API key for all requests" (docs.litellm.ai/docs/providers/openai_compatible), i.e.
 * a dummy `api_key` in the config; `hosted_vllm` defaults to `fake-api-key` and sends no Authorization header for
 * embeddings (litellm/llms/hosted_vllm/{chat,embedding}/transformation.py), and its embedding handler never
 * adds `encoding_format` (hosted_vllm/embedding/README.md), which some OpenAI-compatible servers reject.
 * LiteLLM strips the prefix and sends `"model": <served name>` to the backend.
 */
const PROVIDER_PREFIX = 'hosted_vllm/';
/**
 * Provider prefix of an external endpoint with a key: `openai/`, LiteLLM's provider for "OpenAI-compatible
 * endpoints" (docs.litellm.ai/docs/providers/openai_compatible: `model: openai/<name>`, `api_base`, `api_key`),
 * whose OpenAI client sends the key as a bearer token on every call. Not `hosted_vllm/`: it rewrites requests
 * for vLLM (drops `strict` and `additionalProperties` from tool schemas, hosted_vllm/chat/transformation.py),
 * which a hosted OpenAI-compatible API does not need.
 */
const KEYED_PROVIDER_PREFIX = 'openai/';

/**
 * Env var of the n-th backend's API key. The config says `api_key: os.environ/<VAR>`: the proxy resolves every
 * `os.environ/` string of a `litellm_params` at startup (BerriAI/litellm litellm/proxy/proxy_server.py
 * `ProxyConfig.load_config`, "LOAD FROM os.environ/": `get_secret(v)` for each value starting with
 * `os.environ/`; docs/proxy/configs.md: `api_key: "os.environ/AZURE_API_KEY_EU" # does os.getenv(...)`), so the
 * key stays in its Secret. Read in several versions of that file the team's source index holds (the v1.108.12
 * tag itself could not be fetched here); the same indirection serves `master_key` above.
 */
export function backendKeyEnv(index: number): string {
  return `LITELLM_BACKEND_${index}_API_KEY`;
}

export interface LiteLlmConfigOptions {
  /** Require the master key (from `LITELLM_MASTER_KEY`). @default true */
  readonly authenticated?: boolean;
}

/** The LiteLLM proxy config as data (pure): JSON is YAML, so `JSON.stringify` of it is a valid config.yaml. */
export function liteLlmConfig(backends: readonly IInferenceBackend[], options: LiteLlmConfigOptions = {}): object {
  const modelList = backends.map((backend, i) => {
    const api = requireOpenAi(backend);
    const keyed = backend.apiKeySecret !== undefined;
    return {
      model_name: backend.modelName,
      litellm_params: {
        model: `${keyed ? KEYED_PROVIDER_PREFIX : PROVIDER_PREFIX}${api.model}`,
        api_base: api.baseUrl,
        ...(keyed ? { api_key: `os.environ/${backendKeyEnv(i)}` } : {}),
      },
      // `mode: embedding` makes health checks and routing treat it as an embedding model (docs/proxy/health.md).
      ...(backend.embedding ? { model_info: { mode: 'embedding' } } : {}),
    };
  });
  return {
    model_list: modelList,
    // Set, not assumed: the SDK's own default is 6000 s (litellm/__init__.py `request_timeout`), and the proxy
    // takes `litellm_settings.request_timeout` as its default for every call (docs/proxy/timeout). The
    // Ingress timeouts and the pod's termination grace period are sized from it.
    litellm_settings: { request_timeout: GATEWAY_REQUEST_TIMEOUT_SECONDS },
    // The key stays in the Secret: LiteLLM resolves `os.environ/<VAR>` at startup. LiteLLM expects it to start with `sk-`.
    ...((options.authenticated ?? true) ? { general_settings: { master_key: `os.environ/${LITELLM_MASTER_KEY_ENV}` } } : {}),
  };
}

function requireOpenAi(backend: IInferenceBackend): Extract<BackendApi, { type: 'openai' }> {
  const api = backend.api;
  if (api.type === 'openai') return api;
  const suggestions =
    api.type === 'fastchat-worker'
      ? [
          "implementation: { type: 'fastchat', image } (FastChat workers register with a FastChat controller; its openai_api_server is their OpenAI API)",
          `or serve '${backend.modelName}' with engine 'vllm', which LiteLLM can route to`,
        ]
      : [`serve '${backend.modelName}' with an engine that speaks the OpenAI API (vllm, tgi, tei, llama-cpp, ollama)`, "or implementation: { type: 'gateway-api', parentRef }"];
  throw new ValidationError('backend-without-openai-api', `backend ${describeBackend(backend)} has no OpenAI-compatible API: LiteLLM cannot route to it`, {
    field: 'backends',
    suggestions,
  });
}

/** The master key and each external backend's key, from their Secrets. */
function keyEnv(input: FrontDoorInput): k8s.EnvVar[] {
  const backendKeys = input.backends.flatMap((b, i) => (b.apiKeySecret ? [secretEnv(backendKeyEnv(i), b.apiKeySecret)] : []));
  return [...(input.apiKeySecret ? [secretEnv(LITELLM_MASTER_KEY_ENV, input.apiKeySecret)] : []), ...backendKeys];
}

/**
 * LiteLLM proxy in front of OpenAI-compatible backends: a ConfigMap with the generated config.yaml, a
 * Deployment (non-root, read-only root filesystem) and a ClusterIP Service. No database: the master key
 * authenticates clients; virtual keys, spend tracking and the admin UI need Postgres and are out of scope.
 */
export function liteLlm(scope: Construct, input: FrontDoorInput): FrontDoor {
  checkFrontDoorInput(input, 'litellm');
  const name = `${input.name}-litellm`;
  const { podLabels, labels } = componentLabels(input, 'litellm', 'gateway');
  const config = JSON.stringify(liteLlmConfig(input.backends, { authenticated: input.apiKeySecret !== undefined }), null, 2);

  const configMap = new k8s.KubeConfigMap(scope, 'litellm-config', {
    metadata: { name: `${name}-config`, namespace: input.namespace, labels },
    data: { [CONFIG_KEY]: config },
  });

  new k8s.KubeDeployment(scope, 'litellm', {
    metadata: { name, namespace: input.namespace, labels },
    spec: {
      // No `replicas`: the gateway's HorizontalPodAutoscaler owns the count (input.replicas is its minimum).
      // A replicas field would scale the Deployment back on every apply (Kubernetes docs, "Horizontal Pod
      // Autoscaling", Migrating Deployments and StatefulSets to horizontal autoscaling).
      selector: { matchLabels: podLabels },
      // New pods ready before old ones go (docs/proxy/prod rolling-update snippet).
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
      template: {
        metadata: {
          labels,
          // LiteLLM reads its config once at startup: a changed config must roll the pods.
          annotations: { 'checksum/config': createHash('sha256').update(config).digest('hex') },
        },
        spec: {
          ...podSpecBase(input, LITELLM_UID),
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          containers: [liteLlmContainer(input)],
          volumes: [{ name: 'config', configMap: { name: configMap.name } }, scratchVolume],
        },
      },
    },
  });
  httpService(scope, 'litellm-service', input, name, labels, podLabels, LITELLM_PORT);

  const proxy: FrontDoorWorkload = { name, podLabels, port: LITELLM_PORT };
  return { serviceName: name, port: LITELLM_PORT, entry: proxy, callers: [proxy], internal: [] };
}

/** The proxy's container: the pinned non-root image, its config, keys from Secrets, LiteLLM's own probes. */
function liteLlmContainer(input: FrontDoorInput): k8s.Container {
  return frontDoorContainer({
    name: 'litellm',
    image: input.image ?? LITELLM_IMAGE,
    // The image's entrypoint (docker/prod_entrypoint.sh) execs `litellm "$@"`. One Uvicorn worker per pod,
    // scale with replicas (docs/proxy/prod "3a. Recommended: one Uvicorn worker per pod").
    args: ['--config', `${CONFIG_DIR}/${CONFIG_KEY}`, '--port', String(LITELLM_PORT), '--num_workers', '1'],
    env: [
      ...keyEnv(input),
      // Disables load_dotenv() (docs/proxy/prod "Disable 'load_dotenv'").
      { name: 'LITELLM_MODE', value: 'PRODUCTION' },
      // Use the bundled model cost map instead of fetching it from GitHub at startup (pricing is irrelevant
      // for self-hosted models, and the pod may have no egress).
      { name: 'LITELLM_LOCAL_MODEL_COST_MAP', value: 'True' },
      // Read-only root filesystem: caches go to the scratch emptyDir (docs/proxy/prod "Read-only File System").
      { name: 'XDG_CACHE_HOME', value: `${SCRATCH_PATH}/.cache` },
    ],
    port: LITELLM_PORT,
    resources: { requests: LITELLM_RESOURCES, limits: LITELLM_RESOURCES },
    // /health/liveliness: process alive, no calls; /health/readiness: ready to accept requests (checks the DB
    // when there is one). Both unauthenticated (docs/proxy/health.md). /health itself calls every model: never a probe.
    probes: { alive: '/health/liveliness', ready: '/health/readiness' },
    // Lets endpoints drop the pod before the server stops accepting (docs/proxy/prod "Keep restarts hitless").
    lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 5'] } } },
    volumeMounts: [{ name: 'config', mountPath: CONFIG_DIR, readOnly: true }],
    // The non-root image pre-builds the admin UI (marker `.litellm_ui_ready`, PR #19449) so nothing is
    // restructured at runtime; without a database there are no Prisma migrations to write.
    runAsUser: LITELLM_UID,
  });
}
