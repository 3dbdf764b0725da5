/**
 * `@pulumi/pulumi` and `@pulumi/kubernetes` are optional peers: the root export must not load them, and must work
 * where they are not installed; `llm-constructs/pulumi` loads them. Checked on the compiled package (build/,
 * which `npm test` builds first) in fresh node processes, so jest's own module registry plays no part.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');

/** Runs `node -e script` in the repo root and returns its stdout (fails the test on a non-zero exit). */
function node(script: string): string {
  const result = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`node -e exited with ${result.status}:\n${result.stderr}`);
  return result.stdout.trim();
}

const loadedPulumi = "Object.keys(require.cache).some((k) => k.includes('@pulumi'))";
/** Makes `@pulumi/*` unresolvable in the child process, as if the optional peers were not installed. */
const withoutPulumi = `
  const Module = require('node:module');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request.startsWith('@pulumi/')) { const e = new Error("Cannot find module '" + request + "'"); e.code = 'MODULE_NOT_FOUND'; throw e; }
    return resolve.call(this, request, ...rest);
  };`;

beforeAll(() => {
  for (const file of ['build/lib/index.js', 'build/lib/pulumi/index.js']) {
    if (!fs.existsSync(path.join(root, file))) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
  }
});

test('requiring the root export loads no @pulumi module', () => {
  const out = node(`const lib = require('./build/lib/index.js'); console.log(JSON.stringify({ pulumi: ${loadedPulumi}, stack: typeof lib.LlmStack }))`);
  expect(JSON.parse(out)).toEqual({ pulumi: false, stack: 'function' });
});

test('the root export works where @pulumi/* is not installed; llm-constructs/pulumi then fails to load', () => {
  const out = node(`${withoutPulumi}
    const lib = require('./build/lib/index.js');
    const cdk8s = require('cdk8s');
    const stack = new lib.LlmStack(new cdk8s.App(), 'llm', { namespace: 'llm' });
    let pulumiEntry = 'loaded';
    try { require('./build/lib/pulumi/index.js'); } catch (e) { pulumiEntry = e.code; }
    console.log(JSON.stringify({ objects: stack.toJson().length > 0, pulumiEntry }));`);
  expect(JSON.parse(out)).toEqual({ objects: true, pulumiEntry: 'MODULE_NOT_FOUND' });
});

test('requiring llm-constructs/pulumi loads @pulumi/pulumi and @pulumi/kubernetes', () => {
  const out = node(`const p = require('./build/lib/pulumi/index.js');
    const keys = Object.keys(require.cache);
    console.log(JSON.stringify({ pulumi: ${loadedPulumi}, sdk: keys.some((k) => k.includes('@pulumi/pulumi')), kubernetes: keys.some((k) => k.includes('@pulumi/kubernetes')), component: typeof p.LlmStackComponent }))`);
  expect(JSON.parse(out)).toEqual({ pulumi: true, sdk: true, kubernetes: true, component: 'function' });
});

test('package exports: llm-constructs and llm-constructs/pulumi resolve from the repo root to build/', () => {
  // Inside the package, its own name resolves through `exports` (package self-reference).
  const out = node(`console.log(JSON.stringify({ root: require.resolve('llm-constructs'), pulumi: require.resolve('llm-constructs/pulumi') }))`);
  expect(JSON.parse(out)).toEqual({ root: path.join(root, 'build/lib/index.js'), pulumi: path.join(root, 'build/lib/pulumi/index.js') });
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  expect(fs.existsSync(path.join(root, pkg.exports['./pulumi'].types))).toBe(true);
  expect(pkg.peerDependenciesMeta).toMatchObject({ '@pulumi/pulumi': { optional: true }, '@pulumi/kubernetes': { optional: true } });
});
