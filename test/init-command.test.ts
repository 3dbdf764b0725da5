/**
 * `llm-constructs init [dir] [--pulumi]`: what it writes and what it refuses. That the generated app
 * synthesizes unchanged, against the packed tarball and its peers from the registry, is proven by
 * `npm run test:package` (scripts/test-package.sh); here the generated stack also runs against lib/.
 */
import { App } from 'cdk8s';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { main } from '../lib/cli/main';
import { MAIN_TS, STACK_TS } from '../lib/cli/init-templates';
import { LlmStack, reportSummaries } from '../lib';
import * as lib from '../lib';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-init-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(
    argv,
    (t) => (out += `${t}\n`),
    (t) => (err += `${t}\n`),
  ) as number;
  return { code, out, err };
}

test('init writes a cdk8s app: the peers and cdk8s-cli at the versions this package is tested with', () => {
  const app = path.join(dir, 'My App');
  expect(run('init', app).code).toBe(0);
  expect(fs.readdirSync(app).sort()).toEqual(['.gitignore', 'cdk8s.yaml', 'main.ts', 'package.json', 'stack.ts', 'tsconfig.json']);
  const written = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8'));
  expect(written.name).toBe('my-app');
  expect(written.dependencies).toEqual({
    cdk8s: pkg.devDependencies.cdk8s,
    'cdk8s-plus-28': pkg.devDependencies['cdk8s-plus-28'],
    constructs: pkg.devDependencies.constructs,
    'llm-constructs': `^${pkg.version}`,
  });
  expect(Object.keys(written.devDependencies).sort()).toEqual(['@types/node', 'cdk8s-cli', 'tsx', 'typescript']);
  expect(written.scripts.synth).toContain('cdk8s synth');
  expect(parse(fs.readFileSync(path.join(app, 'cdk8s.yaml'), 'utf8'))).toEqual({ language: 'typescript', app: 'npx tsx main.ts', imports: [] });
  expect(fs.readFileSync(path.join(app, 'main.ts'), 'utf8')).toBe(MAIN_TS);
});

test('init --pulumi adds Pulumi.yaml (nodejs, TypeScript, main pulumi.ts) and the Pulumi peers', () => {
  expect(run('init', dir, '--pulumi').code).toBe(0);
  expect(parse(fs.readFileSync(path.join(dir, 'Pulumi.yaml'), 'utf8'))).toEqual(expect.objectContaining({ runtime: { name: 'nodejs', options: { typescript: true } }, main: 'pulumi.ts' }));
  expect(fs.readFileSync(path.join(dir, 'pulumi.ts'), 'utf8')).toContain("from 'llm-constructs/pulumi'");
  const written = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  expect(written.dependencies['@pulumi/pulumi']).toBe(pkg.devDependencies['@pulumi/pulumi']);
  expect(written.dependencies['@pulumi/kubernetes']).toBe(pkg.devDependencies['@pulumi/kubernetes']);
});

test('init never overwrites: exit 1, the files named, nothing written', () => {
  fs.writeFileSync(path.join(dir, 'main.ts'), 'mine');
  const { code, err } = run('init', dir);
  expect(code).toBe(1);
  expect(err).toContain('main.ts');
  expect(fs.readFileSync(path.join(dir, 'main.ts'), 'utf8')).toBe('mine');
  expect(fs.existsSync(path.join(dir, 'package.json'))).toBe(false);
});

test('init with two directories is wrong usage (exit 2)', () => {
  expect(run('init', 'a', 'b').code).toBe(2);
});

test('the generated stack.ts synthesizes against lib/, and reportSummaries writes the summary beside the manifests', () => {
  // stack.ts as generated, its one import pointed at lib/ (test:package runs it against the tarball).
  const source = STACK_TS.replace("from 'llm-constructs'", "from '../lib'");
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, esModuleInterop: true } });
  const module = { exports: {} as { buildStack: (stack: LlmStack) => void } };
  new Function('require', 'module', 'exports', outputText)(
    (id: string) => {
      if (id !== '../lib') throw new Error(`stack.ts imports ${id}: only llm-constructs expected`);
      return lib;
    },
    module,
    module.exports,
  );
  const app = new App({ outdir: dir });
  module.exports.buildStack(new LlmStack(app, 'llm', { namespace: 'llm' }));
  app.synth();
  let stderr = '';
  reportSummaries(app, (t) => (stderr += t));
  const manifests = fs.readFileSync(path.join(dir, 'llm.k8s.yaml'), 'utf8');
  expect(manifests).toContain('kind: Deployment');
  expect(manifests).toContain('kind: NodePool');
  expect(stderr).toContain('LlmStack llm (namespace llm)');
  expect(fs.readFileSync(path.join(dir, 'llm.summary.txt'), 'utf8')).toContain('g6.xlarge');
});
