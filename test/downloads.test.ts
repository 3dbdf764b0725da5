/**
 * What each engine downloads (issue 13 defects 2 and 3): the prefetch step fetches only what the engine
 * loads, and cache sizes and startup budgets are sized from the download, not from the served format.
 * Facts: hub file listings (test/fixtures/hub-repos, cited there) and the catalog's parameter counts.
 */
import { Chart, Testing } from 'cdk8s';
import { GiB } from '../lib/catalog/units';
import { lookupModel } from '../lib/catalog/models';
import { LlmWorker, type LlmWorkerProps } from '../lib/constructs';
import { downloadPlan, loadedWeightBytes, recipeFor, type EngineOptions, type EnvVar } from '../lib/engines';
import { planModel } from '../lib/sizing';
import { DEFAULT_LOAD_BANDWIDTH } from '../lib/sizing/startup';
import llama70bRepo from './fixtures/hub-repos/llama-3.1-70b-instruct.json';
import mistralRepo from './fixtures/hub-repos/mistral-7b-instruct-v0.3.json';

/** huggingface_hub `filter_repo_objects`: fnmatch, where `*` also matches `/`; a pattern ending in `/` gets `*`. */
function fnmatch(name: string, pattern: string): boolean {
  const p = pattern.endsWith('/') ? `${pattern}*` : pattern;
  const re = p
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}
function snapshotFilter(files: readonly string[], allow: readonly string[] | null, ignore: readonly string[] | null): string[] {
  return files.filter((f) => (allow === null || allow.some((p) => fnmatch(f, p))) && !(ignore ?? []).some((p) => fnmatch(f, p)));
}

const base: EngineOptions = { servedModelName: 'm', cachePath: '/models', prefetch: { timeoutSeconds: 3600, retries: 3 } };
const value = (env: readonly EnvVar[] | undefined, name: string): string | undefined => {
  const e = (env ?? []).find((x) => x.name === name);
  return e && 'value' in e ? e.value : undefined;
};

/** The files the prefetch step's snapshot_download fetches from a real repo listing. */
function prefetched(plan: ReturnType<typeof planModel>, files: readonly string[]): string[] {
  const step = recipeFor(plan, base).initSteps.find((s) => s.name === 'download-weights');
  expect(step).toBeDefined();
  return snapshotFilter(files, JSON.parse(value(step!.env, 'ALLOW')!), JSON.parse(value(step!.env, 'IGNORE')!));
}

