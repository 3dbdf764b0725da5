import { Construct } from 'constructs';
import { lookupModel } from '../catalog/models';
import type { ModelArchitecture } from '../catalog/types';
import { TRITON_QUEUE_COMPUTE_RATIO } from '../engines/metrics';
import { tritonCacheGiB } from '../engines/triton-trtllm';
import type { SecretKeyRef } from '../engines/types';
import { ValidationError } from '../errors';
import type { Workload } from '../performance/types';
import type { ModelPlan } from '../sizing/types';
import { describe } from '../sizing/validate';
import type { GpuNodePool } from './gpu-node-pool';
import { LlmWorker } from './llm-worker';
import type { ModelCache } from './model-cache';
import type { Peer } from './gateway/network-policies';
import { rejectUnknownProps } from '../unknown-props';
import { AUTOSCALED_TRITON_SPEC } from './props-specs';

/** Engines built ahead of time, on a PersistentVolumeClaim that becomes the worker's model cache. */
export interface PrebuiltTritonEngines {
  /** The claim (ReadWriteMany when `maxReplicas` > 1); it is also where the tokenizer is downloaded. */
  readonly claimName: string;
  /**
   * Directory inside the claim with the engines for this plan's TP x PP: `config.json` and one
   * `rank<N>.engine` per GPU, e.g. `engines/gpt2/tp1-pp1`.
   */
  readonly path: string;
}

export interface AutoscaledTritonProps {
  /** A catalog hub id (`openai-community/gpt2`) or any model's architecture. */
  readonly model: string | ModelArchitecture;
  /** e.g. `A10G`. @default the cheapest accelerator that fits (or the pool's) */
  readonly accelerator?: string;
  /** e.g. `g5.xlarge`: implies the accelerator and pins the pods to it. @default the cheapest that fits (or among the pool's) */
  readonly instanceType?: string;
  /** Run on this pool (and count `maxReplicas` x GPUs against its capacity). @default scheduled on any node with the planned accelerator */
  readonly nodePool?: GpuNodePool;
  /** @default the smallest valid size that fits */
  readonly tensorParallel?: number;
  /** @default 1 */
  readonly pipelineParallel?: number;
  /** Tokens per sequence (engine `max_seq_len`). @default min(model maximum, 8192) */
  readonly maxContextLength?: number;
  /** Full-length sequences the KV cache must hold. @default 1 */
  readonly concurrency?: number;
  /** @default 1 */
  readonly minReplicas?: number;
  /** @default 4 (with `workload`: the replicas that meet its SLO at its load) */
  readonly maxReplicas?: number;
  /** What the deployment must serve: sizes `maxReplicas` (and the plan's hardware search) by its SLO. @default no SLO sizing: `maxReplicas` as given */
  readonly workload?: Workload;
  /** Per-pod average of `triton:queue_compute:ratio` (queue time / compute time) to hold. @default 1 */
  readonly queueToComputeRatioTarget?: number;
  /** `hpa` (with the prometheus-adapter rule) or `keda`. @default 'hpa' */
  readonly scaler?: 'hpa' | 'keda';
  /** Hugging Face token, by reference only (gated checkpoints). @default no token (public checkpoints only) */
  readonly hfTokenSecret?: SecretKeyRef;
  /**
   * Where the checkpoint and the built engines are cached. A ReadWriteMany claim lets every replica
   * reuse the engines the first one built; a per-pod `emptyDir` builds them once per pod.
   * @default { type: 'emptyDir' } sized for the checkpoint, the converted checkpoint and the engines
   */
  readonly modelCache?: ModelCache;
  /** Serve engines built ahead of time instead of building them at start (replaces `modelCache`). @default engines are built at start on the model cache */
  readonly prebuiltEngines?: PrebuiltTritonEngines;
  /** Replaces the pinned `nvcr.io/nvidia/tritonserver:<yy.mm>-trtllm-python-py3` image. @default the pinned Triton TensorRT-LLM image */
  readonly image?: string;
  /** Object name. @default `<chart id>-<construct id>` */
  readonly name?: string;
  /**
   * Reachable from any pod of its namespace (Triton's HTTP and gRPC ports), as `LlmWorker.internal`: the way
   * to place it in an `LlmStack`, whose default-deny policy would otherwise isolate it. No InferenceGateway
   * fronts Triton (it speaks the KServe v2 protocol, not the OpenAI API). @default false
   */
  readonly internal?: boolean;
  /** Who may scrape its metrics port. @default pods of the namespace named `monitoring` */
  readonly monitoring?: Peer;
  /** Names of docker-registry Secrets. @default none */
  readonly imagePullSecrets?: readonly string[];
}

