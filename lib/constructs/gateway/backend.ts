import { Chart } from 'cdk8s';
import type { Engine } from '../../sizing/types';
import type { LlmWorker } from '../llm-worker';

/** What a front door needs to know about one model server behind it. */
export interface GatewayBackend {
  /** Construct id of the worker, for messages. */
  readonly id: string;
  /** Served model name: the `"model"` clients send. */
  readonly modelName: string;
  readonly engine: Engine;
  readonly serviceName: string;
  readonly namespace: string;
  readonly httpPort: number;
  /** In-cluster OpenAI-compatible base URL (`http://svc.ns.svc.cluster.local:8000/v1`), when the engine has one. */
  readonly openAiBaseUrl?: string;
  /** Embedding model (served by TEI): routed as an embedding model. */
  readonly embedding: boolean;
  /** Labels of the worker's pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Container port of the worker's Prometheus metrics, when it has one. */
  readonly metricsPort?: number;
  /** One replica spans several pods (LeaderWorkerSet): they talk to each other (Ray, NCCL) on any port. */
  readonly multiNode?: boolean;
}

/** The gateway's view of a worker. */
export function backendOf(worker: LlmWorker): GatewayBackend {
  const { recipe, plan } = worker;
  return {
    id: worker.node.id,
    modelName: worker.modelName,
    engine: plan.engine,
    serviceName: worker.serviceName,
    namespace: Chart.of(worker).namespace ?? 'default',
    httpPort: recipe.ports.http,
    openAiBaseUrl: recipe.openAiBasePath !== undefined ? worker.endpoint : undefined,
    embedding: plan.engine === 'tei' || plan.model.embedding === true,
    podLabels: worker.selector,
    metricsPort: recipe.metricsPath !== undefined ? recipe.ports.metrics : undefined,
    multiNode: plan.nodesPerReplica > 1,
  };
}

/** One Deployment of a front door: who it is (pod labels) and what it listens on. */
export interface FrontDoorWorkload {
  readonly name: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly port: number;
}

/** What a front-door implementation (LiteLLM, FastChat) emitted. */
export interface FrontDoor {
  /** The Service clients call, and its port (OpenAI API under /v1). */
  readonly serviceName: string;
  readonly port: number;
  /** The client-facing pods (selected by the exposure Service, Ingress and client policies). */
  readonly entry: FrontDoorWorkload;
  /** Pods that call the workers' http ports (the proxy; FastChat's API server and controller). */
  readonly callers: readonly FrontDoorWorkload[];
  /** Internal hops between front-door pods: `to` accepts `from` on `to.port`. */
  readonly internal: ReadonlyArray<{ readonly from: FrontDoorWorkload; readonly to: FrontDoorWorkload }>;
  /** FastChat: where workers register, and who they must accept calls from besides the callers. */
  readonly controller?: FrontDoorWorkload & { readonly url: string };
}