describe('defect 2: the prefetch downloads only what the engine loads', () => {
  test('Llama-3.1-70B on vLLM: the 30 HF shards and tokenizer, not original/*.pth (~141 GB of Meta-format copies)', () => {
    const plan = planModel({ model: 'meta-llama/Llama-3.1-70B-Instruct', instanceType: 'p4de.24xlarge' });
    const files = prefetched(plan, llama70bRepo.files);
    expect(files.filter((f) => f.startsWith('original/'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.safetensors'))).toHaveLength(30);
    for (const needed of ['config.json', 'model.safetensors.index.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json']) {
      expect(files).toContain(needed);
    }
  });

  test('Mistral-7B-v0.3 on vLLM and TGI: the three shards, not the consolidated.safetensors copy; the server then runs offline', () => {
    for (const engine of ['vllm', 'tgi'] as const) {
      const plan = planModel({ model: 'mistralai/Mistral-7B-Instruct-v0.3', instanceType: 'g5.xlarge', engine });
      const files = prefetched(plan, mistralRepo.files);
      expect(files).not.toContain('consolidated.safetensors');
      expect(files.filter((f) => f.endsWith('.safetensors'))).toEqual(['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors']);
      expect(files).toEqual(expect.arrayContaining(['tokenizer.model.v3', 'tokenizer.json', 'params.json']));
      // Without HF_HUB_OFFLINE the server would fetch the left-out copy at start (TGI weight_hub_files lists it).
      expect(value(recipeFor(plan, base).env, 'HF_HUB_OFFLINE')).toBe('1');
    }
  });

  test('the 70B download fits the default claim it gets', () => {
    const plan = planModel({ model: 'meta-llama/Llama-3.1-70B-Instruct', instanceType: 'p4de.24xlarge' });
    const shards = plan.model.totalParams * 2; // bf16 checkpoint, catalog parameter count
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'llm' });
    new LlmWorker(chart, 'llama', { model: 'meta-llama/Llama-3.1-70B-Instruct', instanceType: 'p4de.24xlarge', prefetch: base.prefetch, modelCache: { type: 'pvc' } });
    const claim = (Testing.synth(chart) as Array<{ kind: string; spec?: { resources?: { requests?: { storage?: string } } } }>).find((o) => o.kind === 'PersistentVolumeClaim');
    const gi = Number(/^(\d+)Gi$/.exec(claim!.spec!.resources!.requests!.storage!)![1]);
    const filesOnDisk = prefetched(plan, llama70bRepo.files);
    // What the patterns fetch is the shards (plus small files): it fits; shards + original copies would not.
    expect(filesOnDisk.some((f) => f.endsWith('.pth'))).toBe(false);
    expect(gi * GiB).toBeGreaterThan(shards);
    expect(gi * GiB).toBeLessThan(2 * shards);
  });
});

describe('defect 3: caches and startup budgets are sized from what the engine downloads', () => {
  const mistral = lookupModel('mistralai/Mistral-7B-Instruct-v0.3')!;
  const bf16 = mistral.totalParams * 2;

  function emptyDirGiB(props: LlmWorkerProps): number {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'llm' });
    new LlmWorker(chart, 'mistral', props);
    const deployment = (Testing.synth(chart) as Array<{ kind: string; spec?: any }>).find((o) => o.kind === 'Deployment');
    const volume = deployment!.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'model-cache');
    return Number(/^(\d+)Gi$/.exec(volume.emptyDir.sizeLimit)![1]);
  }

  test.each(['eetq', 'bitsandbytes-nf4', 'fp8'] as const)('TGI --quantize %s loads the 16-bit checkpoint: the cache holds it', (quantization) => {
    const instanceType = quantization === 'fp8' ? 'g6.xlarge' : 'g4dn.xlarge';
    const plan = planModel({ model: mistral.id, engine: 'tgi', quantization, instanceType });
    expect(downloadPlan(plan, { ...base, prefetch: undefined }).bytes).toBeGreaterThanOrEqual(bf16);
    // Without prefetch TGI also fetches consolidated.safetensors (every top-level *.safetensors): ~27 GiB.
    expect(emptyDirGiB({ model: mistral.id, engine: 'tgi', quantization, instanceType }) * GiB).toBeGreaterThanOrEqual(2 * bf16);
    // With prefetch (shards only, then offline) the 16-bit shards alone.
    expect(emptyDirGiB({ model: mistral.id, engine: 'tgi', quantization, instanceType, prefetch: base.prefetch }) * GiB).toBeGreaterThanOrEqual(bf16);
  });

  test('the startup budget covers the download at the load bandwidth', () => {
    const plan = planModel({ model: mistral.id, engine: 'tgi', quantization: 'eetq', instanceType: 'g4dn.xlarge' });
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'llm' });
    const worker = new LlmWorker(chart, 'mistral', { model: mistral.id, engine: 'tgi', quantization: 'eetq', instanceType: 'g4dn.xlarge' });
    const probe = (Testing.synth(chart) as Array<{ kind: string; spec?: any }>).find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0].startupProbe;
    const budget = probe.failureThreshold * probe.periodSeconds + (probe.initialDelaySeconds ?? 0);
    expect(budget).toBeGreaterThanOrEqual((2 * bf16) / DEFAULT_LOAD_BANDWIDTH + worker.recipe.initSeconds);
    expect(plan.quantization).toBe('eetq');
  });

  test('the Neuron backend snapshots everything but *.bin: Meta original/ copies count', () => {
    const plan = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'tgi-neuron', instanceType: 'inf2.8xlarge' });
    expect(downloadPlan(plan, base).bytes).toBeGreaterThanOrEqual(2 * plan.model.totalParams * 2);
    expect(downloadPlan(plan, base).ignorePatterns).toEqual(['*.bin']);
  });
});

describe('natively quantized checkpoints download as they are', () => {
  test('an fp8 release (DeepSeek-V3 ships fp8 weights) on vLLM fp8 downloads fp8 bytes, not a 16-bit checkpoint that does not exist', () => {
    // The catalog field is filled by the sizing work; the fact itself: DeepSeek-V3's config.json has quantization_config fp8.
    const model = { ...lookupModel('deepseek-ai/DeepSeek-V3'), nativeQuantization: 'fp8' };
    // ~671B parameters at one byte each (plus 16-bit embeddings and norms), far below 2 bytes each.
    expect(loadedWeightBytes('vllm', model, 'fp8')).toBeLessThan(1.2 * model.totalParams);
    // A 16-bit release quantized at load downloads 2 bytes per parameter.
    const llama = lookupModel('meta-llama/Llama-3.1-8B-Instruct');
    expect(loadedWeightBytes('vllm', llama, 'fp8')).toBeGreaterThanOrEqual(2 * llama.totalParams);
  });
});
