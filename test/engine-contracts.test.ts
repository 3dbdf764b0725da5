/**
 * Engine contracts (issue 13): every flag and env var that any example or recipe emits for a model
 * server is one its PINNED version accepts, per test/fixtures/engine-contracts/<engine>-<version>.json
 * (each taken from the upstream source at that version, cited inside). Same for the metrics the
 * autoscalers query. A pin that moves without its fixture fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { allExamples } from '../examples';
import { MODELS } from '../lib/catalog/models';
import { LLAMA_CPP_IMAGE, OLLAMA_IMAGE, TEI_VERSION, TGI_IMAGE, TGI_NEURON_IMAGE, TRITON_TRTLLM_IMAGE, VLLM_IMAGE, recipeFor, type ContainerRecipe, type EngineOptions } from '../lib/engines';
import { ENGINE_METRICS, TRITON_QUEUE_COMPUTE_RATIO, signalExpression } from '../lib/engines/metrics';
import { planModel } from '../lib/sizing';
import type { Engine, Quantization } from '../lib/sizing/types';
import { flagsOf, invocations, scriptReads } from './support/invocations';

interface Contract {
  readonly engine: string;
  readonly version: string;
  readonly image: string;
  readonly sources: ReadonlyArray<{ readonly repo: string; readonly path: string; readonly ref: string }>;
  readonly flags: readonly string[];
  readonly env: readonly string[];
  readonly metrics: readonly string[];
}

const DIR = path.join(__dirname, 'fixtures', 'engine-contracts');
const contracts: Record<string, Contract> = Object.fromEntries(
  fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as Contract]),
);

/** The fixture of each engine's pinned version. */
const PINNED: Record<Engine, string> = {
  vllm: 'vllm-0.31.0',
  tgi: 'tgi-3.3.7',
  'tgi-neuron': 'tgi-neuron-3.3.6',
  tei: `tei-${TEI_VERSION}`,
  'llama-cpp': 'llama-cpp-b11413',
  ollama: 'ollama-0.32.15',
  'fastchat-vllm': 'fastchat-vllm-0.2.36',
  'triton-trtllm': 'triton-trtllm-25.02',
};

/** Programs that run inside engine containers besides the image entrypoint, and their contracts. */
const PROGRAMS: Record<string, string> = {
  'vllm serve': 'vllm-0.31.0',
  'python3 -m vllm.entrypoints.openai.api_server': 'vllm-0.31.0',
  'ray start': 'ray',
  'python3 -m fastchat.serve.vllm_worker': 'fastchat-vllm-0.2.36',
};

interface EngineContainer {
  readonly where: string;
  readonly engine: Engine;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env: readonly string[];
}

// ---------------------------------------------------------------------------------------------------
// What is emitted: the synthesized examples and recipes over many plans
// ---------------------------------------------------------------------------------------------------

function exampleContainers(): EngineContainer[] {
  const out: EngineContainer[] = [];
  const app = Testing.app();
  for (const chart of allExamples(app)) {
    for (const o of Testing.synth(chart) as any[]) {
      const templates = [o.spec?.template, o.spec?.leaderWorkerTemplate?.leaderTemplate, o.spec?.leaderWorkerTemplate?.workerTemplate].filter(Boolean);
      for (const t of templates) {
        const engine = t.metadata?.labels?.['app.kubernetes.io/component'];
        if (!(engine in PINNED)) continue;
        for (const c of [...(t.spec?.initContainers ?? []), ...(t.spec?.containers ?? [])]) {
          out.push({ where: `${chart.node.id}/${o.metadata?.name}/${c.name}`, engine, command: c.command, args: c.args, env: (c.env ?? []).map((e: { name: string }) => e.name) });
        }
      }
    }
  }
  return out;
}

function recipeContainers(where: string, r: ContainerRecipe): EngineContainer[] {
  const cache = r.cacheEnv.map((e) => e.name);
  return [
    { where, engine: r.engine, command: r.command, args: r.args, env: [...r.env.map((e) => e.name), ...cache] },
    ...r.initSteps.map((s) => ({ where: `${where} init ${s.name}`, engine: r.engine, command: s.command, args: s.args, env: [...(s.env ?? []).map((e) => e.name), ...cache] })),
  ];
}

const OPTIONS: Record<Engine, Partial<EngineOptions>> = {
  vllm: {},
  tgi: {},
  'tgi-neuron': {},
  tei: {},
  'llama-cpp': { ggufRepo: 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF', ggufFile: 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf' },
  ollama: { ollamaModel: 'llama3.1:8b' },
  'fastchat-vllm': { image: 'registry.example.com/fastchat-vllm:0.2.36', controllerUrl: 'http://fastchat-controller:21001' },
  'triton-trtllm': {},
};
const INSTANCES = ['g4dn.xlarge', 'g5.xlarge', 'g5.12xlarge', 'g6.xlarge', 'p4de.24xlarge', 'p5.48xlarge', 'inf2.xlarge', 'inf2.48xlarge'];
const QUANTIZATIONS: readonly Quantization[] = ['none', 'fp8', 'awq', 'eetq', 'bitsandbytes-nf4', 'gguf-q4_k_m'];