/**
 * Triton Inference Server with the TensorRT-LLM backend, scaled on its queue-to-compute time ratio
 * (`triton:queue_compute:ratio`): an `LlmWorker` with `engine: 'triton-trtllm'` and autoscaling. The
 * worker owns the Deployment, Service (`http`, `grpc`, `metrics`), PodMonitor, recording rule and
 * autoscaler; this construct only chooses the engine, the metric and the cache.
 */
export class AutoscaledTriton extends Construct {
  /** The worker that emits every object. */
  public readonly worker: LlmWorker;
  /** The sizing plan (GPUs per replica = TP x PP). */
  public readonly plan: ModelPlan;
  /** Name of the ClusterIP Service. */
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: AutoscaledTritonProps) {
    super(scope, id);
    if (typeof props !== 'object' || props === null || Array.isArray(props)) {
      throw new ValidationError('invalid-props', `AutoscaledTriton ${id}: props must be an object with at least 'model', got ${describe(props)}`, {
        field: 'props',
        suggestions: ["{ model: 'openai-community/gpt2', accelerator: 'A10G' }"],
      });
    }
    rejectUnknownProps(`AutoscaledTriton ${id}`, props, AUTOSCALED_TRITON_SPEC);
    const prebuilt = props.prebuiltEngines;
    if (prebuilt && props.modelCache) {
      throw new ValidationError('engines-and-cache', `AutoscaledTriton ${id}: prebuiltEngines ${describe(prebuilt)} mounts its claim as the model cache, and modelCache ${describe(props.modelCache)} is set too: set one`, {
        field: 'prebuiltEngines',
        suggestions: ['prebuiltEngines: { claimName, path } alone', 'modelCache alone (engines are built at start)'],
      });
    }
    if (prebuilt && (typeof prebuilt.claimName !== 'string' || prebuilt.claimName.trim() === '')) {
      throw new ValidationError('engines-claim', `AutoscaledTriton ${id}: prebuiltEngines.claimName must name a PersistentVolumeClaim, got ${describe(prebuilt.claimName)}`, {
        field: 'prebuiltEngines.claimName',
        suggestions: ["prebuiltEngines: { claimName: 'trtllm-engines', path: 'engines/gpt2/tp1-pp1' }"],
      });
    }

    if (prebuilt && (typeof prebuilt.path !== 'string' || prebuilt.path.startsWith('/') || prebuilt.path.split('/').includes('..'))) {
      throw new ValidationError('engines-path', `AutoscaledTriton ${id}: prebuiltEngines.path ${JSON.stringify(prebuilt.path)} must be a path inside the claim, relative to its root (the claim is mounted as the model cache)`, {
        field: 'prebuiltEngines.path',
        suggestions: [`prebuiltEngines.path: '${String(prebuilt.path ?? 'engines/gpt2/tp1-pp1').replace(/^\/+/, '')}'`],
      });
    }
    this.worker = new LlmWorker(this, id, {
      model: props.model,
      engine: 'triton-trtllm',
      accelerator: props.accelerator,
      instanceType: props.instanceType,
      nodePool: props.nodePool,
      tensorParallel: props.tensorParallel,
      pipelineParallel: props.pipelineParallel,
      maxContextLength: props.maxContextLength,
      concurrency: props.concurrency,
      name: props.name,
      internal: props.internal,
      monitoring: props.monitoring,
      imagePullSecrets: props.imagePullSecrets,
      hfTokenSecret: props.hfTokenSecret,
      image: props.image,
      modelCache: prebuilt ? { type: 'existingClaim', claimName: prebuilt.claimName } : (props.modelCache ?? buildCache(props.model)),
      trtllmEngineDir: prebuilt?.path,
      workload: props.workload,
      autoscaling: {
        minReplicas: props.minReplicas ?? 1,
        maxReplicas: props.maxReplicas ?? (props.workload ? undefined : 4),
        metric: TRITON_QUEUE_COMPUTE_RATIO,
        target: props.queueToComputeRatioTarget ?? 1,
        scaler: props.scaler,
      },
    });
    this.plan = this.worker.plan;
    this.serviceName = this.worker.serviceName;
  }
}

/** A per-pod cache large enough for the build, or undefined to let LlmWorker report an unknown model. */
function buildCache(model: string | ModelArchitecture): ModelCache | undefined {
  try {
    return { type: 'emptyDir', sizeGiB: tritonCacheGiB(typeof model === 'string' ? lookupModel(model) : model) };
  } catch {
    return undefined;
  }
}
