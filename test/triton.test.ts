/**
 * Triton + TensorRT-LLM (issue 6): the recipe is checked against the sizing PLAN (GPUs = TP x PP, the
 * engine directory keyed by the plan's TP and PP, build limits inside the startup budget), its scripts
 * are run against stub binaries, and the synthesized chart is checked for Kubernetes semantics (ports
 * resolve by name, the PodMonitor scrapes the metrics port, the init step prepares what the server reads)
 * and against upstream schemas.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { tritonExample } from '../examples/triton';
import { lookupModel } from '../lib/catalog/models';
import { AutoscaledTriton, type AutoscaledTritonProps } from '../lib/constructs/autoscaled-triton';
import { defaultCacheGiB } from '../lib/constructs/model-cache';
import { recipeFor } from '../lib/engines';
import { PREPARE_SCRIPT, SERVE_SCRIPT, TRITON_ENV, scriptVariables } from '../lib/engines/triton-scripts';
import { TRITON_WORK_DIR, tritonCacheGiB, tritonTrtllmRecipe } from '../lib/engines/triton-trtllm';
import type { ContainerRecipe, EngineOptions, EnvVar } from '../lib/engines/types';
import { ValidationError } from '../lib/errors';
import { planModel, startupBudgetSeconds, type ModelPlan } from '../lib/sizing';
import { validateObject, type K8sObject } from './support/schemas';

type Obj = K8sObject & { spec?: any };

const secret = { name: 'hf-model-pull', key: 'password' };
const options: EngineOptions = { servedModelName: 'gpt2', cachePath: '/models', hfTokenSecret: secret };

const gpt2 = (): ModelPlan => planModel({ model: 'openai-community/gpt2', accelerator: 'A10G', engine: 'triton-trtllm' });
const llamaTp2 = (): ModelPlan => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', instanceType: 'g5.12xlarge', engine: 'triton-trtllm', tensorParallel: 2 });
/** The planner gives triton-trtllm no pipeline parallelism yet; TensorRT-LLM has it, and the recipe must follow a plan that does. */
const llamaTp2Pp2 = (): ModelPlan => ({ ...llamaTp2(), pipelineParallel: 2, acceleratorsPerReplica: 4 });

function env(list: readonly EnvVar[] | undefined, name: string): EnvVar | undefined {
  const found = (list ?? []).filter((e) => e.name === name);
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0];
}

