import type { ModelPlan } from '../sizing/types';

/** A reference to one key of a Kubernetes Secret. Secret values never appear in manifests. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** An environment variable: a literal (never a secret) or a Secret reference. */
export type EnvVar = { readonly name: string; readonly value: string } | { readonly name: string; readonly secretKeyRef: SecretKeyRef };

/** What the construct tells an engine adapter besides the plan. */
export interface EngineOptions {
  /** Name clients use in the OpenAI API (`"model": ...`), e.g. `mistral-7b-instruct`. */
  readonly servedModelName: string;
  /** Where the model cache volume is mounted (weights downloaded once, reused across restarts). */
  readonly cachePath: string;
  /** Hugging Face token, by reference. */
  readonly hfTokenSecret?: SecretKeyRef;
  /** Replaces the pinned default image. */
  readonly image?: string;
  /** Appended after the derived args (later flags win in every engine's parser). */
  readonly extraArgs?: readonly string[];
  /** Added after the derived env (same name: the extra one wins). */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /**
   * Hub repo of the weights when it is not the model's own, e.g. an AWQ export
   * (`hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4`). Required for AWQ, GPTQ and int8 (W8A8).
   * @default the plan's model id
   */
  readonly checkpoint?: string;
  /** GGUF engines: the file inside the hub repo, e.g. `Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf`. */
  readonly ggufFile?: string;
  /**
   * GGUF engines: the hub repo that holds `ggufFile` (and, for Ollama, the `hf.co/<repo>:<quant>` source),
   * e.g. `bartowski/Meta-Llama-3.1-8B-Instruct-GGUF`. Base-model repos rarely ship GGUF files.
   * @default the plan's model id
   */
  readonly ggufRepo?: string;
  /**
   * Ollama: the model to `ollama pull`, e.g. `llama3.1:8b` or `hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M`.
   * It is copied to `servedModelName`, so clients use the same name as with every other engine.
   * @default `hf.co/<ggufRepo>:<quant of the plan>` when `ggufRepo` is set
   */
  readonly ollamaModel?: string;
  /**
   * Download the checkpoint in an init container (with a timeout per attempt and retries) so the server
   * starts with the weights on the cache volume. Engines whose image ships Python and huggingface_hub
   * only (vllm, tgi, tgi-neuron, fastchat-vllm).
   */
  readonly prefetch?: { readonly timeoutSeconds: number; readonly retries: number };
  /**
   * Triton + TensorRT-LLM: a directory of engines already built for this plan (`config.json` and one
   * `rank<N>.engine` per GPU, i.e. TP x PP), relative to the model cache mount (e.g. a claim mounted with
   * `modelCache: { type: 'existingClaim', claimName }`) or absolute. The checkpoint conversion and
   * `trtllm-build` are then skipped, and the server fails at start, naming the directory, when the
   * engines are not there.
   * @default engines are built at start into `<cache>/trtllm-engines/...`, a directory keyed by TP and PP
   */
  readonly trtllmEngineDir?: string;
  /** FastChat workers: the controller URL they register with. */
  readonly controllerUrl?: string;
  /** FastChat workers: the URL the controller reaches this worker at. */
  readonly workerAddress?: string;
}

/** An init container the engine needs before the server starts (e.g. `ollama pull`). */
export interface InitStep {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly EnvVar[];
}

/**
 * Everything a construct needs to run one model server, derived from the plan: pure data, no cdk8s.
 * Each engine adapter (one file per engine) produces one.
 */
export interface ContainerRecipe {
  readonly engine: ModelPlan['engine'];
  readonly image: string;
  /** Replaces the image entrypoint when set. */
  readonly command?: readonly string[];
  readonly args: readonly string[];
  readonly env: readonly EnvVar[];
  /** Container port of the HTTP API, and of Prometheus metrics (may be the same port; none for FastChat workers). */
  readonly ports: { readonly http: number; readonly metrics?: number; /** Triton's gRPC endpoint. */ readonly grpc?: number };
  /** HTTP paths: ready = model loaded and serving; health = process alive (cheap). */
  readonly readyPath: string;
  readonly healthPath: string;
  /** Prometheus metrics path, when the engine exports metrics. */
  readonly metricsPath?: string;
  /** Base path of the OpenAI-compatible API, or undefined when the engine speaks its own API. */
  readonly openAiBasePath?: string;
  /**
   * Env var that points the engine's download cache at the model cache volume. Not repeated in `env` or
   * in init steps' env: constructs add it to the main container and to every init step.
   */
  readonly cacheEnv: readonly EnvVar[];
  /** Extended resource and count per pod (from the plan). */
  readonly accelerator: { readonly resource: string; readonly count: number };
  /** Needs a memory-backed /dev/shm (NCCL for TP > 1, PyTorch data loaders). */
  readonly needsSharedMemory: boolean;
  /**
   * Security: the UID the image runs as when it supports non-root (undefined = the image needs root;
   * the reason is in `rootReason`), and whether its root filesystem can be read-only given `writablePaths`.
   */
  readonly runAsUser?: number;
  readonly rootReason?: string;
  readonly readOnlyRootFilesystem: boolean;
  /** Paths that must be writable (each gets an emptyDir) besides the cache. */
  readonly writablePaths: readonly string[];
  readonly initSteps: readonly InitStep[];
  /**
   * Bytes the pod downloads onto the cache volume (weights as fetched, duplicate copies included; see
   * `downloadPlan`). Set by `recipeFor`; cache sizes and startup budgets read it.
   */
  readonly downloadBytes?: number;
  /** What will likely fail on a cluster although the manifest is valid (e.g. a gated model without a token); constructs warn at synth. */
  readonly warnings?: readonly string[];
  /** Seconds the engine needs after weights are on disk before it serves (compile, CUDA graphs, warm-up). */
  readonly initSeconds: number;
}
