/**
 * `llm-constructs init [dir] [--pulumi]`: scaffolds a cdk8s app that uses llm-constructs (package.json
 * with the peers and cdk8s-cli, tsconfig.json, cdk8s.yaml, stack.ts, main.ts; with --pulumi also
 * Pulumi.yaml and pulumi.ts). Never overwrites a file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { unknownFlag } from './flags';
import { ValidationError } from '../errors';
import { CDK8S_YAML, GITIGNORE, MAIN_TS, packageJson, PULUMI_TS, PULUMI_YAML, STACK_TS, TSCONFIG, type TemplateVersions } from './init-templates';

export const INIT_USAGE = `Usage: llm-constructs init [dir] [--pulumi]

Writes a cdk8s app using llm-constructs into dir (default: the current directory):
  package.json, tsconfig.json, cdk8s.yaml, stack.ts, main.ts, .gitignore
  --pulumi   also Pulumi.yaml and pulumi.ts (the same stack as a Pulumi program)
Then: cd dir && npm install && npm run synth`;

/** This package's own package.json (found upwards from here: lib/cli in the repository, build/lib/cli installed). */
function ownPackage(): { version: string; devDependencies: Record<string, string>; peerDependencies: Record<string, string> } {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === 'llm-constructs') return pkg;
    }
  }
  throw new Error('llm-constructs: package.json not found above ' + __dirname);
}

/** The generated app's ranges: the versions this package is built and tested with. */
export function templateVersions(): TemplateVersions {
  const pkg = ownPackage();
  const dev = pkg.devDependencies ?? {};
  const peer = pkg.peerDependencies ?? {};
  const pick = (name: string) => dev[name] ?? peer[name];
  return {
    llmConstructs: `^${pkg.version}`,
    cdk8s: pick('cdk8s'),
    cdk8sPlus: pick('cdk8s-plus-28'),
    constructs: pick('constructs'),
    cdk8sCli: dev['cdk8s-cli'] ?? '^2',
    tsx: dev.tsx ?? '^4',
    typescript: dev.typescript ?? '~5.9.3',
    typesNode: dev['@types/node'] ?? '^20',
    pulumi: pick('@pulumi/pulumi'),
    pulumiKubernetes: pick('@pulumi/kubernetes'),
  };
}

/** Writes the app; returns the files written (relative to dir). */
export function initApp(dir: string, pulumi: boolean): string[] {
  const name =
    path
      .basename(path.resolve(dir))
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'llm-app';
  const files: Record<string, string> = {
    'package.json': packageJson(name, templateVersions(), pulumi),
    'tsconfig.json': TSCONFIG,
    'cdk8s.yaml': CDK8S_YAML,
    '.gitignore': GITIGNORE,
    'stack.ts': STACK_TS,
    'main.ts': MAIN_TS,
    ...(pulumi ? { 'Pulumi.yaml': PULUMI_YAML(name), 'pulumi.ts': PULUMI_TS } : {}),
  };
  const existing = Object.keys(files).filter((file) => fs.existsSync(path.join(dir, file)));
  if (existing.length > 0) {
    throw new ValidationError('init-would-overwrite', `init: ${dir} already has ${existing.join(', ')}; nothing was written`, {
      field: 'dir',
      suggestions: ['llm-constructs init <new directory>', 'move those files away first'],
    });
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return Object.keys(files);
}

const INIT_OPTIONS = { pulumi: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

/** The `init` command: exit 0 with the files listed, or 2 on wrong usage. */
export function runInit(args: string[], out: (text: string) => void, err: (text: string) => void): number {
  let parsed;
  try {
    parsed = parseArgs({ args, options: INIT_OPTIONS, allowPositionals: true });
  } catch (error) {
    err(`${unknownFlag(error, Object.keys(INIT_OPTIONS)) ?? (error as Error).message}\n\n${INIT_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(INIT_USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    err(`init: one directory at most, got ${positionals.join(' ')}\n\n${INIT_USAGE}`);
    return 2;
  }
  const dir = positionals[0] ?? '.';
  const files = initApp(dir, values.pulumi === true);
  out(`Wrote ${files.join(', ')} in ${path.resolve(dir)}\nNext: cd ${dir} && npm install && npm run synth`);
  return 0;
}
