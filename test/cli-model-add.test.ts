/**
 * `llm-constructs model add` against a local Hub stand-in on 127.0.0.1 serving recorded Hub responses
 * (test/fixtures/hub, real formats): the real HTTP client, the record it writes, and planModel /
 * LlmWorker resolving the id from that record offline. Failures exit 1 and write nothing.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { setModelsDirectory } from '../lib/catalog/model-records';
import { lookupModel } from '../lib/catalog/models';
import { main } from '../lib/cli/main';
import { LlmWorker } from '../lib/constructs';
import { planModel } from '../lib/sizing/planner';

interface Recorded {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}
const FIXTURES = path.join(__dirname, 'fixtures', 'hub');
const recorded = (name: string): Recorded => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Recorded;
const hfConfig = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'hf-configs', `${name}.json`), 'utf8')).config;

const QWEN = recorded('api-Qwen--Qwen3-8B.json');
const QWEN_SHA = (QWEN.body as { sha: string }).sha;
const FALCON_SHA = 'a'.repeat(40);
const BGE_SHA = 'b'.repeat(40);

const ROUTES: Record<string, (req: http.IncomingMessage) => Recorded | 'hang' | { html: string }> = {
  '/api/models/Qwen/Qwen3-8B/revision/main': () => QWEN,
  [`/Qwen/Qwen3-8B/resolve/${QWEN_SHA}/config.json`]: () => recorded('config-Qwen--Qwen3-8B.json'),
  '/api/models/Qwen/Qwen3-8B/revision/no-such-branch': () => recorded('api-revision-404.json'),
  '/api/models/meta-llama/Llama-3.1-8B/revision/main': (req) => recorded(req.headers.authorization ? 'api-gated-403.json' : 'api-gated-401.json'),
  '/api/models/no-such-org/no-such-model/revision/main': () => recorded('api-not-found-401.json'),
  '/api/models/slow/model/revision/main': () => 'hang',
  '/api/models/broken/html/revision/main': () => ({ html: '<!DOCTYPE html><html><body>Hugging Face is down</body></html>' }),
  '/api/models/acme/falcon-like/revision/main': () => ({ status: 200, body: { id: 'acme/falcon-like', sha: FALCON_SHA, safetensors: { total: 7e9, parameters: { BF16: 7e9 } } } }),
  [`/acme/falcon-like/resolve/${FALCON_SHA}/config.json`]: () => ({ status: 200, body: { architectures: ['FalconForCausalLM'], model_type: 'falcon', torch_dtype: 'bfloat16' } }),
  '/api/models/BAAI/bge-m3/revision/main': () => ({
    status: 200,
    body: { id: 'BAAI/bge-m3', sha: BGE_SHA, pipeline_tag: 'sentence-similarity', safetensors: { total: 567754752, parameters: { F32: 567754752 } } },
  }),
  [`/BAAI/bge-m3/resolve/${BGE_SHA}/config.json`]: () => ({ status: 200, body: hfConfig('BAAI--bge-m3') }),
};

let server: http.Server;
let endpoint: string;
let dir: string;
const hanging: http.ServerResponse[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const route = ROUTES[decodeURIComponent(req.url ?? '')];
    const answer = route ? route(req) : { status: 404, body: { error: 'Entry not found' } };
    if (answer === 'hang') return void hanging.push(res);
    if ('html' in answer) {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end(answer.html);
    }
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.HF_ENDPOINT = endpoint;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise((resolve) => server.close(resolve));
  delete process.env.HF_ENDPOINT;
  setModelsDirectory(undefined);
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-models-'));
  delete process.env.HF_TOKEN;
});

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    (t) => out.push(t),
    (t) => err.push(t),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('llm-constructs model add', () => {
  it('writes <dir>/<org>--<name>.json with the revision sha, config and safetensors count', async () => {
    const { code, out, err } = await run('model', 'add', 'Qwen/Qwen3-8B', '--dir', dir);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(QWEN_SHA);
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'Qwen--Qwen3-8B.json'), 'utf8'));
    expect(record).toMatchObject({
      kind: 'llm-constructs/model-record',
      id: 'Qwen/Qwen3-8B',
      revision: QWEN_SHA,
      requestedRevision: 'main',
      totalParams: 8_190_735_360,
      totalParamsBasis: "the Hub's safetensors.total",
      dtype: 'bfloat16',
      embedding: false,
      sources: { api: `${endpoint}/api/models/Qwen/Qwen3-8B/revision/${QWEN_SHA}`, config: `${endpoint}/Qwen/Qwen3-8B/resolve/${QWEN_SHA}/config.json` },
    });
    expect(record.config.num_hidden_layers).toBe(36);
  });

  it('planModel and LlmWorker then use the record by id, offline', async () => {
    expect((await run('model', 'add', 'Qwen/Qwen3-8B', '--dir', dir)).code).toBe(0);
    delete process.env.HF_ENDPOINT; // nothing below may reach the Hub stand-in
    setModelsDirectory(dir);
    try {
      const model = lookupModel('Qwen/Qwen3-8B');
      expect(model).toMatchObject({ totalParams: 8_190_735_360, layers: 36, kvHeads: 8, headDim: 128 });
      const plan = planModel({ model: 'Qwen/Qwen3-8B', accelerator: 'L40S', maxContextLength: 8192 });
      expect(plan.model.id).toBe('Qwen/Qwen3-8B');
      expect(plan.memory.kvCacheBytesPerToken).toBe(2 * 36 * 8 * 128 * 2);
      const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
      new LlmWorker(chart, 'qwen', { model: 'Qwen/Qwen3-8B', accelerator: 'L40S' });
      const text = JSON.stringify(Testing.synth(chart));
      expect(text).toContain('Qwen/Qwen3-8B');
      // the CLI too: plan resolves the id from $LLM_CONSTRUCTS_MODELS_DIR
      setModelsDirectory(undefined);
      process.env.LLM_CONSTRUCTS_MODELS_DIR = dir;
      const cli = await run('plan', '--model', 'Qwen/Qwen3-8B', '--gpu', 'L40S');
      expect(cli.err).toBe('');
      expect(cli.out).toContain('Plan for Qwen/Qwen3-8B');
    } finally {
      delete process.env.LLM_CONSTRUCTS_MODELS_DIR;
      setModelsDirectory(undefined);
      process.env.HF_ENDPOINT = endpoint;
    }
  });

  it('an embedding model (pipeline_tag sentence-similarity) is recorded as one', async () => {
    expect((await run('model', 'add', 'BAAI/bge-m3', '--dir', dir)).code).toBe(0);
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'BAAI--bge-m3.json'), 'utf8'));
    expect(record).toMatchObject({ embedding: true, dtype: 'float32', totalParams: 567754752 });
  });

  const failures: [string, string[], RegExp][] = [
    ['gated, no token (401)', ['meta-llama/Llama-3.1-8B'], /refused access \(HTTP 401\)[\s\S]*accept the license at .*meta-llama\/Llama-3.1-8B and set HF_TOKEN/],
    ['not found (401 RepoNotFound)', ['no-such-org/no-such-model'], /no-such-org\/no-such-model at revision main was not found/],
    ['unknown revision (404)', ['Qwen/Qwen3-8B', '--revision', 'no-such-branch'], /at revision no-such-branch was not found/],
    ['timeout', ['slow/model', '--timeout', '0.3'], /no answer from .* within 0.3 s/],
    ['malformed JSON', ['broken/html'], /did not return JSON/],
    ['an architecture it cannot read', ['acme/falcon-like'], /architecture FalconForCausalLM is not one modelFromConfig reads/],
    ['not a hub id', ['Qwen3-8B'], /'Qwen3-8B' is not a Hugging Face hub id/],
  ];
  it.each(failures)('%s: a clear message, exit 1, nothing written', async (_name, args, message) => {
    const { code, out, err } = await run('model', 'add', ...args, '--dir', dir);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(code).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('gated with a token whose account has not accepted the license (403)', async () => {
    process.env.MY_HF = 'hf_test_token';
    try {
      const { code, err } = await run('model', 'add', 'meta-llama/Llama-3.1-8B', '--dir', dir, '--token-env', 'MY_HF');
      expect(code).toBe(1);
      expect(err).toMatch(/HTTP 403/);
      expect(err).not.toContain('hf_test_token');
    } finally {
      delete process.env.MY_HF;
    }
  });

  it('usage errors exit 2; a mistyped flag gets "did you mean"', async () => {
    expect((await run('model', 'add', 'Qwen/Qwen3-8B', '--revison', 'main')).err).toMatch(/unknown flag --revison: did you mean --revision\?/);
    expect((await run('model', 'add')).code).toBe(2);
    expect((await run('model', 'remove', 'x/y')).code).toBe(2);
  });
});
