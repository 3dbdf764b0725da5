import type { Construct } from 'constructs';
import { InferencePool } from '../../../imports/inference.networking.k8s.io';
import type { GatewayBackend } from './backend';
import { httpRoute, type ParentRef } from './exposure';

/** Header the inference extension's body-based router sets from the request's `"model"`. */
export const MODEL_HEADER = 'X-Gateway-Model-Name';

/** Routing on a Gateway API implementation instead of a proxy of ours. */
export interface GatewayApiOptions {
  /** The Gateway that serves the route. */
  readonly parentRef: ParentRef;
  readonly hostnames?: readonly string[];
  /**
   * The Gateway has the inference extension: route each model to an InferencePool of its pods (with
   * an endpoint picker, when named) instead of to its Service.
   */
  readonly inferenceExtension?: { readonly endpointPicker?: { readonly name: string; readonly port: number } };
}

/**
 * One HTTPRoute with a rule per model, matching the model-name header that the inference extension's
 * body-based routing extracts from the OpenAI request body; each rule's backend is the model's
 * InferencePool (inference.networking.k8s.io/v1) or, without the extension, its Service.
 */
export function gatewayApiRoutes(scope: Construct, name: string, backends: readonly GatewayBackend[], options: GatewayApiOptions, labels: Record<string, string>): void {
  const rules = backends.map((backend) => {
    if (!options.inferenceExtension) {
      return { headers: [{ name: MODEL_HEADER, value: backend.modelName }], backendRefs: [{ name: backend.serviceName, port: backend.httpPort }] };
    }
    const pool = new InferencePool(scope, `pool-${backend.id}`, {
      metadata: { name: backend.serviceName, labels },
      spec: {
        selector: { matchLabels: { ...backend.podLabels } },
        targetPorts: [{ number: backend.httpPort }],
        endpointPickerRef: options.inferenceExtension.endpointPicker
          ? { name: options.inferenceExtension.endpointPicker.name, port: { number: options.inferenceExtension.endpointPicker.port } }
          : undefined,
      },
    });
    return {
      headers: [{ name: MODEL_HEADER, value: backend.modelName }],
      backendRefs: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: pool.name }],
    };
  });
  httpRoute(scope, name, options.parentRef, options.hostnames, rules, labels);
}
