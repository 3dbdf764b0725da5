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
