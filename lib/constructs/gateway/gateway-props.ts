import type { Construct } from 'constructs';
import type { SecretKeyRef } from '../../engines/types';
import { rejectUnknownProps } from '../../unknown-props';
import { isInferenceBackend, type IInferenceBackend } from '../inference-backend';
import { GATEWAY_IMPLEMENTATION_SPECS, INFERENCE_GATEWAY_SPEC } from '../props-specs';
import { describe, invalid } from '../validation';
import { warnAtSynth } from '../warnings';
import type { GatewayExposure } from './exposure';
import type { GatewayApiOptions } from './gateway-api';
import type { Peer } from './network-policies';

/** A LiteLLM proxy: routes to any OpenAI-compatible backend, in the cluster or external. */
export interface LiteLlmImplementation {
  readonly type: 'litellm';
  /** @default the pinned LiteLLM image */
  readonly image?: string;
}

/** FastChat's controller and OpenAI API server: routes to FastChat workers (engine `fastchat-vllm`) only. */
export interface FastChatImplementation {
  readonly type: 'fastchat';
  /** The FastChat image your workers run: FastChat publishes none. */
  readonly image: string;
}

/** Routes on a Gateway API implementation (optionally with the inference extension) instead of a proxy of ours. */
export interface GatewayApiImplementation extends GatewayApiOptions {
  readonly type: 'gateway-api';
}

export type GatewayImplementation = LiteLlmImplementation | FastChatImplementation | GatewayApiImplementation;

export interface InferenceGatewayProps {
  /** @default { type: 'litellm' } */
  readonly implementation?: GatewayImplementation;
  /** The model servers behind the gateway (LlmWorker, AutoscaledTriton, ExternalModel), routed by served model name. */
  readonly backends: readonly IInferenceBackend[];
  /** Key clients must present (LiteLLM master key; FastChat API keys). Required unless `allowUnauthenticated`. @default none (then `allowUnauthenticated` must be true) */
  readonly apiKeySecret?: SecretKeyRef;
  /** Serve without an API key. A warning is printed at synth. @default false */
  readonly allowUnauthenticated?: boolean;
  /** @default { type: 'cluster-ip' } */
  readonly expose?: GatewayExposure;
  /** Who else may call the gateway (other namespaces, CIDRs), besides what `expose` opens. @default none */
  readonly clients?: readonly Peer[];
  /** Who may scrape the workers' metrics. @default pods of the namespace named `monitoring` */
  readonly monitoring?: Peer;
  /** Client-facing replicas. @default 2 */
  readonly replicas?: number;
  /** Most replicas the CPU autoscaler may run. @default 3 x replicas */
  readonly maxReplicas?: number;
  /** @default [] */
  readonly imagePullSecrets?: readonly string[];
  /** Object name prefix. @default `<chart id>-<construct id>` */
  readonly name?: string;
}

/** The props after their checks. */
export interface CheckedGatewayProps {
  readonly implementation: GatewayImplementation;
  readonly backends: readonly IInferenceBackend[];
  readonly replicas: number;
  readonly maxReplicas: number;
}

const IMPLEMENTATION_HINT = "implementation: { type: 'litellm' }";

/** Every prop of the gateway, checked before anything is emitted; errors carry the gateway's path. */
export function checkGatewayProps(scope: Construct, props: InferenceGatewayProps): CheckedGatewayProps {
  const fail = (field: string, message: string, suggestions: string[]) => invalid(scope, 'InferenceGateway', 'invalid-gateway', field, message, suggestions);
  if (typeof props !== 'object' || props === null) throw fail('props', `props must be an object, got ${describe(props)}`, ['{ backends: [worker], apiKeySecret: { name, key } }']);
  rejectMovedProps(props, fail);
  rejectUnknownProps(`InferenceGateway ${scope.node.id}`, props, INFERENCE_GATEWAY_SPEC);
  const backends: unknown = props.backends;
  if (!Array.isArray(backends) || backends.length === 0 || !backends.every(isInferenceBackend)) {
    throw fail('backends', `backends must be a non-empty list of LlmWorker, AutoscaledTriton or ExternalModel, got ${describeBackends(backends)}`, ['backends: [mistral, llama]']);
  }
  const twice = backends.find((b, i) => backends.indexOf(b) !== i);
  if (twice) throw fail('backends', `backends lists ${twice.node.path} twice`, ['each backend once (one model on several backends: the same servedModelName on each)']);
  if (props.clients !== undefined && !Array.isArray(props.clients)) {
    throw fail('clients', `clients must be a list of peers, got ${describe(props.clients)}`, [
      "clients: [{ cidr: '10.0.0.0/8' }]",
      "clients: [{ namespaces: { 'kubernetes.io/metadata.name': 'apps' } }]",
    ]);
  }
  const implementation = checkImplementation(scope, props.implementation ?? { type: 'litellm' }, fail);
  const replicas = props.replicas ?? 2;
  if (!Number.isSafeInteger(replicas) || replicas < 1) throw fail('replicas', `replicas must be a positive integer, got ${String(replicas)}`, ['replicas: 2']);
  const maxReplicas = props.maxReplicas ?? replicas * 3;
  if (!Number.isSafeInteger(maxReplicas) || maxReplicas < replicas) {
    throw fail('maxReplicas', `maxReplicas must be an integer ≥ replicas (${replicas}), got ${String(maxReplicas)}`, [`maxReplicas: ${replicas * 3}`]);
  }
  if (implementation.type === 'gateway-api' && props.expose) {
    throw fail('expose', `the gateway-api implementation is exposed by its Gateway; expose ${describe(props.expose)} applies to litellm and fastchat`, ['omit expose']);
  }
  checkAuth(scope, props, implementation.type, fail);
  return { implementation, backends, replicas, maxReplicas };
}

