import type { Construct } from 'constructs';
import { InferencePool } from '../../../imports/inference.networking.k8s.io';
import { ValidationError } from '../../errors';
import type { BackendPods, IInferenceBackend } from '../inference-backend';
import { httpRoute, type ParentRef, type RouteRule } from './exposure';
import type { Peer } from './network-policies';

/** Header the inference extension's body-based router sets from the request's `"model"`. */
export const MODEL_HEADER = 'X-Gateway-Model-Name';

/** An Endpoint Picker (EPP) Service in the pool's namespace, and its pods. */
export interface EndpointPickerRef {
  /** The picker's Service (the InferencePool's `endpointPickerRef`). */
  readonly name: string;
  /** Its ext-proc gRPC port (9002 in the upstream picker). */
  readonly port: number;
  /**
   * Labels of the picker's pods: they are admitted to the model servers' serving and metrics ports, which
   * the picker scrapes for queue depth and KV-cache use (the inference extension's model server protocol).
   */
  readonly pods: Readonly<Record<string, string>>;
}

/** Routing on a Gateway API implementation instead of a proxy of ours. */
export interface GatewayApiOptions {
  /** The Gateway that serves the route. */
  readonly parentRef: ParentRef;
  /** @default every hostname the Gateway listener accepts */
  readonly hostnames?: readonly string[];
  /**
   * The Gateway has the inference extension: route each model to InferencePools of its pods (one per
   * worker, named after the worker's Service) instead of to Services.
   * @default none: routes go to the workers' Services
   */
  readonly inferenceExtension?: {
    /**
     * The Endpoint Picker of each pool, keyed by the pool's name (the worker's Service name): "An EPP can only
     * be associated with a single InferencePool" (gateway-api-inference-extension v1.6.0,
     * site-src/api-types/inferencepool.md). A pool without one is left to the Gateway implementation
     * (`endpointPickerRef` is optional since v1.5.0).
     * @default none
     */
    readonly endpointPickers?: Readonly<Record<string, EndpointPickerRef>>;
  };
}

/** What the routes emitted: the pickers' pods, which must reach each pool's model servers. */
export interface GatewayApiRouting {
  /** Per worker Service name: the peer of its pool's endpoint picker. */
  readonly pickers: ReadonlyMap<string, Peer>;
}

/**
 * One HTTPRoute with a rule per served model name, matching the model-name header that the inference
 * extension's body-based routing extracts from the OpenAI request body. A name served by several workers
 * gets one rule with a backend per worker (the Gateway spreads requests over them). Each backend is the
 * worker's InferencePool (inference.networking.k8s.io/v1) or, without the extension, its Service.
 */
export function gatewayApiRoutes(scope: Construct, name: string, backends: readonly IInferenceBackend[], options: GatewayApiOptions, labels: Record<string, string>): GatewayApiRouting {
  // Only backends with pods in the cluster (the gateway refuses external ones before this).
  const routed = backends.flatMap((backend) => (backend.pods ? [{ backend, pods: backend.pods }] : []));
  const pickers = checkPickers(
    routed.map((r) => r.pods),
    options,
  );
  const byName = new Map<string, RouteRule['backendRefs'][number][]>();
  for (const { backend, pods } of routed) {
    let ref: RouteRule['backendRefs'][number];
    if (!options.inferenceExtension) {
      ref = { name: pods.serviceName, port: pods.httpPort };
    } else {
      const picker = options.inferenceExtension.endpointPickers?.[pods.serviceName];
      const pool = new InferencePool(scope, `pool-${backend.node.id}`, {
        metadata: { name: pods.serviceName, labels },
        spec: {
          selector: { matchLabels: { ...pods.podLabels } },
          targetPorts: [{ number: pods.httpPort }],
          endpointPickerRef: picker ? { name: picker.name, port: { number: picker.port } } : undefined,
        },
      });
      ref = { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: pool.name };
    }
    byName.set(backend.modelName, [...(byName.get(backend.modelName) ?? []), ref]);
  }
  const rules = [...byName.entries()].map(([model, backendRefs]) => ({ headers: [{ name: MODEL_HEADER, value: model }], backendRefs }));
  httpRoute(scope, name, options.parentRef, options.hostnames, rules, labels);
  return { pickers };
}

function checkPickers(backends: readonly BackendPods[], options: GatewayApiOptions): Map<string, Peer> {
  const given: unknown = options.inferenceExtension?.endpointPickers;
  const pools = backends.map((b) => b.serviceName);
  const fail = (field: string, message: string, suggestions: string[]) => new ValidationError('invalid-endpoint-picker', message, { field, suggestions });
  const example = `endpointPickers: { '${pools[0]}': { name: '${pools[0]}-epp', port: 9002, pods: { app: '${pools[0]}-epp' } } }`;
  if ((options.inferenceExtension as { endpointPicker?: unknown } | undefined)?.endpointPicker !== undefined) {
    throw fail(
      'implementation.inferenceExtension.endpointPicker',
      'implementation.inferenceExtension.endpointPicker is replaced by endpointPickers, one per InferencePool: an endpoint picker serves a single pool',
      [example],
    );
  }
  const pickers = new Map<string, Peer>();
  if (given === undefined) return pickers;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw fail('implementation.inferenceExtension.endpointPickers', `endpointPickers must be an object keyed by pool (worker Service) name, got ${JSON.stringify(given)}`, [example]);
  }
  const services = new Map<string, string>();
  for (const [pool, ref] of Object.entries(given as Record<string, EndpointPickerRef>)) {
    const field = `implementation.inferenceExtension.endpointPickers.${pool}`;
    if (!pools.includes(pool)) throw fail(field, `endpointPickers names the pool '${pool}', which is none of this gateway's (${pools.join(', ')})`, [example]);
    const valid = typeof ref === 'object' && ref !== null && typeof ref.name === 'string' && ref.name !== '' && Number.isSafeInteger(ref.port) && ref.port >= 1 && ref.port <= 65535;
    const pods = valid && typeof ref.pods === 'object' && ref.pods !== null && Object.keys(ref.pods).length > 0 && Object.values(ref.pods).every((v) => typeof v === 'string');
    if (!valid || !pods)
      throw fail(field, `endpoint picker of pool '${pool}' must be { name, port, pods } (pods: the labels of the picker's pods, admitted to the model servers' metrics), got ${JSON.stringify(ref)}`, [
        example,
      ]);
    const other = services.get(ref.name);
    if (other !== undefined) {
      throw fail(field, `pools '${other}' and '${pool}' share the endpoint picker '${ref.name}': "An EPP can only be associated with a single InferencePool" (gateway-api-inference-extension)`, [
        'deploy one endpoint picker per pool, each with --pool-name <pool>',
      ]);
    }
    services.set(ref.name, pool);
    pickers.set(pool, { pods: { ...ref.pods } });
  }
  return pickers;
}