function literal(list: readonly EnvVar[] | undefined, name: string): string | undefined {
  const e = env(list, name);
  return e && 'value' in e ? e.value : undefined;
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** Env a container of the pod sees: its own plus the cache variables. */
function serverEnv(r: ContainerRecipe): EnvVar[] {
  return [...r.env, ...r.cacheEnv];
}

function initEnv(r: ContainerRecipe): EnvVar[] {
  return [...(r.initSteps[0].env ?? []), ...r.cacheEnv];
}

// ---------------------------------------------------------------------------------------------------
// Recipe against the plan
// ---------------------------------------------------------------------------------------------------

describe('Triton TensorRT-LLM recipe', () => {
  test.each([
    ['GPT-2, TP 1 x PP 1', gpt2],
    ['Llama-3.1-8B, TP 2 x PP 1', llamaTp2],
    ['Llama-3.1-8B, TP 2 x PP 2', llamaTp2Pp2],
  ])('%s: GPUs, ranks and the engine directory come from the plan', (_, makePlan) => {
    const plan = makePlan();
    const r = tritonTrtllmRecipe(plan, options);
    const ranks = plan.tensorParallel * plan.pipelineParallel;
    expect(r.accelerator).toEqual({ resource: 'nvidia.com/gpu', count: ranks });
    expect(literal(r.env, TRITON_ENV.tpSize)).toBe(String(plan.tensorParallel));
    expect(literal(r.env, TRITON_ENV.ppSize)).toBe(String(plan.pipelineParallel));
    expect(literal(r.env, TRITON_ENV.worldSize)).toBe(String(ranks));
    expect(literal(r.env, TRITON_ENV.maxSeqLen)).toBe(String(plan.maxContextLength));
    expect(Number(literal(r.env, TRITON_ENV.maxBatchSize))).toBeGreaterThanOrEqual(plan.concurrency);

    const engineDir = literal(r.env, TRITON_ENV.engineDir)!;
    expect(engineDir.startsWith(`${options.cachePath}/trtllm-engines/${plan.model.id}/`)).toBe(true);
    expect(engineDir.endsWith(`/tp${plan.tensorParallel}-pp${plan.pipelineParallel}`)).toBe(true);
    expect(engineDir).toContain(plan.accelerator.id);
    // The init step fills the same directory into the model repository.
    expect(literal(r.initSteps[0].env, TRITON_ENV.engineDir)).toBe(engineDir);
    expect(literal(r.env, TRITON_ENV.engineSource)).toBe('build');
  });

  test('another TP or PP is another engine directory', () => {
    const dirs = [gpt2(), llamaTp2(), llamaTp2Pp2(), { ...llamaTp2(), tensorParallel: 4, acceleratorsPerReplica: 4 }].map((plan) =>
      literal(tritonTrtllmRecipe(plan, options).env, TRITON_ENV.engineDir),
    );
    expect(new Set(dirs).size).toBe(dirs.length);
  });

  test('engine precision: fp16 for an fp32 checkpoint, bf16 where the checkpoint and the GPU have it', () => {
    expect(literal(tritonTrtllmRecipe(gpt2(), options).env, TRITON_ENV.dtype)).toBe('float16');
    expect(literal(tritonTrtllmRecipe(llamaTp2(), options).env, TRITON_ENV.dtype)).toBe('bfloat16');
    const t4 = planModel({ model: 'meta-llama/Llama-3.2-1B', accelerator: 'T4', engine: 'triton-trtllm' });
    expect(literal(tritonTrtllmRecipe(t4, options).env, TRITON_ENV.dtype)).toBe('float16');
  });

  test('ports, probes and metrics: http 8000, grpc 8001, metrics 8002 on the KServe v2 routes', () => {
    const r = tritonTrtllmRecipe(gpt2(), options);
    expect(r.ports).toEqual({ http: 8000, grpc: 8001, metrics: 8002 });
    expect(r.args).toEqual(expect.arrayContaining(['--http-port=8000', '--grpc-port=8001', '--metrics-port=8002']));
    expect(r.readyPath).toBe('/v2/health/ready');
    expect(r.healthPath).toBe('/v2/health/live');
    expect(r.metricsPath).toBe('/metrics');
    const repository = r.args.find((a) => a.startsWith('--model-repository='))!.split('=')[1];
    expect(literal(r.initSteps[0].env, TRITON_ENV.modelRepository)).toBe(repository);
    // The repository is on per-pod scratch the init step and the server both mount.
    expect(r.writablePaths).toContain(TRITON_WORK_DIR);
    expect(repository.startsWith(`${TRITON_WORK_DIR}/`)).toBe(true);
  });

  test('every phase is fail-fast and bounded; the server-side phases fit in the startup budget', () => {
    const plan = llamaTp2();
    const r = tritonTrtllmRecipe(plan, options);
    for (const script of [PREPARE_SCRIPT, SERVE_SCRIPT]) expect(script.split('\n')[0]).toBe('set -euo pipefail');
    expect(r.command).toEqual(['/bin/bash', '-c', SERVE_SCRIPT, 'triton-trtllm']);
    expect(r.initSteps[0].command).toEqual(['/bin/bash', '-c', PREPARE_SCRIPT, 'prepare-model-repository']);
    expect(SERVE_SCRIPT).toContain('timeout "$LLMC_CONVERT_TIMEOUT" python3 "$convert"');
    expect(SERVE_SCRIPT).toContain('timeout "$LLMC_BUILD_TIMEOUT" trtllm-build');
    expect(SERVE_SCRIPT).toMatch(/--tp_size "\$LLMC_TP_SIZE" --pp_size "\$LLMC_PP_SIZE"/);
    expect(PREPARE_SCRIPT).toContain('timeout "$LLMC_DOWNLOAD_TIMEOUT"');
    expect(PREPARE_SCRIPT).toContain('timeout "$LLMC_LAYOUT_TIMEOUT"');

    const convert = Number(literal(r.env, TRITON_ENV.convertTimeout));
    const build = Number(literal(r.env, TRITON_ENV.buildTimeout));
    expect(convert).toBeGreaterThan(0);
    expect(build).toBeGreaterThan(0);
    expect(r.initSeconds).toBeGreaterThan(convert + build);
    expect(startupBudgetSeconds(plan, r.initSeconds)).toBeGreaterThan(convert + build);
    expect(Number(literal(r.initSteps[0].env, TRITON_ENV.downloadTimeout))).toBeGreaterThan(0);
    expect(Number(literal(r.initSteps[0].env, TRITON_ENV.downloadRetries))).toBeGreaterThanOrEqual(1);
  });

  test('every variable a script reads is set in the container that runs it', () => {
    const r = tritonTrtllmRecipe(gpt2(), options);
    const names = (list: EnvVar[]) => new Set(list.map((e) => e.name));
    const server = names(serverEnv(r));
    const init = names(initEnv(r));
    for (const v of scriptVariables(SERVE_SCRIPT)) expect([v, server.has(v)]).toEqual([v, true]);
    for (const v of scriptVariables(PREPARE_SCRIPT)) expect([v, init.has(v)]).toEqual([v, true]);
  });

  test('the HF token only as a secretKeyRef, only where the hub is called', () => {
    const r = tritonTrtllmRecipe(gpt2(), options);
    expect(env(r.initSteps[0].env, 'HF_TOKEN')).toEqual({ name: 'HF_TOKEN', secretKeyRef: secret });
    expect(env(r.env, 'HF_TOKEN')).toBeUndefined();
    expect(literal(r.env, 'HF_HUB_OFFLINE')).toBe('1');
    expect(literal(r.cacheEnv, 'HF_HOME')).toBe(options.cachePath);
    for (const e of [...serverEnv(r), ...initEnv(r)]) {
      if ('value' in e) {
        expect(e.name).not.toMatch(/TOKEN/i);
        expect(e.value).not.toContain(secret.name);
      } else {
        expect(e.secretKeyRef).toEqual(secret);
      }
    }
    expect([...r.args, ...(r.command ?? []), ...r.initSteps.flatMap((s) => s.command)].join(' ')).not.toContain(secret.name);
  });

  test('prebuilt engines: the directory is declared, nothing is built, the budget is the load only', () => {
    const plan = llamaTp2();
    const built = tritonTrtllmRecipe(plan, options);
    const r = tritonTrtllmRecipe(plan, { ...options, trtllmEngineDir: 'engines/llama-8b/tp2-pp1' });
    expect(literal(r.env, TRITON_ENV.engineDir)).toBe('/models/engines/llama-8b/tp2-pp1');
    expect(literal(r.initSteps[0].env, TRITON_ENV.engineDir)).toBe('/models/engines/llama-8b/tp2-pp1');
    expect(literal(r.env, TRITON_ENV.engineSource)).toBe('prebuilt');
    expect(r.initSeconds).toBeLessThan(built.initSeconds);
    expect(literal(tritonTrtllmRecipe(plan, { ...options, trtllmEngineDir: '/engines/x' }).env, TRITON_ENV.engineDir)).toBe('/engines/x');
    // Prebuilt engines may be quantized any way TensorRT-LLM can; the built-in pipeline builds 16-bit only.
    const fp8 = planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4', engine: 'triton-trtllm', quantization: 'fp8' });
    expect(catchError(() => tritonTrtllmRecipe(fp8, options))).toMatchObject({ code: 'trtllm-build-unsupported', field: 'quantization' });
    expect(literal(tritonTrtllmRecipe(fp8, { ...options, trtllmEngineDir: 'engines/fp8' }).env, TRITON_ENV.engineSource)).toBe('prebuilt');
  });

  test('a bad engine directory is refused, naming the option', () => {
    for (const dir of ['', '../elsewhere', 'a/../../b']) {
      const error = catchError(() => tritonTrtllmRecipe(gpt2(), { ...options, trtllmEngineDir: dir }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ field: 'trtllmEngineDir' });
    }
  });

  test('models the converters do not handle are refused at synth unless prebuilt', () => {
    const vision = planModel({ model: 'meta-llama/Llama-3.2-11B-Vision-Instruct', instanceType: 'g5.12xlarge', engine: 'triton-trtllm' });
    expect(catchError(() => tritonTrtllmRecipe(vision, options))).toMatchObject({ code: 'trtllm-build-unsupported', field: 'model' });
    const fp8Kv = planModel({ model: 'openai-community/gpt2', accelerator: 'L4', engine: 'triton-trtllm', kvCacheDtype: 'fp8' });
    expect(catchError(() => tritonTrtllmRecipe(fp8Kv, options))).toMatchObject({ field: 'kvCacheDtype' });
  });

  test('extraArgs reach every tritonserver rank; prefetch is refused (the init step downloads)', () => {
    const r = recipeFor(gpt2(), { ...options, extraArgs: ['--log-verbose=1'] });
    expect(r.args[r.args.length - 1]).toBe('--log-verbose=1');
    expect(SERVE_SCRIPT).toContain('exec tritonserver "$@"');
    expect(SERVE_SCRIPT).toContain('cmd+=(-n 1 tritonserver "$@"');
    expect(catchError(() => recipeFor(gpt2(), { ...options, prefetch: { timeoutSeconds: 60, retries: 1 } }))).toMatchObject({ field: 'prefetch' });
  });

  test('the build cache holds the checkpoint, the converted checkpoint and the engines', () => {
    const plan = gpt2();
    expect(tritonCacheGiB(plan.model)).toBeGreaterThan(defaultCacheGiB(plan));
    expect(tritonCacheGiB(plan.model) * 2 ** 30).toBeGreaterThan(3 * plan.memory.totalWeightsBytes);
  });
});

// ---------------------------------------------------------------------------------------------------
// The scripts, run against stub binaries
// ---------------------------------------------------------------------------------------------------

const canRun = spawnSync('bash', ['-c', 'command -v python3 && command -v timeout'], { encoding: 'utf8' }).status === 0;

describe('Triton TensorRT-LLM scripts (stubbed image)', () => {
  let root: string;
  const run = (script: string, name: string, vars: Record<string, string>, args: readonly string[] = []) =>
    spawnSync('bash', ['-c', script.split('/app/').join(`${root}/app/`), name, ...args], {
      encoding: 'utf8',
      env: { PATH: `${root}/bin:${process.env.PATH}`, PYTHONPATH: `${root}/py`, HOSTNAME: 'pod-a', ...vars },
    });

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'triton-'));
    const write = (file: string, text: string, mode = 0o644) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text, { mode });
    };
    write('hub/gpt2/config.json', '{"model_type": "gpt2"}');
    write('py/huggingface_hub/__init__.py', `def snapshot_download(repo, allow_patterns=None):\n    return ${JSON.stringify(path.join(root, 'hub/gpt2'))}\n`);
    // The real fill_template.py logic: Template + assert that each key exists.
    write(
      'app/tools/fill_template.py',
      [
        'import sys',
        'from string import Template',
        'path, subs = sys.argv[2], sys.argv[3]',
        'text = open(path).read()',
        'd = {"max_queue_size": 0, "max_queue_delay_microseconds": 0}',
        'for sub in subs.split(","):',
        '    k, v = sub.split(":", 1)',
        '    assert k in text, k',
        '    d[k] = v',
        'open(path, "w").write(Template(text).safe_substitute(d))',
        '',
      ].join('\n'),
    );
    write('app/all_models/inflight_batcher_llm/ensemble/config.pbtxt', 'max_batch_size: ${triton_max_batch_size}\noutput [ { data_type: ${logits_datatype} } ]\n');
    write(
      'app/all_models/inflight_batcher_llm/preprocessing/config.pbtxt',
      'max_batch_size: ${triton_max_batch_size}\nparameters { key: "tokenizer_dir" value: { string_value: "${tokenizer_dir}" } }\ninstance_group [ { count: ${preprocessing_instance_count} } ]\n',
    );
    write(
      'app/all_models/inflight_batcher_llm/tensorrt_llm/config.pbtxt',
      'backend: "${triton_backend}"\nmax_batch_size: ${triton_max_batch_size}\nmodel_transaction_policy { decoupled: ${decoupled_mode} }\nparameters: { key: "gpt_model_path" value: { string_value: "${engine_dir}" } }\nparameters: { key: "max_beam_width" value: { string_value: "${max_beam_width}" } }\n',
    );
    write(
      'app/all_models/inflight_batcher_llm/postprocessing/config.pbtxt',
      'max_batch_size: ${triton_max_batch_size}\nparameters { key: "tokenizer_dir" value: { string_value: "${tokenizer_dir}" } }\ninstance_group [ { count: ${postprocessing_instance_count} } ]\n',
    );
    write('app/examples/models/core/gpt/convert_checkpoint.py', 'import os, sys\na = sys.argv\nos.makedirs(a[a.index("--output_dir") + 1], exist_ok=True)\nprint("convert", " ".join(a[1:]))\n');
    write(
      'bin/trtllm-build',
      '#!/bin/bash\necho "trtllm-build $*"\nwhile [ $# -gt 0 ]; do case "$1" in --output_dir) out=$2; shift;; --workers) n=$2; shift;; esac; shift; done\nmkdir -p "$out"; echo {} > "$out/config.json"; for ((i = 0; i < n; i++)); do touch "$out/rank$i.engine"; done\n',
      0o755,
    );
    write('bin/tritonserver', '#!/bin/bash\necho "tritonserver $*"\n', 0o755);
    write('bin/mpirun', '#!/bin/bash\necho "mpirun $*"\n', 0o755);
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** The recipe's env for a container, with the paths moved under the stub root. */
  function vars(list: EnvVar[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of list) if ('value' in e) out[e.name] = e.value.replace(/^\/(models|triton)/, `${root}/$1`);
    return out;
  }

  (canRun ? test : test.skip)('prepare, then build once for TP x PP, publish, and reuse; MPI launch per rank', () => {
    const r = tritonTrtllmRecipe(llamaTp2Pp2(), options);
    fs.mkdirSync(`${root}/triton`, { recursive: true });
    const prepared = run(PREPARE_SCRIPT, 'prepare-model-repository', vars(initEnv(r)));
    expect(prepared.stderr).toBe('');
    expect(prepared.status).toBe(0);
    const trtllm = fs.readFileSync(`${root}/triton/model-repository/tensorrt_llm/config.pbtxt`, 'utf8');
    const engineDir = vars(serverEnv(r))[TRITON_ENV.engineDir];
    expect(trtllm).toContain(`string_value: "${engineDir}"`);
    expect(trtllm).toContain('max_batch_size: 256');
    expect(fs.readFileSync(`${root}/triton/model-repository/preprocessing/config.pbtxt`, 'utf8')).toContain(`${root}/hub/gpt2`);

    const first = run(SERVE_SCRIPT, 'triton-trtllm', vars(serverEnv(r)), r.args);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/convert .*--tp_size 2 --pp_size 2/);
    expect(first.stdout).toContain('trtllm-build');
    expect(fs.readdirSync(engineDir).sort()).toEqual(['config.json', 'rank0.engine', 'rank1.engine', 'rank2.engine', 'rank3.engine']);
    expect(fs.readdirSync(path.dirname(engineDir)).filter((d) => d.includes('.partial-'))).toEqual([]);
    const launch = first.stdout.trim().split('\n').pop()!;
    expect(launch.startsWith('mpirun --allow-run-as-root -n 1 tritonserver --model-repository=')).toBe(true);
    expect(launch.split(' : ')).toHaveLength(4);
    expect(launch.match(/--load-model=tensorrt_llm/g)).toHaveLength(3);

    const again = run(SERVE_SCRIPT, 'triton-trtllm', vars(serverEnv(r)), r.args);
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain('trtllm-build');
    expect(again.stdout).toContain('no build');
  });

  (canRun ? test : test.skip)('one GPU: tritonserver itself, with the recipe args', () => {
    const r = tritonTrtllmRecipe(gpt2(), options);
    fs.mkdirSync(`${root}/triton`, { recursive: true });
    expect(run(PREPARE_SCRIPT, 'prepare-model-repository', vars(initEnv(r))).status).toBe(0);
    const served = run(SERVE_SCRIPT, 'triton-trtllm', vars(serverEnv(r)), r.args);
    expect(served.status).toBe(0);
    expect(served.stdout.trim().split('\n').pop()).toBe(`tritonserver ${r.args.join(' ')} --backend-config=python,shm-region-prefix-name=prefix0_`);
  });

  (canRun ? test : test.skip)('missing prebuilt engines fail loudly, naming the directory, without building', () => {
    const r = tritonTrtllmRecipe(gpt2(), { ...options, trtllmEngineDir: 'engines/absent' });
    const result = run(SERVE_SCRIPT, 'triton-trtllm', vars(serverEnv(r)), r.args);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('prebuilt engines missing');
    expect(result.stderr).toContain('engines/absent');
    expect(result.stdout).not.toContain('trtllm-build');
  });

  (canRun ? test : test.skip)('a model type without a converter fails loudly before any build', () => {
    const r = tritonTrtllmRecipe(gpt2(), options);
    fs.writeFileSync(`${root}/triton/checkpoint-dir`, `${root}/hub/other\n`);
    fs.mkdirSync(`${root}/hub/other`, { recursive: true });
    fs.writeFileSync(`${root}/hub/other/config.json`, '{"model_type": "gemma2"}');
    const result = run(SERVE_SCRIPT, 'triton-trtllm', { ...vars(serverEnv(r)), [TRITON_ENV.engineDir]: `${root}/models/other` }, r.args);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('model_type gemma2');
  });
});

