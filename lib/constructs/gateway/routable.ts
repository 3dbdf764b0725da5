import type { Construct } from 'constructs';
import { describeBackend, type IInferenceBackend } from '../inference-backend';
import { invalid } from '../validation';
import type { GatewayImplementation } from './gateway-props';

const PASS_THROUGH = "implementation: { type: 'gateway-api', parentRef } (its routes pass requests through unchanged)";
const LITELLM = "implementation: { type: 'litellm' } (routes to any OpenAI-compatible backend, external endpoints included)";

/**
 * Refuses, before anything is emitted, a backend the chosen implementation cannot reach, from the backend's
 * data (its API, its pods), never its class: a backend of another protocol (Triton's KServe v2) for the
 * proxies that speak OpenAI to their backends (LiteLLM, FastChat), with its own reason; an external endpoint for FastChat and Gateway API; a non-FastChat
 * backend for FastChat.
 */
export function checkRoutable(scope: Construct, backends: readonly IInferenceBackend[], type: GatewayImplementation['type']): void {
  const fail = (message: string, suggestions: readonly string[]) => invalid(scope, 'InferenceGateway', 'unroutable-backend', 'backends', message, [...suggestions]);
  // Gateway API routes pass requests through unchanged (by the model header): any HTTP API can be behind them.
  for (const backend of backends) {
    const api = backend.api;
    if (api.type === 'other' && type !== 'gateway-api') throw fail(`${backend.node.id} serves ${api.name}, and ${api.reason}`, [...api.suggestions, PASS_THROUGH]);
  }
  const external = backends.filter((b) => b.pods === undefined);
  if (type === 'fastchat') checkFastChat(backends, fail);
  if (external.length > 0 && type === 'gateway-api') {
    throw fail(
      `${external.map((b) => b.node.id).join(', ')} ${external.length > 1 ? 'are endpoints' : 'is an endpoint'} outside the cluster: gateway-api routes with HTTPRoutes to Services and InferencePools of the cluster, and this construct emits no Service or TLS policy for an external host`,
      [LITELLM, 'a separate LiteLLM gateway for the external endpoints'],
    );
  }
}

/** FastChat's API server reaches only workers that registered with its controller. */
function checkFastChat(backends: readonly IInferenceBackend[], fail: (message: string, suggestions: readonly string[]) => Error): void {
  const others = backends.filter((b) => b.api.type !== 'fastchat-worker');
  if (others.length === 0) return;
  const embeddings = others.filter((b) => b.embedding);
  const external = others.filter((b) => b.pods === undefined);
  throw fail(`implementation 'fastchat' routes to FastChat workers only (they register with its controller); backends ${others.map(describeBackend).join(', ')} would be unreachable`, [
    ...(embeddings.length > 0
      ? [
          `put the embedding model${embeddings.length > 1 ? 's' : ''} (${embeddings.map((b) => b.node.id).join(', ')}) behind an InferenceGateway with implementation 'litellm' (it routes embeddings to TEI)`,
          "or one gateway for all: implementation 'litellm' (FastChat workers then run as engine 'vllm')",
        ]
      : []),
    ...(external.length > 0 ? [LITELLM] : []),
    ...(others.some((b) => !b.embedding && b.pods !== undefined) ? ["engine: 'fastchat-vllm' for the chat workers", "implementation: 'litellm' (routes to any OpenAI-compatible engine)"] : []),
  ]);
}
