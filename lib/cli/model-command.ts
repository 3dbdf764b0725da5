/**
 * `llm-constructs model add <hub id> [--revision R] [--dir D] [--token-env VAR] [--timeout S]`: reads a
 * model's config.json and parameter count from the Hugging Face Hub and writes `<D>/<org>--<name>.json`,
 * which planModel, LlmWorker and `plan` then resolve by id, offline. Writes nothing on any error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { modelFromRecord, modelsDirectory, recordFileName } from '../catalog/model-records';
import { fetchHubModel } from '../hub/client';
import { HubError } from '../hub/errors';
import { buildModelRecord } from '../hub/record';
import { unknownFlag } from './flags';

export const MODEL_USAGE = `Usage: llm-constructs model add <hub id> [options]

Fetches config.json and the safetensors parameter count of a Hugging Face model and writes
<dir>/<org>--<name>.json (commit it): planModel, LlmWorker and 'plan' then know the model by id, offline.

Options:
  --revision <rev>     branch, tag or commit sha (default main); the record keeps the commit sha
  --dir <dir>          records directory (default $LLM_CONSTRUCTS_MODELS_DIR, else ./llm-models)
  --token-env <VAR>    environment variable holding the Hub token (default HF_TOKEN) for gated models
  --timeout <seconds>  per request (default 30)
Environment: HF_ENDPOINT (default https://huggingface.co), HF_TOKEN.`;

const FLAGS = ['revision', 'dir', 'token-env', 'timeout', 'help'] as const;

/** Runs `model <subcommand>`; resolves to the exit code (0 written, 1 failed, 2 usage). */
export async function runModelCommand(args: string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') return print(sub ? out : err, MODEL_USAGE, sub ? 0 : 2);
  if (sub !== 'add') return print(err, `model: unknown subcommand '${sub}' (only 'add')\n\n${MODEL_USAGE}`, 2);
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: { revision: { type: 'string' }, dir: { type: 'string' }, 'token-env': { type: 'string' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    return print(err, `${unknownFlag(error, FLAGS) ?? (error as Error).message}\n\n${MODEL_USAGE}`, 2);
  }
  if (values.help) return print(out, MODEL_USAGE, 0);
  if (positionals.length !== 1) return print(err, `model add: give exactly one hub id, e.g. Qwen/Qwen3-8B\n\n${MODEL_USAGE}`, 2);
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) return print(err, `model add: --timeout must be a number of seconds, got '${String(values.timeout)}'`, 2);
  const tokenEnv = (values['token-env'] as string | undefined) ?? 'HF_TOKEN';
  const token = process.env[tokenEnv];
  if (values['token-env'] !== undefined && !token) return print(err, `model add: --token-env ${tokenEnv} names an unset environment variable`, 1);

  const id = positionals[0];
  const model = await fetchHubModel(id, {
    revision: values.revision as string | undefined,
    token,
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
  });
  const record = buildModelRecord(model, new Date());
  const dir = values.dir === undefined ? modelsDirectory() : path.resolve(values.dir as string);
  const file = path.join(dir, recordFileName(id));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  const arch = modelFromRecord(record);
  out(
    `wrote ${path.relative(process.cwd(), file) || file}: ${id} at ${record.revision}\n` +
      `  ${(arch.totalParams / 1e9).toFixed(2)}B parameters (${record.totalParamsBasis}), ${arch.layers} layers, ` +
      `${arch.attentionHeads} heads / ${arch.kvHeads} KV heads x ${arch.headDim}, ${arch.dtype}${arch.embedding ? ', embedding model' : ''}\n` +
      `  plan it: llm-constructs plan --model ${id}`,
  );
  return 0;
}

function print(stream: (text: string) => void, text: string, code: number): number {
  stream(text);
  return code;
}

export { HubError };
