/**
 * `plan --model` takes a hub id (catalog, then model records) or a path to a config.json (or to a
 * record written by `model add`): the file is read here, at the CLI edge; the sizing core stays pure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { modelFromConfig } from '../catalog/from-config';
import { MODEL_RECORD_KIND, modelFromRecord, parseModelRecord } from '../catalog/model-records';
import type { ModelArchitecture } from '../catalog/types';
import { SizingError } from '../errors';

/** A value that names a file rather than a hub id: ends in .json, or is a path that exists. */
function looksLikePath(value: string): boolean {
  return value.endsWith('.json') || ((value.startsWith('.') || path.isAbsolute(value)) && fs.existsSync(value));
}

export function resolveModelFlag(value: unknown): unknown {
  if (typeof value !== 'string' || !looksLikePath(value)) return value;
  const file = fs.existsSync(value) && fs.statSync(value).isDirectory() ? path.join(value, 'config.json') : value;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SizingError('invalid-model', `--model ${value}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      field: 'model',
      suggestions: ['a path to a Hugging Face config.json', 'a hub id, e.g. Qwen/Qwen3-8B (llm-constructs model add <id> for models outside the catalog)'],
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SizingError('invalid-model', `--model ${value}: ${file} is not JSON (${(error as Error).message})`, { field: 'model', suggestions: ['the config.json of the model, unedited'] });
  }
  if ((json as { kind?: unknown })?.kind === MODEL_RECORD_KIND) return modelFromRecord(parseModelRecord(text, file));
  return modelFromConfig(idFor(json, file), json);
}

/** The model's id: `_name_or_path` when it is a hub id, else the directory holding config.json. */
function idFor(config: unknown, file: string): ModelArchitecture['id'] {
  const named = (config as { _name_or_path?: unknown })?._name_or_path;
  if (typeof named === 'string' && /^[\w.-]+\/[\w.-]+$/.test(named)) return named;
  const dir = path.basename(path.dirname(path.resolve(file)));
  return path.basename(file) === 'config.json' && dir ? dir : path.basename(file, '.json');
}