type Fail = (field: string, message: string, suggestions: string[]) => Error;

/** The props an older shape had at the top level: say where they went rather than "unknown prop". */
function rejectMovedProps(props: object, fail: Fail): void {
  const moved: Record<string, [string, string]> = {
    workers: ['workers is now backends (LlmWorker, AutoscaledTriton or ExternalModel)', 'backends: [mistral, llama]'],
    gatewayApi: ["gatewayApi moved into implementation: { type: 'gateway-api', parentRef, … }", "implementation: { type: 'gateway-api', parentRef: { name: 'inference-gateway' } }"],
    image: ['image moved into implementation (required for fastchat)', "implementation: { type: 'fastchat', image: 'registry.example.com/fastchat:0.2.36' }"],
  };
  for (const [key, [message, hint]] of Object.entries(moved)) if (key in props) throw fail(key, message, [hint]);
}

/** A discriminated union at runtime: the type, its keys, and what each type requires. */
function checkImplementation(scope: Construct, value: unknown, fail: Fail): GatewayImplementation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const typed = typeof value === 'string' ? `{ type: ${JSON.stringify(value)} }` : IMPLEMENTATION_HINT;
    throw fail('implementation', `implementation must be an object with a type, got ${describe(value)}`, [`implementation: ${typed}`]);
  }
  const type: unknown = (value as { type?: unknown }).type;
  if (type !== 'litellm' && type !== 'fastchat' && type !== 'gateway-api') {
    throw fail('implementation.type', `implementation.type must be litellm, fastchat or gateway-api; got ${describe(type)}`, [IMPLEMENTATION_HINT]);
  }
  rejectUnknownProps(`InferenceGateway ${scope.node.id}`, { implementation: value }, { implementation: GATEWAY_IMPLEMENTATION_SPECS[type] });
  const implementation = value as GatewayImplementation;
  if (implementation.type === 'fastchat' && (typeof implementation.image !== 'string' || implementation.image.trim() === '')) {
    throw fail('implementation.image', `the fastchat implementation needs implementation.image: FastChat publishes no container image, got ${describe(implementation.image)}`, [
      "implementation: { type: 'fastchat', image: 'the FastChat image your workers run, e.g. one built FROM vllm/vllm-openai:v0.6.2 + RUN pip install fschat[model_worker]==0.2.36' }",
    ]);
  }
  if (implementation.type === 'litellm' && implementation.image !== undefined && (typeof implementation.image !== 'string' || implementation.image.trim() === '')) {
    throw fail('implementation.image', `implementation.image must name a container image, got ${describe(implementation.image)}`, ['omit implementation.image for the pinned LiteLLM image']);
  }
  if (implementation.type === 'gateway-api') {
    const parentRef: unknown = implementation.parentRef;
    const name = typeof parentRef === 'object' && parentRef !== null ? (parentRef as { name?: unknown }).name : undefined;
    if (typeof name !== 'string' || name === '') {
      throw fail('implementation.parentRef', `the gateway-api implementation needs implementation.parentRef naming the Gateway that serves the routes, got ${describe(parentRef)}`, [
        "implementation: { type: 'gateway-api', parentRef: { name: 'inference-gateway' } }",
      ]);
    }
  }
  return implementation;
}

function checkAuth(scope: Construct, props: InferenceGatewayProps, type: GatewayImplementation['type'], fail: Fail): void {
  if (props.allowUnauthenticated === true) {
    warnAtSynth(scope, 'allowUnauthenticated: true — the gateway serves every model without an API key');
    return;
  }
  if (type === 'gateway-api') {
    throw fail(
      'allowUnauthenticated',
      "with gateway-api, keys are the Gateway's to check (e.g. an ext-auth or security policy): set allowUnauthenticated: true to acknowledge that this construct adds none",
      ['allowUnauthenticated: true', "implementation: { type: 'litellm' } (checks keys itself)"],
    );
  }
  const key = props.apiKeySecret;
  if (!key || typeof key.name !== 'string' || typeof key.key !== 'string' || key.name === '' || key.key === '') {
    throw fail('apiKeySecret', `apiKeySecret must reference a Secret key { name, key }, got ${describe(key)}: the gateway would otherwise serve anyone who reaches it`, [
      "apiKeySecret: { name: 'llm-api-keys', key: 'master-key' }",
      'allowUnauthenticated: true (explicit opt-out, warned at synth)',
    ]);
  }
}

/** What `backends` was, for the error: constructs by kind and id (JSON of a construct is its whole tree). */
function describeBackends(backends: unknown): string {
  const one = (b: unknown) => (typeof b === 'object' && b !== null && 'node' in b ? `${b.constructor.name} ${(b as Construct).node.id}` : describe(b));
  return Array.isArray(backends) ? `[${backends.map(one).join(', ')}]` : one(backends);
}
