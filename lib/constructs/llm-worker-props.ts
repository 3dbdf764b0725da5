/** The props of LlmWorker (its own file: the construct imports it, so do its plan and tests). */
import type { SecretKeyRef } from '../engines/types';
import type { PlanRequest } from '../sizing/types';
import type { AutoscalingProps } from './autoscaling';
import type { Peer } from './gateway/network-policies';
import type { GpuNodePool } from './gpu-node-pool';
import type { ModelCache } from './model-cache';

/**
 * The sizing fields (`model`, `engine`, `accelerator`, `instanceType`, `quantization`,
 * `maxContextLength`, `concurrency`, `tensorParallel`, `pipelineParallel`, `gpuMemoryUtilization`,
 * `kvCacheDtype`, `acceleratorsPerNode`) mean exactly what they mean in `PlanRequest`; a named
 * `instanceType` also pins the pods to it.
 */
export interface LlmWorkerProps extends Omit<PlanRequest, 'instanceTypes'> {
  /**
   * Run on this pool: planned on its instance types (or on-prem accelerator and node size), placed on
   * its nodes, tolerating its taint, and counted against its capacity at synth.
   * @default scheduled on any node with the planned accelerator
   */
  readonly nodePool?: GpuNodePool;
  /**
   * Reachable from any pod of its namespace without a gateway (a stack's default-deny policy would
   * otherwise isolate it). @default false: only its gateway may call it
   */
  readonly internal?: boolean;
  /**
   * Who may scrape the metrics port while no gateway fronts the worker (or it is internal).
   * @default pods of the namespace named `monitoring`
   */
  readonly monitoring?: Peer;
  /** Fixed replica count; with `autoscaling` the autoscaler owns it instead. @default 1 (with `workload`: the replicas that meet its SLO) */
  readonly replicas?: number;
  /**
   * Scale on the engine's queue depth (HPA via prometheus-adapter, or KEDA). With `workload`,
   * `maxReplicas` defaults to the replicas that meet its SLO, `minReplicas` to 1, and `target` (queue
   * depth) to what one replica can let wait within the TTFT target (lib/performance/scaling.ts).
   * @default fixed `replicas`
   */
  readonly autoscaling?: Partial<AutoscalingProps>;
  /** Name clients send as `"model"`. @default the hub id's last segment, lowercased */
  readonly servedModelName?: string;
  /** Object name. @default `<chart id>-<construct id>` */
  readonly name?: string;
  /** Hugging Face token, by reference only. @default no token (public models only; a gated model warns at synth) */
  readonly hfTokenSecret?: SecretKeyRef;
  /** Names of docker-registry Secrets. @default none */
  readonly imagePullSecrets?: readonly string[];
  /** Where weights are cached. @default { type: 'emptyDir' } sized from the weights */
  readonly modelCache?: ModelCache;
  /** Hub repo of the weights when not the model's own (required for AWQ, GPTQ, int8). @default the model id */
  readonly checkpoint?: string;
  /** GGUF file inside `ggufRepo` (llama-cpp, GGUF on vLLM). @default none (required for GGUF quantizations) */
  readonly ggufFile?: string;
  /** Triton: folder of prebuilt TensorRT-LLM engines on the model cache (skips the build). @default engines are built at start into the model cache */
  readonly trtllmEngineDir?: string;
  /** Hub repo holding `ggufFile`. @default the model id */
  readonly ggufRepo?: string;
  /** Ollama model to pull, e.g. `llama3.1:8b`. @default `hf.co/<ggufRepo>:<quant>` */
  readonly ollamaModel?: string;
  /**
   * Download the checkpoint in an init container before the server starts (vllm, tgi, tgi-neuron,
   * fastchat-vllm). @default no init step: the server downloads at start, within its startup budget
   */
  readonly prefetch?: { readonly timeoutSeconds: number; readonly retries: number };
  /** Replaces the engine's pinned image. @default the engine's pinned image */
  readonly image?: string;
  /** @default 'IfNotPresent' (images are pinned) */
  readonly imagePullPolicy?: 'IfNotPresent' | 'Always' | 'Never';
  /** @default [] */
  readonly extraArgs?: readonly string[];
  /** @default {} */
  readonly extraEnv?: Readonly<Record<string, string>>;
  /** Bytes per second at which weights reach the pod, for the startup budget. @default 200 MB/s */
  readonly loadBandwidthBytesPerSecond?: number;
  /**
   * `replace` updates one pod at a time without an extra GPU node (maxSurge 0); `surge` starts the new
   * pod first (needs spare accelerators). @default 'replace'
   */
  readonly rollout?: 'replace' | 'surge';
  /** Seconds a stopping pod gets to finish in-flight generations. @default 120 */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * FastChat workers: the controller URL they register with.
   * @default the controller of the FastChat InferenceGateway the worker is attached to
   */
  readonly controllerUrl?: string;
}