/** Recipes over models x engines x instance types x quantizations x prefetch, the combinations that plan. */
function planRecipes(): EngineContainer[] {
  const out: EngineContainer[] = [];
  const ids = [...MODELS.filter((_m, i) => i % 3 === 0).map((m) => m.id), 'mistralai/Mistral-7B-Instruct-v0.3', 'meta-llama/Llama-3.1-8B-Instruct', 'openai-community/gpt2'];
  for (const id of ids) {
    const model = { id };
    for (const engine of Object.keys(PINNED) as Engine[]) {
      for (const instanceType of INSTANCES) {
        for (const quantization of QUANTIZATIONS) {
          for (const prefetch of [undefined, { timeoutSeconds: 600, retries: 2 }]) {
            try {
              const plan = planModel({ model: model.id, engine, instanceType, quantization });
              const options: EngineOptions = {
                servedModelName: 'm',
                cachePath: '/models',
                hfTokenSecret: { name: 'hf', key: 'token' },
                checkpoint: ['awq'].includes(quantization) ? `org/${model.id.split('/')[1]}-AWQ` : undefined,
                prefetch,
                ...OPTIONS[engine],
              };
              out.push(...recipeContainers(`${engine} ${model.id} ${instanceType} ${quantization}${prefetch ? ' prefetch' : ''}`, recipeFor(plan, options)));
            } catch {
              // A combination that does not plan (or that the adapter refuses) emits nothing.
            }
          }
        }
      }
    }
  }
  return out;
}

const containers = [...exampleContainers(), ...planRecipes()];

// ---------------------------------------------------------------------------------------------------
// The contracts
// ---------------------------------------------------------------------------------------------------

describe('engine contract fixtures', () => {
  test.each(Object.entries(contracts))('%s cites its upstream sources', (_name, c) => {
    expect(c.sources.length).toBeGreaterThan(0);
    for (const s of c.sources) expect(s.repo && s.path && s.ref).toBeTruthy();
  });

  test('each pinned image has the fixture of its version (a pin cannot move without its contract)', () => {
    expect(contracts[PINNED.vllm].image).toBe(VLLM_IMAGE);
    expect(contracts[PINNED.tgi].image).toBe(TGI_IMAGE);
    expect(contracts[PINNED['tgi-neuron']].image).toBe(TGI_NEURON_IMAGE);
    expect(contracts[PINNED['llama-cpp']].image).toBe(LLAMA_CPP_IMAGE);
    expect(contracts[PINNED.ollama].image).toBe(OLLAMA_IMAGE);
    expect(contracts[PINNED['triton-trtllm']].image).toBe(TRITON_TRTLLM_IMAGE);
    expect(contracts[PINNED.tei].version).toBe(TEI_VERSION);
  });

  test('many plans and every example were walked, for every engine', () => {
    const engines = new Set(containers.map((c) => c.engine));
    expect([...engines].sort()).toEqual(Object.keys(PINNED).sort());
    expect(containers.length).toBeGreaterThan(200);
  });
});

describe('every emitted flag is one the pinned version accepts', () => {
  const byEngine = Object.keys(PINNED) as Engine[];
  test.each(byEngine)('%s', (engine) => {
    const unknown = new Set<string>();
    let checked = 0;
    for (const c of containers.filter((x) => x.engine === engine)) {
      for (const inv of invocations(c.command, c.args)) {
        const name = inv.program === '<entrypoint>' ? PINNED[engine] : PROGRAMS[inv.program];
        if (!name) continue; // helper tools (shell builtins, python3 -c, ollama CLI, TensorRT-LLM scripts)
        checked++;
        for (const flag of flagsOf(inv.argv)) {
          if (!contracts[name].flags.includes(flag)) unknown.add(`${inv.program} ${flag} (${name}; e.g. ${c.where})`);
        }
      }
    }
    expect([...unknown]).toEqual([]);
    // Ollama takes env only; Triton's scripts are not parsed (fixture notes).
    if (!['ollama', 'triton-trtllm'].includes(engine)) expect(checked).toBeGreaterThan(0);
  });
});

