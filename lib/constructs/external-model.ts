import { Construct } from 'constructs';
import type { SecretKeyRef } from '../engines/types';
import { rejectUnknownProps } from '../unknown-props';
import type { BackendApi, GatewayAttachment, IInferenceBackend } from './inference-backend';
import { EXTERNAL_MODEL_SPEC } from './props-specs';
import { describe, invalid } from './validation';
import { warnAtSynth } from './warnings';

export interface ExternalModelProps {
  /** Base URL of the OpenAI-compatible API, up to and including its version segment, e.g. `https://api.example.com/v1`. */
  readonly baseUrl: string;
  /** The model name the endpoint serves (the `"model"` the gateway sends it). */
  readonly model: string;
  /** Name clients use at the gateway. @default `model` */
  readonly servedModelName?: string;
  /** The endpoint's API key, by reference: the gateway sends it as a bearer token. @default none (no Authorization header) */
  readonly apiKeySecret?: SecretKeyRef;
  /** An embedding model (routed as embeddings). @default false */
  readonly embedding?: boolean;
}

/** Paths of OpenAI endpoints: a base URL ending in one is a whole endpoint URL, which the gateway would extend again. */
const ENDPOINT_SUFFIX = /\/(chat\/completions|completions|embeddings|models|responses)\/?$/;

/**
 * An OpenAI-compatible endpoint outside the stack (a hosted API, a model server in another cluster) that a
 * LiteLLM gateway routes to next to in-cluster workers. It emits nothing: its pods are not ours, so no
 * NetworkPolicy is written for it; where the cluster restricts egress, the gateway's pods need egress to it.
 */
export class ExternalModel extends Construct implements IInferenceBackend {
  public readonly modelName: string;
  public readonly servedModelNameSet: boolean;
  public readonly modelId: string;
  public readonly embedding: boolean;
  public readonly api: BackendApi;
  public readonly apiKeySecret?: SecretKeyRef;
  /** Names of the gateways that route to it. */
  public readonly gateways: string[] = [];

  constructor(scope: Construct, id: string, props: ExternalModelProps) {
    super(scope, id);
    if (typeof props !== 'object' || props === null || Array.isArray(props)) {
      throw invalid(this, 'ExternalModel', 'invalid-props', 'props', `props must be an object with baseUrl and model, got ${describe(props)}`, [
        "{ baseUrl: 'https://api.example.com/v1', model: 'gpt-4o-mini', apiKeySecret: { name: 'openai', key: 'api-key' } }",
      ]);
    }
    rejectUnknownProps(`ExternalModel ${id}`, props, EXTERNAL_MODEL_SPEC);
    const baseUrl = this.checkBaseUrl(props.baseUrl);
    this.modelId = this.nonEmpty('model', props.model, "model: 'gpt-4o-mini'");
    this.modelName = props.servedModelName === undefined ? this.modelId : this.nonEmpty('servedModelName', props.servedModelName, "servedModelName: 'gpt-4o-mini'");
    this.servedModelNameSet = props.servedModelName !== undefined;
    if (props.embedding !== undefined && typeof props.embedding !== 'boolean') {
      throw invalid(this, 'ExternalModel', 'invalid-props', 'embedding', `embedding must be true or false, got ${describe(props.embedding)}`, ['embedding: true']);
    }
    this.embedding = props.embedding === true;
    this.apiKeySecret = this.checkKey(props.apiKeySecret);
    if (this.apiKeySecret && baseUrl.protocol === 'http:') {
      warnAtSynth(this, `the API key for ${baseUrl.origin} travels over plain http: prefer an https baseUrl`);
    }
    this.api = { type: 'openai', baseUrl: props.baseUrl, model: this.modelId };
  }

  public attachGateway(gateway: GatewayAttachment): void {
    this.gateways.push(gateway.name);
  }

  /** http(s), no credentials or query in it, and a base URL (LiteLLM appends `/chat/completions` to it), not an endpoint. */
  private checkBaseUrl(value: unknown): URL {
    const example = "baseUrl: 'https://api.example.com/v1'";
    const bad = (why: string, suggestion = example) => invalid(this, 'ExternalModel', 'invalid-base-url', 'baseUrl', `baseUrl ${describe(value)} ${why}`, [suggestion]);
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      throw bad('is not a URL');
    }
    if (typeof value !== 'string') throw bad('must be a string');
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad('must be an http or https URL');
    if (url.username !== '' || url.password !== '') throw bad('carries credentials, which would land in the manifest: give the key as apiKeySecret');
    if (url.search !== '' || url.hash !== '') throw bad('has a query or fragment: a base URL is extended with /chat/completions, /embeddings');
    if (ENDPOINT_SUFFIX.test(url.pathname)) throw bad('is an endpoint URL: give its base, where /v1 ends', `baseUrl: '${value.replace(ENDPOINT_SUFFIX, '')}'`);
    if (url.pathname === '/' || url.pathname === '') throw bad('has no path: OpenAI-compatible APIs live under a version segment', `baseUrl: '${url.origin}/v1'`);
    if (value.endsWith('/')) throw bad('ends with a slash: the gateway appends /chat/completions itself', `baseUrl: '${value.replace(/\/+$/, '')}'`);
    return url;
  }

  private nonEmpty(field: string, value: unknown, hint: string): string {
    if (typeof value === 'string' && value.trim() !== '') return value;
    throw invalid(this, 'ExternalModel', 'invalid-props', field, `${field} must be a non-empty string, got ${describe(value)}`, [hint]);
  }

  private checkKey(key: SecretKeyRef | undefined): SecretKeyRef | undefined {
    if (key === undefined) return undefined;
    if (typeof key === 'object' && key !== null && typeof key.name === 'string' && key.name !== '' && typeof key.key === 'string' && key.key !== '') return key;
    throw invalid(this, 'ExternalModel', 'invalid-props', 'apiKeySecret', `apiKeySecret must reference a Secret key { name, key }, got ${describe(key)}`, [
      "apiKeySecret: { name: 'openai', key: 'api-key' }",
    ]);
  }
}