// ---------------------------------------------------------------------------------------------------
// The synthesized chart
// ---------------------------------------------------------------------------------------------------

function synth(chart: Chart): Obj[] {
  const objects = Testing.synth(chart) as Obj[];
  for (const o of objects) validateObject(o);
  return objects;
}

function only(objects: Obj[], kind: string): Obj {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

function build(props: AutoscaledTritonProps): { triton: AutoscaledTriton; objects: Obj[] } {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
  const triton = new AutoscaledTriton(chart, 'gpt2', props);
  return { triton, objects: synth(chart) };
}

describe('AutoscaledTriton', () => {
  const example = tritonExample(new App());
  const triton = example.node.findAll().find((c): c is AutoscaledTriton => c instanceof AutoscaledTriton)!;
  const objects = synth(example);
  const deployment = only(objects, 'Deployment');
  const pod = deployment.spec.template;
  const server = pod.spec.containers.find((c: any) => c.name === 'server');
  const init = pod.spec.initContainers.find((c: any) => c.name === 'prepare-model-repository');

  test('the example: every object validates; the autoscaler owns the replica count', () => {
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'Service', 'PodMonitor']));
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
    if (hpa) {
      expect(hpa.spec.minReplicas).toBe(1);
      expect(hpa.spec.maxReplicas).toBe(4);
      expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata!.name });
    }
  });

  test('the Triton container exposes http, grpc and metrics by name', () => {
    const ports = Object.fromEntries(server.ports.map((p: any) => [p.name, p.containerPort]));
    expect(ports).toEqual({ http: 8000, grpc: 8001, metrics: 8002 });
    expect(server.startupProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 'http' });
    expect(server.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 'http' });
    expect(server.livenessProbe.httpGet).toEqual({ path: '/v2/health/live', port: 'http' });
  });

  test('the Service and the PodMonitor refer to the container ports by name', () => {
    const names = new Set(server.ports.map((p: any) => p.name));
    const service = only(objects, 'Service');
    for (const p of service.spec.ports) expect(names.has(p.targetPort)).toBe(true);
    expect(Object.fromEntries(service.spec.ports.map((p: any) => [p.name, p.port]))).toEqual({ http: 8000, grpc: 8001, metrics: 8002 });
    for (const [k, v] of Object.entries(service.spec.selector)) expect(pod.metadata.labels[k]).toBe(v);

    const monitor = only(objects, 'PodMonitor');
    expect(monitor.spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics' })]);
    for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels)) expect(pod.metadata.labels[k]).toBe(v);
  });

  test('GPUs = TP x PP of the plan; the startup probe allows the build', () => {
    expect(triton.plan).toBe(triton.worker.plan);
    expect(server.resources.limits['nvidia.com/gpu']).toBe(triton.plan.tensorParallel * triton.plan.pipelineParallel);
    const budget = server.startupProbe.periodSeconds * server.startupProbe.failureThreshold;
    expect(budget).toBeGreaterThanOrEqual(triton.worker.recipe.initSeconds);
    expect(triton.serviceName).toBe(triton.worker.serviceName);
  });

  test('the init step prepares what the server reads, with the token by reference only', () => {
    expect(init.image).toBe(server.image);
    const mounts = (c: any) => c.volumeMounts.map((m: any) => `${m.name}:${m.mountPath}`).sort();
    expect(mounts(init)).toEqual(mounts(server));
    expect(server.volumeMounts.map((m: any) => m.mountPath)).toContain(TRITON_WORK_DIR);
    expect(init.env.find((e: any) => e.name === 'HF_TOKEN')).toEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: secret } });
    expect(server.env.find((e: any) => e.name === 'HF_TOKEN')).toBeUndefined();
    for (const e of [...init.env, ...server.env]) if ('value' in e) expect(e.value).not.toContain(secret.name);
  });

  test('the default cache is large enough for the build', () => {
    const cache = pod.spec.volumes.find((v: any) => v.name === 'model-cache');
    expect(parseInt(cache.emptyDir.sizeLimit, 10)).toBe(tritonCacheGiB(lookupModel('openai-community/gpt2')));
  });

  test('TP 2 on a 4-GPU instance: two GPUs, two ranks, the engine directory keyed tp2-pp1', () => {
    const { triton, objects: objs } = build({ model: 'meta-llama/Llama-3.1-8B-Instruct', instanceType: 'g5.12xlarge', tensorParallel: 2, maxReplicas: 2 });
    const c = only(objs, 'Deployment').spec.template.spec.containers[0];
    expect(c.resources.limits['nvidia.com/gpu']).toBe(2);
    expect(triton.plan.tensorParallel).toBe(2);
    const value = (name: string) => c.env.find((e: any) => e.name === name)?.value;
    expect(value(TRITON_ENV.worldSize)).toBe('2');
    expect(value(TRITON_ENV.engineDir)).toMatch(/\/tp2-pp1$/);
  });

  test('prebuilt engines: the claim is the cache, the path reaches both containers, nothing is built', () => {
    const { objects: objs } = build({ model: 'openai-community/gpt2', accelerator: 'A10G', prebuiltEngines: { claimName: 'trtllm-engines', path: 'engines/gpt2/tp1-pp1' } });
    const template = only(objs, 'Deployment').spec.template;
    expect(template.spec.volumes.find((v: any) => v.name === 'model-cache')).toEqual({ name: 'model-cache', persistentVolumeClaim: { claimName: 'trtllm-engines' } });
    for (const c of [template.spec.containers[0], template.spec.initContainers[0]]) {
      const value = (name: string) => c.env.find((e: any) => e.name === name)?.value;
      // Resolved on the cache mount, where the claim is.
      expect(value(TRITON_ENV.engineDir)).toBe('/models/engines/gpt2/tp1-pp1');
      expect(value(TRITON_ENV.engineSource)).toBe('prebuilt');
    }
  });

  test('bad input: prebuilt engines and a cache, an absolute engine path', () => {
    const base = { model: 'openai-community/gpt2', accelerator: 'A10G' };
    expect(catchError(() => build({ ...base, prebuiltEngines: { claimName: 'c', path: 'e' }, modelCache: { type: 'emptyDir' } }))).toMatchObject({ field: 'prebuiltEngines' });
    expect(catchError(() => build({ ...base, prebuiltEngines: { claimName: 'c', path: '/abs' } }))).toMatchObject({ field: 'prebuiltEngines.path' });
    expect(catchError(() => build({ ...base, prebuiltEngines: { claimName: 'c', path: 'a/../../b' } }))).toMatchObject({ field: 'prebuiltEngines.path' });
    expect(catchError(() => build({ ...base, prebuiltEngines: { claimName: ' ', path: 'e' } }))).toMatchObject({ field: 'prebuiltEngines.claimName' });
  });
});
