/**
 * The Hugging Face Hub HTTP client behind `llm-constructs model add`: the only network code of
 * llm-constructs, used by the CLI only (synth stays offline). Two requests, as huggingface_hub makes them:
 *   GET {endpoint}/api/models/{id}/revision/{revision}   -> sha, safetensors.{total,parameters}, pipeline_tag
 *   GET {endpoint}/{id}/resolve/{sha}/config.json        -> config.json at that exact commit
 * (huggingface/huggingface_hub src/huggingface_hub/hf_api.py `model_info`, file_download.py `hf_hub_url`;
 * `HF_ENDPOINT` and `HF_TOKEN` as in src/huggingface_hub/constants.py.)
 */
import { HubError } from './errors';

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface HubOptions {
  /** Branch, tag or commit sha. @default 'main' */
  readonly revision?: string;
  /** @default $HF_ENDPOINT, else https://huggingface.co */
  readonly endpoint?: string;
  /** Bearer token for gated or private repositories. */
  readonly token?: string;
  /** Per request. @default 30000 */
  readonly timeoutMs?: number;
}

export interface HubModel {
  readonly id: string;
  readonly sha: string;
  readonly requestedRevision: string;
  readonly apiUrl: string;
  readonly configUrl: string;
  readonly safetensors?: { readonly total: number; readonly parameters: Readonly<Record<string, number>> };
  readonly pipelineTag?: string;
  readonly config: Readonly<Record<string, unknown>>;
}

const ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One GET with a timeout; HTTP failures become HubErrors that say what to do. */
async function get(url: string, what: string, id: string, options: HubOptions): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers: Record<string, string> = { 'user-agent': 'llm-constructs', accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new HubError('hub-timeout', `${what} of ${id}: no answer from ${url} within ${timeoutMs / 1000} s`, {
        suggestions: ['retry, or --timeout <seconds> for a slow link', 'HF_ENDPOINT=<mirror> for a Hub mirror'],
      });
    }
    throw new HubError('hub-unreachable', `${what} of ${id}: cannot reach ${url} (${(error as Error).message})`, {
      suggestions: ['check the network or proxy', 'HF_ENDPOINT=<mirror> for a Hub mirror'],
    });
  }
  const text = await response.text();
  if (response.status === 401 || response.status === 403) {
    // The Hub answers 401 for a missing repository too when the request has no token (X-Error-Code: RepoNotFound).
    if (response.headers.get('x-error-code') === 'RepoNotFound') throw notFound(id, options, url);
    throw new HubError('hub-gated', `${what} of ${id}: the Hub refused access (HTTP ${response.status}): a gated or private model`, {
      field: 'token',
      suggestions: [`accept the license at ${options.endpoint ?? DEFAULT_HF_ENDPOINT}/${id} and set HF_TOKEN to a token of that account (or --token-env VAR)`],
    });
  }
  if (response.status === 404) throw notFound(id, options, url);
  if (!response.ok) {
    throw new HubError('hub-http-error', `${what} of ${id}: HTTP ${response.status} from ${url}`, { suggestions: ['retry later'] });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HubError('hub-malformed', `${what} of ${id}: ${url} did not return JSON (${text.slice(0, 60).replace(/\s+/g, ' ')}...)`, {
      suggestions: ['check HF_ENDPOINT points at a Hugging Face Hub', 'retry later'],
    });
  }
}

function notFound(id: string, options: HubOptions, url: string): HubError {
  return new HubError('hub-not-found', `${id} at revision ${options.revision ?? 'main'} was not found on the Hub (${url})`, {
    field: 'id',
    suggestions: ['check the hub id (organisation/name, case as on the Hub) and --revision', 'a private repository needs HF_TOKEN'],
  });
}

/** Reads a model's info and config.json from the Hub at one revision. */
export async function fetchHubModel(id: string, options: HubOptions = {}): Promise<HubModel> {
  if (!ID.test(id)) {
    throw new HubError('invalid-hub-id', `'${id}' is not a Hugging Face hub id`, { field: 'id', suggestions: ['organisation/name, e.g. Qwen/Qwen3-8B'] });
  }
  const endpoint = (options.endpoint ?? process.env.HF_ENDPOINT ?? DEFAULT_HF_ENDPOINT).replace(/\/+$/, '');
  const requestedRevision = options.revision ?? 'main';
  const opts = { ...options, endpoint, revision: requestedRevision };
  const apiUrl = `${endpoint}/api/models/${id}/revision/${encodeURIComponent(requestedRevision)}`;
  const info = await get(apiUrl, 'model info', id, opts);
  if (!isObject(info) || typeof info.sha !== 'string' || !/^[0-9a-f]{40}$/.test(info.sha)) {
    throw new HubError('hub-malformed', `model info of ${id}: ${apiUrl} has no commit sha`, { suggestions: ['check HF_ENDPOINT points at a Hugging Face Hub'] });
  }
  const sha = info.sha;
  const configUrl = `${endpoint}/${id}/resolve/${sha}/config.json`;
  const config = await get(configUrl, 'config.json', id, opts);
  if (!isObject(config)) {
    throw new HubError('hub-malformed', `config.json of ${id} at ${sha} is not a JSON object`, { suggestions: ['pass a ModelArchitecture object for this model'] });
  }
  const st = info.safetensors;
  const safetensors =
    isObject(st) && typeof st.total === 'number' && isObject(st.parameters)
      ? { total: st.total, parameters: Object.fromEntries(Object.entries(st.parameters).filter(([, v]) => typeof v === 'number')) as Record<string, number> }
      : undefined;
  return {
    id,
    sha,
    requestedRevision,
    apiUrl: `${endpoint}/api/models/${id}/revision/${sha}`,
    configUrl,
    config,
    ...(safetensors ? { safetensors } : {}),
    ...(typeof info.pipeline_tag === 'string' ? { pipelineTag: info.pipeline_tag } : {}),
  };
}
