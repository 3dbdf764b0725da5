/**
 * The stacks the synthesis benchmark builds: an LlmStack with N LlmWorkers (a mix of models, engines
 * and instance types, each planned on a fixed instance type so that planning stays cheap), and the
 * raw-cdk8s baseline that emits the very same JSON objects as plain `ApiObject`s.
 */
import { ApiObject, App, Chart, type ApiObjectProps } from 'cdk8s';
import { InferenceGateway, LlmStack, LlmWorker, type LlmWorkerProps } from '../lib';

/** How the workers are reached (the stack's checks require one or the other). */
export type Scenario = 'internal' | 'gateway';
export const SCENARIOS: readonly Scenario[] = ['internal', 'gateway'];

/** Cycled over the workers: vLLM, TGI and llama.cpp on L4, A10G, L40S and T4 nodes; some replicated (PDB). */
const MIX: readonly LlmWorkerProps[] = [
  { model: 'meta-llama/Llama-3.1-8B-Instruct', instanceType: 'g6.xlarge', maxContextLength: 4096 },
  { model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi', instanceType: 'g5.xlarge', maxContextLength: 4096 },
  { model: 'Qwen/Qwen2.5-7B-Instruct', instanceType: 'g6e.xlarge', replicas: 2 },
  {
    model: 'meta-llama/Llama-3.2-3B-Instruct',
    engine: 'llama-cpp',
    quantization: 'gguf-q4_k_m',
    instanceType: 'g4dn.xlarge',
    ggufRepo: 'bartowski/Llama-3.2-3B-Instruct-GGUF',
    ggufFile: 'Llama-3.2-3B-Instruct-Q4_K_M.gguf',
  },
  { model: 'google/gemma-2-9b-it', instanceType: 'g6e.xlarge' },
];

/**
 * `internal`: every worker `internal: true` (reachable from its namespace, one allow policy each).
 * `gateway`: every worker behind one LiteLLM InferenceGateway (its proxy, config, HPA, PDB and the
 * per-worker deny/allow/metrics policies).
 */
export function buildStack(workers: number, scenario: Scenario): { app: App; stack: LlmStack } {
  const app = new App();
  const stack = new LlmStack(app, 'bench', { namespace: 'bench', team: 'perf', costCenter: 'cc-1' });
  const list: LlmWorker[] = [];
  for (let i = 0; i < workers; i++) {
    list.push(new LlmWorker(stack, `w${i}`, { ...MIX[i % MIX.length], servedModelName: `model-${i}`, internal: scenario === 'internal' }));
  }
  if (scenario === 'gateway') {
    new InferenceGateway(stack, 'gateway', { backends: list, apiKeySecret: { name: 'llm-api-keys', key: 'master-key' } });
  }
  return { app, stack };
}

/** The same objects through plain cdk8s: one `ApiObject` per JSON object in a fresh App and Chart. */
export function buildRaw(objects: readonly ApiObjectProps[]): { app: App; chart: Chart } {
  const app = new App();
  const chart = new Chart(app, 'raw');
  for (let i = 0; i < objects.length; i++) new ApiObject(chart, `o${i}`, objects[i]);
  return { app, chart };
}

/** Runs what `app.synth()` / `app.synthYaml()` run before rendering: every construct's validations. */
export function validateTree(app: App): string[] {
  return app.node.findAll().flatMap((c) => c.node.validate().map((e) => `[${c.node.path}] ${e}`));
}

/** Deep equality up to key order (LlmStack adds labels after cdk8s sorted the keys). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