describe("every emitted env var is one the pinned version reads (or the container's own script reads)", () => {
  test.each(Object.keys(PINNED) as Engine[])('%s', (engine) => {
    const unknown = new Set<string>();
    for (const c of containers.filter((x) => x.engine === engine)) {
      for (const name of c.env) {
        if (contracts[PINNED[engine]].env.includes(name)) continue;
        if (contracts['nccl-libfabric'].env.includes(name)) continue; // multi-node interconnect, read by NCCL/libfabric
        if (scriptReads(c.command, c.args, name)) continue;
        unknown.add(`${name} (${c.where})`);
      }
    }
    expect([...unknown]).toEqual([]);
  });
});

describe('every metric the autoscalers query is one the pinned version exports', () => {
  test.each(Object.entries(ENGINE_METRICS))('%s', (engine, metrics) => {
    const exported = contracts[PINNED[engine as Engine]].metrics;
    for (const metric of [...metrics.exported, ...(metrics.queue ? [metrics.queue] : [])]) {
      // Triton's ratio is a recorded series over two exported counters.
      const series = metric === TRITON_QUEUE_COMPUTE_RATIO ? [...signalExpression(metric, { namespace: 'n', instance: 'i' }).matchAll(/\b(nv_[a-z_]+)\{/g)].map((m) => m[1]) : [metric];
      for (const s of series) expect({ engine, metric: s, exported: exported.includes(s) }).toEqual({ engine, metric: s, exported: true });
    }
  });
});

describe('the contracts catch what they are for', () => {
  test('TEI 1.8.3 had no --served-model-name (issue 13 defect 1): the flag is only emitted against a version that has it', () => {
    // router/src/main.rs @ v1.8.3 (scripts/engine-contracts/clap-args.py): the field arrived in v1.9.0.
    const emitted = containers.filter((c) => c.engine === 'tei').flatMap((c) => flagsOf(c.args ?? []));
    expect(emitted).toContain('--served-model-name');
    expect(contracts[PINNED.tei].flags).toContain('--served-model-name');
    // The previous pin's contract would have caught the crash-loop.
    expect(contracts['tei-1.8.3'].flags).not.toContain('--served-model-name');
    expect(PINNED.tei).not.toBe('tei-1.8.3');
  });

  test('vLLM under `vllm serve`: the model is positional, never --model (issue 13 defect 12)', () => {
    expect(contracts[PINNED.vllm].flags).not.toContain('--model');
    const serve = containers
      .filter((c) => c.engine === 'vllm')
      .flatMap((c) => invocations(c.command, c.args))
      .filter((i) => i.program === 'vllm serve');
    expect(serve.length).toBeGreaterThan(0);
    for (const inv of serve) expect(inv.argv[0]).not.toMatch(/^-/);
  });

  test('TGI-neuron 3.3.6 reads MAX_BATCH_SIZE/MAX_TOTAL_TOKENS, not HF_BATCH_SIZE/HF_SEQUENCE_LENGTH (defect 12)', () => {
    expect(contracts[PINNED['tgi-neuron']].env).toEqual(expect.arrayContaining(['MAX_BATCH_SIZE', 'MAX_TOTAL_TOKENS', 'HF_NUM_CORES', 'HF_AUTO_CAST_TYPE']));
    expect(contracts[PINNED['tgi-neuron']].env).not.toContain('HF_BATCH_SIZE');
  });
});

describe('recording rules see enough scrapes (issue 13 defect 12: Triton rate window vs scrape interval)', () => {
  /** Prometheus duration (`15s`, `1m`) in seconds. */
  const seconds = (d: string): number => {
    const m = /^(\d+)(s|m|h)$/.exec(d);
    if (!m) throw new Error(`not a duration: ${d}`);
    return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
  };

  test('every rate() window of every example recording rule spans >= 2 scrapes of the PodMonitor that feeds it', () => {
    const app = Testing.app();
    let checked = 0;
    for (const chart of allExamples(app)) {
      const objects = Testing.synth(chart) as any[];
      const monitors = objects.filter((o) => o.kind === 'PodMonitor');
      for (const rule of objects.filter((o) => o.kind === 'PrometheusRule')) {
        for (const r of rule.spec.groups.flatMap((g: any) => g.rules)) {
          for (const m of String(r.expr).matchAll(/rate\([a-z_:]+\{[^}]*app_kubernetes_io_instance="([^"]+)"[^}]*\}\[(\w+)\]\)/g)) {
            const monitor = monitors.find((p) => Object.values(p.spec.selector.matchLabels).includes(m[1]));
            expect(monitor).toBeDefined();
            // No interval = Prometheus' global scrape_interval (1m by default): one sample per 1m window.
            const interval = monitor.spec.podMetricsEndpoints[0].interval;
            expect(interval).toBeDefined();
            expect(seconds(m[2]) / seconds(interval)).toBeGreaterThanOrEqual(2);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
