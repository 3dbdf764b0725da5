import type { IConstruct } from 'constructs';
import type { SecretKeyRef } from '../engines/types';
import type { Engine } from '../sizing/types';

/** The API a backend speaks, as far as a gateway is concerned. */
export type BackendApi =
  /** OpenAI-compatible under `baseUrl` (`…/v1`); `model` is the name the server expects in requests. */
  | { readonly type: 'openai'; readonly baseUrl: string; readonly model: string }
  /** A FastChat model worker: it registers with a FastChat controller, whose API server routes to it. */
  | { readonly type: 'fastchat-worker' }
  /** Another protocol (`name`): `reason` says why no gateway here routes to it, `suggestions` what would work. */
  | { readonly type: 'other'; readonly name: string; readonly reason: string; readonly suggestions: readonly string[] };

/** A backend's pods in this cluster: what a gateway's Services, routes and NetworkPolicies point at. */
export interface BackendPods {
  /** The model server the pods run. */
  readonly engine: Engine;
  readonly serviceName: string;
  readonly namespace: string;
  readonly httpPort: number;
  /** Container port of the Prometheus metrics, when there are any. */
  readonly metricsPort?: number;
  readonly podLabels: Readonly<Record<string, string>>;
  /** One replica spans several pods (LeaderWorkerSet): they talk to each other (Ray, NCCL) on any port. */
  readonly multiNode: boolean;
}

/** What a gateway tells a backend it routes to. */
export interface GatewayAttachment {
  /** The gateway's object-name prefix. */
  readonly name: string;
  /** FastChat: the controller URL its workers register with. */
  readonly fastChatControllerUrl?: string;
}

/**
 * A model server a gateway can route to, by served model name: an `LlmWorker`, an `AutoscaledTriton`, or an
 * `ExternalModel` (an OpenAI-compatible endpoint outside the stack).
 */
export interface IInferenceBackend extends IConstruct {
  /** Served model name: the `"model"` clients send to the gateway. */
  readonly modelName: string;
  /** The name was chosen on purpose: several backends may then share it (see model-names.ts). */
  readonly servedModelNameSet: boolean;
  /** What is served (a Hugging Face id, or the endpoint's own model name): equal names must mean equal models. */
  readonly modelId: string;
  /** An embedding model (routed as embeddings, never as chat). */
  readonly embedding: boolean;
  readonly api: BackendApi;
  /** Its pods, when it runs in this cluster. */
  readonly pods?: BackendPods;
  /** Key the gateway presents to it (external endpoints), by reference. */
  readonly apiKeySecret?: SecretKeyRef;
  /** Called by a gateway that routes to this backend (once its own checks passed). */
  attachGateway(gateway: GatewayAttachment): void;
}

/** Duck-typed (no `instanceof`, so any implementation counts): for the gateway's runtime check of JavaScript callers. */
export function isInferenceBackend(value: unknown): value is IInferenceBackend {
  if (typeof value !== 'object' || value === null || !('node' in value)) return false;
  const candidate = value as Partial<Record<keyof IInferenceBackend, unknown>>;
  return typeof candidate.modelName === 'string' && typeof candidate.attachGateway === 'function' && typeof candidate.api === 'object' && candidate.api !== null;
}

/** For messages: `'bge' (tei, embeddings, model 'bge-base-en-v1.5')`, `'gpt' (external, model 'gpt-4o-mini')`. */
export function describeBackend(backend: IInferenceBackend): string {
  return `'${backend.node.id}' (${backend.pods?.engine ?? 'external'}${backend.embedding ? ', embeddings' : ''}, model '${backend.modelName}')`;
}

/**
 * The API of an engine without an OpenAI-compatible one. Triton's refusal, with its reasoning: no front door
 * here translates the KServe v2 protocol.
 */
export function nonOpenAiApi(engine: Engine): BackendApi {
  if (engine === 'triton-trtllm') {
    return {
      type: 'other',
      name: "Triton's KServe v2 protocol (POST /v2/models/ensemble/generate), not the OpenAI API",
      reason:
        'no front door here is known to translate for it: LiteLLM\'s triton/ provider (litellm/llms/triton/completion/transformation.py) sends max_tokens inside the generate request\'s "parameters", while the TensorRT-LLM ensemble (tensorrtllm_backend v0.17.0, all_models/inflight_batcher_llm/ensemble/config.pbtxt) declares max_tokens a required input',
      suggestions: [
        'internal: true on the AutoscaledTriton: clients of the namespace call its generate endpoint directly',
        "engine: 'vllm' on an LlmWorker for an OpenAI-compatible model behind a gateway",
      ],
    };
  }
  return {
    type: 'other',
    name: `${engine}'s own API, not the OpenAI API`,
    reason: 'a gateway routes OpenAI requests by their "model"',
    suggestions: ['an engine that speaks the OpenAI API (vllm, tgi, tei, llama-cpp, ollama)', 'internal: true to call it directly'],
  };
}
