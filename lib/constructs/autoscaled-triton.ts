import { Construct } from 'constructs';
import { lookupModel } from '../catalog/models';
import type { ModelArchitecture } from '../catalog/types';
import { TRITON_QUEUE_COMPUTE_RATIO } from '../engines/metrics';
import { tritonCacheGiB } from '../engines/triton-trtllm';
import type { ModelPlan } from '../sizing/types';
import { LlmWorker } from './llm-worker';
import type { LlmWorkerProps } from './llm-worker-props';
import type { ModelCache } from './model-cache';
import { rejectUnknownProps } from '../unknown-props';
import { AUTOSCALED_TRITON_SPEC } from './props-specs';
import type { BackendApi, BackendPods, GatewayAttachment, IInferenceBackend } from './inference-backend';
import { describe, invalid } from './validation';

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

/** The LlmWorker props AutoscaledTriton passes through unchanged: one declaration, in LlmWorkerProps. */
const WORKER_PROPS = [
  'model',
  'accelerator',
  'instanceType',
  'nodePool',
  'tensorParallel',
  'pipelineParallel',
  'maxContextLength',
  'concurrency',
  'workload',
  'hfTokenSecret',
  'image',
  'name',
  'internal',
  'monitoring',
  'imagePullSecrets',
] as const satisfies ReadonlyArray<keyof LlmWorkerProps>;

/**
 * A Triton TensorRT-LLM worker with queue-to-compute autoscaling: LlmWorker's props (engine fixed to
 * `triton-trtllm`; `workload` sizes `maxReplicas` by its SLO), plus the autoscaler's bounds and target.
 */
export interface AutoscaledTritonProps extends Pick<LlmWorkerProps, (typeof WORKER_PROPS)[number]> {
  /** @default 1 */
  readonly minReplicas?: number;
  /** @default 4 (with `workload`: the replicas that meet its SLO at its load) */
  readonly maxReplicas?: number;
  /** Per-pod average of `triton:queue_compute:ratio` (queue time / compute time) to hold. @default 1 */
  readonly queueToComputeRatioTarget?: number;
  /** `hpa` (with the prometheus-adapter rule) or `keda`. @default 'hpa' */
  readonly scaler?: 'hpa' | 'keda';
  /**
   * Where the checkpoint and the built engines are cached. A ReadWriteMany claim lets every replica
   * reuse the engines the first one built; a per-pod `emptyDir` builds them once per pod.
   * @default { type: 'emptyDir' } sized for the checkpoint, the converted checkpoint and the engines
   */
  readonly modelCache?: ModelCache;
  /**
   * Serve engines built ahead of time instead of building them at start (replaces `modelCache`); its
   * `path` becomes LlmWorker's `trtllmEngineDir`. @default engines are built at start on the model cache
   */
  readonly prebuiltEngines?: PrebuiltTritonEngines;
}

/**
 * Triton Inference Server with the TensorRT-LLM backend, scaled on its queue-to-compute time ratio
 * (`triton:queue_compute:ratio`): an `LlmWorker` with `engine: 'triton-trtllm'` and autoscaling. The
 * worker owns the Deployment, Service (`http`, `grpc`, `metrics`), PodMonitor, recording rule and
 * autoscaler; this construct only chooses the engine, the metric and the cache.
 */
export class AutoscaledTriton extends Construct implements IInferenceBackend {
  /** The worker that emits every object. */
  public readonly worker: LlmWorker;
  /** The sizing plan (GPUs per replica = TP x PP). */
  public readonly plan: ModelPlan;
  /** Name of the ClusterIP Service. */
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: AutoscaledTritonProps) {
    super(scope, id);
    if (typeof props !== 'object' || props === null || Array.isArray(props)) {
      throw invalid(this, 'AutoscaledTriton', 'invalid-props', 'props', `props must be an object with at least 'model', got ${describe(props)}`, [
        "{ model: 'openai-community/gpt2', accelerator: 'A10G' }",
      ]);
    }
    rejectUnknownProps(`AutoscaledTriton ${id}`, props, AUTOSCALED_TRITON_SPEC);
    const prebuilt = props.prebuiltEngines;
    if (prebuilt) this.checkPrebuilt(prebuilt, props.modelCache);
    this.worker = new LlmWorker(this, id, {
      ...Object.fromEntries(WORKER_PROPS.filter((key) => props[key] !== undefined).map((key) => [key, props[key]])),
      model: props.model,
      engine: 'triton-trtllm',
      modelCache: prebuilt ? { type: 'existingClaim', claimName: prebuilt.claimName } : (props.modelCache ?? buildCache(props.model)),
      trtllmEngineDir: prebuilt?.path,
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

  // IInferenceBackend: the worker's, whose API is Triton's KServe v2 (gateways refuse it, saying why).
  public get modelName(): string {
    return this.worker.modelName;
  }
  public get servedModelNameSet(): boolean {
    return this.worker.servedModelNameSet;
  }
  public get modelId(): string {
    return this.worker.modelId;
  }
  public get embedding(): boolean {
    return this.worker.embedding;
  }
  public get api(): BackendApi {
    return this.worker.api;
  }
  public get pods(): BackendPods {
    return this.worker.pods;
  }
  public attachGateway(gateway: GatewayAttachment): void {
    this.worker.attachGateway(gateway);
  }

  /** The claim is mounted as the model cache (so not both), and `path` lies inside it. */
  private checkPrebuilt(prebuilt: PrebuiltTritonEngines, modelCache: ModelCache | undefined): void {
    if (modelCache) {
      throw invalid(
        this,
        'AutoscaledTriton',
        'engines-and-cache',
        'prebuiltEngines',
        `prebuiltEngines ${describe(prebuilt)} mounts its claim as the model cache, and modelCache ${describe(modelCache)} is set too: set one`,
        ['prebuiltEngines: { claimName, path } alone', 'modelCache alone (engines are built at start)'],
      );
    }
    if (typeof prebuilt.claimName !== 'string' || prebuilt.claimName.trim() === '') {
      throw invalid(this, 'AutoscaledTriton', 'engines-claim', 'prebuiltEngines.claimName', `prebuiltEngines.claimName must name a PersistentVolumeClaim, got ${describe(prebuilt.claimName)}`, [
        "prebuiltEngines: { claimName: 'trtllm-engines', path: 'engines/gpt2/tp1-pp1' }",
      ]);
    }
    if (typeof prebuilt.path !== 'string' || prebuilt.path.startsWith('/') || prebuilt.path.split('/').includes('..')) {
      throw invalid(
        this,
        'AutoscaledTriton',
        'engines-path',
        'prebuiltEngines.path',
        `prebuiltEngines.path ${JSON.stringify(prebuilt.path)} must be a path inside the claim, relative to its root (the claim is mounted as the model cache)`,
        [`prebuiltEngines.path: '${String(prebuilt.path ?? 'engines/gpt2/tp1-pp1').replace(/^\/+/, '')}'`],
      );
    }
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
