#!/usr/bin/env node
import { LlmConstructsError } from '../errors';
import { CATALOGS, runCatalog, type CatalogName } from './catalog-command';
import { unknownFlag, unknownFlagMessage } from './flags';
import { MODEL_USAGE, runModelCommand } from './model-command';
import { flagFor, parsePlanArgs, PLAN_FLAG_NAMES, PLAN_USAGE, runPlan } from './plan-command';
import { runInit } from './init-command';

const USAGE = `Usage: llm-constructs <command> [options]

Commands:
  plan       size a model for hardware (llm-constructs plan --help)
  catalog    list a catalog: models | accelerators | instances [--json]
  model      add a Hugging Face model by its id (llm-constructs model add --help)
  init       scaffold a cdk8s app: init [dir] [--pulumi]

Example:
  llm-constructs plan --model meta-llama/Llama-3.1-70B-Instruct --gpu A100-80GB --context 8192 --concurrency 32`;

/** Exit codes: 0 success, 1 the request cannot be served (or is invalid), 2 wrong usage. */
export function main(argv: string[], out: (text: string) => void = console.log, err: (text: string) => void = console.error): number | Promise<number> {
  const [command, ...args] = argv;
  const json = args.includes('--json');
  try {
    if (command === 'plan') {
      const parsed = parsePlanArgs(args);
      if (parsed.help) return print(out, PLAN_USAGE, 0);
      out(runPlan(parsed.request, parsed.json, { report: parsed.report, gpus: parsed.gpus }));
      return 0;
    }
    if (command === 'model') return runModelCommand(args, out, err).catch((error: unknown) => handle(error, json, err, MODEL_USAGE));
    if (command === 'init') return runInit(args, out, err);
    if (command === 'catalog') {
      const flag = args.find((a) => a.startsWith('-') && a !== '--json');
      if (flag) return print(err, `${unknownFlagMessage(flag, ['json'])}\n\n${USAGE}`, 2);
      const name = args.find((a) => !a.startsWith('-'));
      if (!CATALOGS.includes(name as CatalogName)) return print(err, `catalog: choose one of ${CATALOGS.join(', ')}\n\n${USAGE}`, 2);
      out(runCatalog(name as CatalogName, json));
      return 0;
    }
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') return print(out, USAGE, command ? 0 : 2);
    return print(err, `unknown command '${command}'\n\n${USAGE}`, 2);
  } catch (error) {
    return handle(error, json, err, PLAN_USAGE);
  }
}

function handle(error: unknown, json: boolean, err: (text: string) => void, usage: string): number {
  if (error instanceof LlmConstructsError) return reportError(error, json, err);
  if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return print(err, `${unknownFlag(error, PLAN_FLAG_NAMES) ?? (error as Error).message}\n\n${usage}`, 2);
  throw error;
}

function print(stream: (text: string) => void, text: string, code: number): number {
  stream(text);
  return code;
}

function reportError(error: LlmConstructsError, json: boolean, err: (text: string) => void): number {
  const flag = flagFor(error.field);
  if (json) {
    err(JSON.stringify({ error: error.code, field: error.field, flag, message: error.message.split('\n')[0], suggestions: error.suggestions }, null, 2));
  } else {
    const [message] = error.message.split('\n');
    const lines = [`error${flag ? ` (${flag})` : ''}: ${message}`];
    if (error.suggestions.length > 0) lines.push('what would work:', ...error.suggestions.map((s) => `  - ${s}`));
    err(lines.join('\n'));
  }
  return 1;
}

if (require.main === module) {
  void Promise.resolve(main(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
