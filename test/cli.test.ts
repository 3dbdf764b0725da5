import * as os from 'node:os';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PRICE_DATE } from '../lib/catalog/instance-types';

/** Runs the BUILT binary (`npm test` builds first), as a user of `npx llm-constructs` would. */
const root = path.join(__dirname, '..');
const bin = path.join(root, 'build', 'lib', 'cli', 'main.js');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run 'npm run build' first (npm test does)`);
});

describe('llm-constructs plan', () => {
  test('a fitting request prints the plan and exits 0', () => {
    const { code, stdout } = run('plan', '--model', 'meta-llama/Llama-3.1-70B-Instruct', '--gpu', 'A100-80GB', '--context', '8192', '--concurrency', '32');
    expect(code).toBe(0);
    // p4de.24xlarge is the only EC2 instance with A100-SXM4-80GB (facts table B), $27.4471/h.
    expect(stdout).toContain('p4de.24xlarge');
    expect(stdout).toMatch(/tensor \d+ x pipeline 1/);
    for (const label of ['weights', 'KV cache', 'overhead', 'available', 'KV capacity']) expect(stdout).toContain(label);
    expect(stdout).toContain('$27.45/h');
    expect(stdout).toContain(PRICE_DATE);
    const maxSeqs = Number(/max (\d+) concurrent sequences at 8192/.exec(stdout)?.[1]);
    expect(maxSeqs).toBeGreaterThanOrEqual(32);
  });

  test('--json prints a plan that scripts can read', () => {
    const { code, stdout } = run('plan', '--model', 'meta-llama/Llama-3.1-8B-Instruct', '--instance-type', 'g5.2xlarge', '--json');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan.instanceType.name).toBe('g5.2xlarge');
    expect(plan.tensorParallel * plan.pipelineParallel).toBe(plan.acceleratorsPerReplica);
    expect(plan.memory.requiredBytesPerAccelerator).toBeLessThanOrEqual(plan.memory.usableBytesPerAccelerator);
    expect(plan.hourlyCostUsd).toBeCloseTo(1.212, 4); // g5.2xlarge on-demand, facts table B
  });

  test('a request that cannot fit exits 1 with the reason and what would work', () => {
    const { code, stdout, stderr } = run('plan', '--model', 'meta-llama/Llama-3.1-70B', '--instance-type', 'g5.xlarge', '--engine', 'tgi');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/error \(--instance-type\): .*does not fit/);
    expect(stderr).toContain('what would work:');
    expect(stderr).toMatch(/g5\.(12|24|48)xlarge|L40S|H100|A100/);
  });

  test('--json errors carry the code, the flag and the suggestions', () => {
    const { code, stderr } = run('plan', '--model', 'Qwen/Qwen2.5-7B', '--tp', '8', '--json');
    expect(code).toBe(1);
    const error = JSON.parse(stderr);
    expect(error).toMatchObject({ error: 'invalid-tensor-parallel', field: 'tensorParallel', flag: '--tp' });
    expect(error.suggestions.join(' ')).toContain('1, 2, 4');
  });

  test('bad flags name the flag', () => {
    expect(run('plan', '--model', 'gpt2', '--concurrency', 'many').stderr).toContain('(--concurrency)');
    expect(run('plan', '--model', 'gpt2', '--context', '4096').stderr).toMatch(/--context.*1024/s);
    const unknown = run('plan', '--model', 'gpt2', '--concurency', '4');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown flag --concurency: did you mean --concurrency?');
    expect(run('plan', '--model', 'gpt2', '--quant', 'awq').stderr).toContain('did you mean --quantization?');
    expect(run('catalog', 'models', '--jsn').stderr).toContain('unknown flag --jsn: did you mean --json?');
  });

  test('--help lists every flag', () => {
    const { code, stdout } = run('plan', '--help');
    expect(code).toBe(0);
    for (const flag of ['--model', '--engine', '--gpu', '--instance-type', '--quantization', '--context', '--concurrency', '--tp', '--pp', '--json']) {
      expect(stdout).toContain(flag);
    }
  });
});

describe('llm-constructs catalog', () => {
  test.each([
    ['models', 'meta-llama/Llama-3.1-405B'],
    ['accelerators', 'NVIDIA-H100-80GB-HBM3'],
    ['instances', 'p6-b200.48xlarge'],
  ])('%s lists %s', (name, expected) => {
    const { code, stdout } = run('catalog', name);
    expect(code).toBe(0);
    expect(stdout).toContain(expected);
  });

  test('--json is parseable and an unknown catalog is a usage error', () => {
    expect(JSON.parse(run('catalog', 'instances', '--json').stdout).length).toBeGreaterThan(40);
    expect(run('catalog', 'gpus').code).toBe(2);
  });
});

describe('the package', () => {
  test('resolves its own name after the build (require("llm-constructs"))', () => {
    const result = spawnSync(process.execPath, ['-e', "const l = require('llm-constructs'); console.log(typeof l.planModel, typeof l.SizingError)"], {
      encoding: 'utf8',
      cwd: root,
    });
    expect(result.stdout.trim()).toBe('function function');
  });
});

describe('llm-constructs plan: models outside the catalog, --gpus', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-config-'));
  const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'hf-configs', `${name}.json`), 'utf8')).config;

  test('--model path/to/config.json plans that model (id from its directory)', () => {
    const dir = path.join(tmp, 'Qwen3-30B-A3B');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(fixture('Qwen--Qwen3-30B-A3B')));
    const { code, stdout, stderr } = run('plan', '--model', path.join(dir, 'config.json'), '--gpu', 'L40S', '--tp', '2', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan.model).toMatchObject({ id: 'Qwen3-30B-A3B', layers: 48, kvHeads: 4, moe: { experts: 128, expertsPerToken: 8 } });
    expect(plan.memory.kvCacheBytesPerToken).toBe((2 * 48 * 4 * 128 * 2) / 2); // 4 KV heads over TP 2
  });

  test('a config.json it cannot read: exit 1 naming the field', () => {
    const file = path.join(tmp, 'falcon.json');
    fs.writeFileSync(file, JSON.stringify({ architectures: ['FalconForCausalLM'], torch_dtype: 'bfloat16' }));
    const { code, stderr } = run('plan', '--model', file, '--gpu', 'L4');
    expect(code).toBe(1);
    expect(stderr).toMatch(/architecture FalconForCausalLM is not one modelFromConfig reads/);
  });

  test('--gpus N: yes on one server of N (no pipeline stages), no when it needs more', () => {
    const yes = run('plan', '--model', 'Qwen/Qwen3-32B', '--gpu', 'L40S', '--gpus', '2');
    expect(yes.code).toBe(0);
    expect(yes.stdout).toMatch(/^Yes: Qwen\/Qwen3-32B runs on 2 x L40S \(uses 2 of them: tensor parallel 2, pipeline 1\)/);
    // 235B in bf16 (~438 GiB) cannot fit 2 x 44.5 GiB: the planner must not add pipeline stages to make it fit.
    const no = run('plan', '--model', 'Qwen/Qwen3-235B-A22B', '--gpu', 'L40S', '--gpus', '2');
    expect(no.code).toBe(1);
    expect(no.stderr).toMatch(/No: it does not run on 2 x L40S without pipeline stages/);
    expect(run('plan', '--model', 'Qwen/Qwen3-8B', '--gpus', '2').stderr).toMatch(/--gpus N needs --gpu/);
  });
});
