/**
 * Model records: what `llm-constructs model add <hub id>` wrote, read back offline. A record keeps the
 * model's config.json and the Hub's parameter count at one revision sha, so synth stays reproducible.
 * Hub ids resolve from the catalog first, then from `<models directory>/<org>--<name>.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SizingError } from '../errors';
import { modelFromConfig } from './from-config';
import { isRecord } from './from-config/read';
import type { ModelArchitecture } from './types';

/** Environment variable naming the records directory. */
export const MODELS_DIR_ENV = 'LLM_CONSTRUCTS_MODELS_DIR';
/** Default records directory, relative to the app's working directory. */
export const DEFAULT_MODELS_DIR = 'llm-models';
export const MODEL_RECORD_KIND = 'llm-constructs/model-record';

export interface ModelRecord {
  readonly kind: typeof MODEL_RECORD_KIND;
  readonly version: 1;
  readonly id: string;
  /** Commit sha of the Hub repository the record was read at. */
  readonly revision: string;
  /** The revision asked for (`main`, a tag, a sha). */
  readonly requestedRevision: string;
  readonly fetchedAt: string;
  /** The URLs the facts were read from. */
  readonly sources: { readonly api: string; readonly config: string };
  /** The Hub's `safetensors` block (`total`, `parameters` by dtype), when the repository has one. */
  readonly safetensors?: { readonly total: number; readonly parameters: Readonly<Record<string, number>> };
  readonly totalParams: number;
  /** Where `totalParams` comes from. */
  readonly totalParamsBasis: string;
  readonly dtype: ModelArchitecture['dtype'];
  readonly embedding: boolean;
  /** The Hub's `pipeline_tag`. */
  readonly pipelineTag?: string;
  readonly config: Readonly<Record<string, unknown>>;
}

let configuredDir: string | undefined;

/**
 * Sets the records directory for this process (e.g. from an app's own option); `undefined` restores
 * the default: `$LLM_CONSTRUCTS_MODELS_DIR`, else `./llm-models`.
 */
export function setModelsDirectory(dir: string | undefined): void {
  configuredDir = dir;
}

export function modelsDirectory(): string {
  return path.resolve(configuredDir ?? process.env[MODELS_DIR_ENV] ?? DEFAULT_MODELS_DIR);
}

/** `Qwen/Qwen3-8B` -> `Qwen--Qwen3-8B.json`. */
export function recordFileName(id: string): string {
  return `${id.trim().replace('/', '--')}.json`;
}

/** The architecture a record describes (modelFromConfig over its config, with the recorded count). */
export function modelFromRecord(record: ModelRecord): ModelArchitecture {
  return modelFromConfig(record.id, record.config, {
    totalParams: record.totalParams,
    dtype: record.dtype,
    embedding: record.embedding,
    sources: [record.sources.config, record.sources.api],
  });
}

function invalid(file: string, message: string): never {
  throw new SizingError('invalid-model-record', `model record ${file}: ${message}`, {
    field: 'model',
    suggestions: [`llm-constructs model add <hub id> again to rewrite ${path.basename(file)}`],
  });
}

/** Parses and checks a record file's text. */
export function parseModelRecord(text: string, file: string): ModelRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return invalid(file, `not JSON (${(error as Error).message})`);
  }
  if (!isRecord(data) || data.kind !== MODEL_RECORD_KIND) return invalid(file, `not a model record (kind must be '${MODEL_RECORD_KIND}')`);
  for (const key of ['id', 'revision', 'dtype'] as const) if (typeof data[key] !== 'string') invalid(file, `field ${key} must be a string`);
  if (typeof data.totalParams !== 'number') invalid(file, 'field totalParams must be a number');
  if (!isRecord(data.config)) invalid(file, 'field config must be the config.json object');
  if (!isRecord(data.sources)) invalid(file, 'field sources must name the api and config URLs');
  return data as unknown as ModelRecord;
}

/** The recorded architecture of `id`, or undefined when no record exists. Reads only the local disk. */
export function lookupModelRecord(id: string, dir = modelsDirectory()): ModelArchitecture | undefined {
  if (!/^[\w.-]+\/[\w.-]+$/.test(id.trim())) return undefined;
  const file = path.join(dir, recordFileName(id));
  if (!fs.existsSync(file)) return undefined;
  const record = parseModelRecord(fs.readFileSync(file, 'utf8'), file);
  if (record.id.toLowerCase() !== id.trim().toLowerCase()) invalid(file, `it records ${record.id}, not ${id}`);
  return modelFromRecord(record);
}
