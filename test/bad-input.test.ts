/**
 * Bad input, table-driven. Every case is something a plain JavaScript caller, a typo or a wrong guess
 * about the hardware could pass. The contract, per case:
 *
 *  - the error is the library's own (`LlmConstructsError`), never a TypeError, a RangeError or a trace
 *    from inside cdk8s;
 *  - its `field` is the prop (or flag) at fault, and its headline (the message before the suggestions)
 *    names that prop and shows the offending value;
 *  - its `suggestions` say what would work;
 *  - nothing is synthesized: constructors throw before `Testing.synth`; what can only be checked over
 *    the whole tree fails `Testing.synth` with a message that names the construct.
 *
 * CLI cases run the BUILT binary (`npm run build` first): exit 1 for a bad value, 2 for wrong usage,
 * stderr names the flag and shows no JavaScript stack.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  AutoscaledTriton,
  GpuNodePool,
  InferenceGateway,
  LeaderWorkerSet,
  LlmStack,
  LlmWorker,
  type AutoscaledTritonProps,
  type GpuNodePoolProps,
  type InferenceGatewayProps,
  type LlmStackProps,
  type LlmWorkerProps,
} from '../lib/constructs';
import { LlmConstructsError } from '../lib/errors';
import { planModel } from '../lib/sizing/planner';
import { LlmStackComponent, type LlmStackComponentArgs } from '../lib/pulumi';
import type { PlanRequest } from '../lib/sizing/types';

// ---------------------------------------------------------------------------------------------------
// What a plain JavaScript caller may pass: anything. These helpers cast once, here.
// ---------------------------------------------------------------------------------------------------

type Loose = Record<string, unknown>;

const MISTRAL = 'mistralai/Mistral-7B-Instruct-v0.3';
const KARPENTER = { type: 'karpenter' as const, clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' };
const API_KEY = { name: 'llm-api-keys', key: 'master-key' };

const worker = (scope: Construct, props: unknown, id = 'model') => new LlmWorker(scope, id, props as LlmWorkerProps);
const pool = (scope: Construct, props: unknown, id = 'pool') => new GpuNodePool(scope, id, props as GpuNodePoolProps);
const gateway = (scope: Construct, props: unknown, id = 'gateway') => new InferenceGateway(scope, id, props as InferenceGatewayProps);
const triton = (scope: Construct, props: unknown, id = 'triton') => new AutoscaledTriton(scope, id, props as AutoscaledTritonProps);
const plan = (request: unknown) => planModel(request as PlanRequest);

/** A valid worker, small enough for any test (Mistral-7B on an A10G). */
const mistral = (scope: Construct, extra: Loose = {}, id = 'mistral') => worker(scope, { model: MISTRAL, accelerator: 'A10G', ...extra }, id);
/** A valid Karpenter pool of A10G instances. */
const a10gPool = (scope: Construct, extra: Loose = {}) => pool(scope, { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: 8, ...extra }, 'a10g');
/** A valid on-prem pool of 2 x 8 A100-40GB, with more provisioner settings or plumbing (time-slicing) when asked. */
const onPremPool = (scope: Construct, onPrem: Loose = {}, plumbing?: Loose) =>
  pool(scope, { accelerator: 'A100-40GB', provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8, ...onPrem }, plumbing }, 'onprem');

/** How a value shows in a message: strings as themselves (quoted or not), numbers by String, objects as JSON. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function headline(error: LlmConstructsError): string {
  return error.message.split('\n')[0];
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

interface Case {
  readonly label: string;
  /** Expected `error.field`; its last segment must appear in the headline. */
  readonly field: string;
  /** The offending value: its rendering must appear in the headline. */
  readonly value?: unknown;
  /** Instead of `value`: every string here must appear in the headline (conflicts name both sides). */
  readonly shows?: readonly string[];
  /** Builds the bad construct (or calls the planner) in a fresh chart. */
  readonly build: (chart: Chart) => unknown;
}

/** The per-case contract. */
function expectGoodError(error: unknown, c: Case): void {
  if (!(error instanceof LlmConstructsError)) {
    // Show what came out instead (a TypeError and its stack, a cdk8s trace) rather than a bare "false".
    throw new Error(`${c.label}: expected an LlmConstructsError, got ${error instanceof Error ? `${error.name}: ${error.stack}` : String(error)}`);
  }
  const head = headline(error);
  expect({ label: c.label, field: error.field }).toEqual({ label: c.label, field: c.field });
  const prop = c.field.split('.').pop()!;
  expect(head).toContain(prop);
  for (const shown of c.shows ?? [render(c.value)]) expect(head).toContain(shown);
  expect(error.suggestions.length).toBeGreaterThan(0);
  for (const suggestion of error.suggestions) expect(suggestion.trim()).not.toBe('');
  expect(typeof error.code).toBe('string');
}

/** Runs a construct case: it must throw in the constructor, before anything could be synthesized. */
function runConstructCase(c: Case): void {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace: 'llm' });
  let error = thrownBy(() => c.build(chart));
  if (error === undefined) {
    // No throw: whatever synth does now, a manifest must not come out.
    let objects: Array<{ kind?: string }> = [];
    error = thrownBy(() => {
      objects = Testing.synth(chart);
    });
    if (error === undefined) throw new Error(`${c.label}: accepted silently, synthesized ${objects.map((o) => o.kind).join(', ')}`);
    throw new Error(`${c.label}: the constructor accepted it; only synth failed: ${(error as Error).message}`);
  }
  expectGoodError(error, c);
}

// ---------------------------------------------------------------------------------------------------
// planModel
// ---------------------------------------------------------------------------------------------------

const plannerCases: Case[] = [
  { label: 'request null', field: 'request', value: null, build: () => plan(null) },
  { label: 'request an array', field: 'request', value: [MISTRAL], build: () => plan([MISTRAL]) },
  { label: 'model missing', field: 'model', value: undefined, build: () => plan({ accelerator: 'A10G' }) },
  { label: 'model a number', field: 'model', value: 42, build: () => plan({ model: 42 }) },
  { label: 'model an array', field: 'model', value: [MISTRAL], build: () => plan({ model: [MISTRAL] }) },
  { label: 'model unknown', field: 'model', value: 'meta-llama/Llama-9-1T', build: () => plan({ model: 'meta-llama/Llama-9-1T' }) },
  { label: 'model object without layers', field: 'model.layers', value: undefined, build: () => plan({ model: { id: 'acme/x', totalParams: 7e9, hiddenSize: 4096 } }) },
  { label: 'engine vllm2', field: 'engine', value: 'vllm2', build: () => plan({ model: MISTRAL, engine: 'vllm2' }) },
  { label: 'quantization int3', field: 'quantization', value: 'int3', build: () => plan({ model: MISTRAL, quantization: 'int3' }) },
  { label: 'kvCacheDtype fp4', field: 'kvCacheDtype', value: 'fp4', build: () => plan({ model: MISTRAL, kvCacheDtype: 'fp4' }) },
  { label: 'GGUF on tgi', field: 'quantization', value: 'gguf-q4_k_m', build: () => plan({ model: MISTRAL, engine: 'tgi', quantization: 'gguf-q4_k_m' }) },
  { label: 'fp8 KV cache on llama-cpp', field: 'kvCacheDtype', value: 'fp8', build: () => plan({ model: MISTRAL, engine: 'llama-cpp', kvCacheDtype: 'fp8' }) },
  { label: "concurrency '8' (a string)", field: 'concurrency', value: "'8'", build: () => plan({ model: MISTRAL, concurrency: '8' }) },
  { label: 'concurrency NaN', field: 'concurrency', value: NaN, build: () => plan({ model: MISTRAL, concurrency: NaN }) },
  { label: 'concurrency Infinity', field: 'concurrency', value: Infinity, build: () => plan({ model: MISTRAL, concurrency: Infinity }) },
  { label: 'concurrency -3', field: 'concurrency', value: -3, build: () => plan({ model: MISTRAL, concurrency: -3 }) },
  { label: 'concurrency 0', field: 'concurrency', value: 0, build: () => plan({ model: MISTRAL, concurrency: 0 }) },
  { label: 'concurrency 1e12', field: 'concurrency', value: 1e12, build: () => plan({ model: MISTRAL, concurrency: 1e12 }) },
  { label: 'concurrency 2.5', field: 'concurrency', value: 2.5, build: () => plan({ model: MISTRAL, concurrency: 2.5 }) },
  { label: 'maxContextLength 10_000_000', field: 'maxContextLength', value: 10_000_000, build: () => plan({ model: MISTRAL, maxContextLength: 10_000_000 }) },
  { label: 'maxContextLength 0', field: 'maxContextLength', value: 0, build: () => plan({ model: MISTRAL, maxContextLength: 0 }) },
  { label: 'maxContextLength an object', field: 'maxContextLength', value: { tokens: 4096 }, build: () => plan({ model: MISTRAL, maxContextLength: { tokens: 4096 } }) },
  { label: 'tensorParallel 3 on 32 heads', field: 'tensorParallel', value: 3, build: () => plan({ model: 'meta-llama/Llama-3.1-8B-Instruct', tensorParallel: 3 }) },
  { label: "tensorParallel 'abc'", field: 'tensorParallel', value: "'abc'", build: () => plan({ model: MISTRAL, tensorParallel: 'abc' }) },
  { label: 'tensorParallel 2 on ollama', field: 'tensorParallel', value: 2, build: () => plan({ model: MISTRAL, engine: 'ollama', tensorParallel: 2 }) },
  { label: 'pipelineParallel above the layer count', field: 'pipelineParallel', value: 1000, build: () => plan({ model: MISTRAL, pipelineParallel: 1000 }) },
  { label: 'gpuMemoryUtilization 1.5', field: 'gpuMemoryUtilization', value: 1.5, build: () => plan({ model: MISTRAL, gpuMemoryUtilization: 1.5 }) },
  { label: "gpuMemoryUtilization '0.9'", field: 'gpuMemoryUtilization', value: "'0.9'", build: () => plan({ model: MISTRAL, gpuMemoryUtilization: '0.9' }) },
  { label: 'accelerator XYZ', field: 'accelerator', value: 'XYZ', build: () => plan({ model: MISTRAL, accelerator: 'XYZ' }) },
  { label: 'accelerator a number', field: 'accelerator', value: 100, build: () => plan({ model: MISTRAL, accelerator: 100 }) },
  { label: 'instanceType unknown', field: 'instanceType', value: 'g5.huge', build: () => plan({ model: MISTRAL, instanceType: 'g5.huge' }) },
  { label: 'instanceType an object', field: 'instanceType', value: { name: 'g5.xlarge' }, build: () => plan({ model: MISTRAL, instanceType: { name: 'g5.xlarge' } }) },
  {
    label: 'accelerator and instanceType disagree',
    field: 'instanceType',
    shows: ['instanceType', 'g5.xlarge', 'accelerator', 'H100'],
    build: () => plan({ model: MISTRAL, accelerator: 'H100', instanceType: 'g5.xlarge' }),
  },
  {
    label: 'acceleratorsPerNode contradicts instanceType',
    field: 'acceleratorsPerNode',
    shows: ['acceleratorsPerNode 8', 'instanceType', 'g5.xlarge'],
    build: () => plan({ model: MISTRAL, instanceType: 'g5.xlarge', acceleratorsPerNode: 8 }),
  },
  { label: 'acceleratorsPerNode -1', field: 'acceleratorsPerNode', value: -1, build: () => plan({ model: MISTRAL, accelerator: 'MI300X', acceleratorsPerNode: -1 }) },
  { label: "instanceTypes 'g5.xlarge' (a string)", field: 'instanceTypes', value: "'g5.xlarge'", build: () => plan({ model: MISTRAL, instanceTypes: 'g5.xlarge' }) },
  { label: 'instanceTypes with an unknown name', field: 'instanceTypes', value: 'g5.huge', build: () => plan({ model: MISTRAL, instanceTypes: ['g5.xlarge', 'g5.huge'] }) },
  { label: 'instanceTypes empty', field: 'instanceTypes', value: [], build: () => plan({ model: MISTRAL, instanceTypes: [] }) },
  {
    label: '405B on a T4 instance',
    field: 'instanceType',
    shows: ['instanceType', 'g4dn.xlarge', 'Llama-3.1-405B'],
    build: () => plan({ model: 'meta-llama/Llama-3.1-405B-Instruct', instanceType: 'g4dn.xlarge' }),
  },
  { label: 'tgi-neuron on H100', field: 'accelerator', shows: ['accelerator', 'H100', 'tgi-neuron'], build: () => plan({ model: MISTRAL, engine: 'tgi-neuron', accelerator: 'H100' }) },
  { label: "engineVersion 'latest'", field: 'engineVersion', value: 'latest', build: () => plan({ model: MISTRAL, engineVersion: 'latest' }) },
  { label: 'engineVersion a number', field: 'engineVersion', value: 0.11, build: () => plan({ model: MISTRAL, engineVersion: 0.11 }) },
  { label: 'maxNumSeqs 0', field: 'maxNumSeqs', value: 0, build: () => plan({ model: MISTRAL, maxNumSeqs: 0 }) },
  { label: "maxNumSeqs '256'", field: 'maxNumSeqs', value: "'256'", build: () => plan({ model: MISTRAL, maxNumSeqs: '256' }) },
  { label: 'maxNumSeqs below concurrency', field: 'maxNumSeqs', shows: ['maxNumSeqs 4', 'concurrency 8'], build: () => plan({ model: MISTRAL, maxNumSeqs: 4, concurrency: 8 }) },
  { label: 'maxNumBatchedTokens 1.5', field: 'maxNumBatchedTokens', value: 1.5, build: () => plan({ model: MISTRAL, maxNumBatchedTokens: 1.5 }) },
  {
    label: 'maxNumBatchedTokens below maxNumSeqs',
    field: 'maxNumBatchedTokens',
    shows: ['maxNumBatchedTokens 128', 'maxNumSeqs 256'],
    build: () => plan({ model: MISTRAL, maxNumSeqs: 256, maxNumBatchedTokens: 128 }),
  },
  { label: "enforceEager 'yes'", field: 'enforceEager', value: "'yes'", build: () => plan({ model: MISTRAL, enforceEager: 'yes' }) },
  { label: 'maxNumSeqs on tgi', field: 'maxNumSeqs', shows: ['maxNumSeqs', 'tgi'], build: () => plan({ model: MISTRAL, engine: 'tgi', maxNumSeqs: 64 }) },
  { label: 'mxfp4 on a dense model', field: 'quantization', shows: ['mxfp4', 'dense'], build: () => plan({ model: MISTRAL, quantization: 'mxfp4' }) },
  { label: 'nvfp4 on a T4', field: 'accelerator', shows: ['accelerator', 'T4', 'nvfp4'], build: () => plan({ model: MISTRAL, quantization: 'nvfp4', accelerator: 'T4' }) },
  { label: 'int4 with tgi', field: 'quantization', shows: ['int4', 'tgi'], build: () => plan({ model: MISTRAL, engine: 'tgi', quantization: 'int4' }) },
  { label: 'vllm on inferentia2', field: 'instanceType', shows: ['instanceType', 'inf2.xlarge', 'vllm'], build: () => plan({ model: MISTRAL, engine: 'vllm', instanceType: 'inf2.xlarge' }) },
];

describe('planModel rejects bad requests with the field, the value and what would work', () => {
  test.each(plannerCases)('$label', (c) => runConstructCase(c));
});

// ---------------------------------------------------------------------------------------------------
// LlmWorker
// ---------------------------------------------------------------------------------------------------

const workerCases: Case[] = [
  { label: 'props null', field: 'props', value: null, build: (chart) => worker(chart, null) },
  { label: 'props a string', field: 'props', value: MISTRAL, build: (chart) => worker(chart, MISTRAL) },
  { label: 'model missing', field: 'model', value: undefined, build: (chart) => worker(chart, { accelerator: 'A10G' }) },
  { label: 'model null', field: 'model', value: null, build: (chart) => worker(chart, { model: null }) },
  { label: 'engine vllm2', field: 'engine', value: 'vllm2', build: (chart) => mistral(chart, { engine: 'vllm2' }) },
  { label: "concurrency '8'", field: 'concurrency', value: "'8'", build: (chart) => mistral(chart, { concurrency: '8' }) },
  { label: 'tensorParallel 3 on 32 heads', field: 'tensorParallel', value: 3, build: (chart) => worker(chart, { model: 'meta-llama/Llama-3.1-8B-Instruct', tensorParallel: 3 }) },
  { label: 'tgi-neuron on H100', field: 'accelerator', shows: ['accelerator', 'H100'], build: (chart) => worker(chart, { model: MISTRAL, engine: 'tgi-neuron', accelerator: 'H100' }) },
  {
    label: '405B on a T4 instance',
    field: 'instanceType',
    shows: ['instanceType', 'g4dn.xlarge'],
    build: (chart) => worker(chart, { model: 'meta-llama/Llama-3.1-405B-Instruct', instanceType: 'g4dn.xlarge' }),
  },
  { label: 'worker maxNumSeqs -1', field: 'maxNumSeqs', value: -1, build: (chart) => mistral(chart, { maxNumSeqs: -1 }) },
  { label: "worker engineVersion 'v-next'", field: 'engineVersion', value: 'v-next', build: (chart) => mistral(chart, { engineVersion: 'v-next' }) },
  { label: "replicas '2'", field: 'replicas', value: "'2'", build: (chart) => mistral(chart, { replicas: '2' }) },
  { label: 'replicas -1', field: 'replicas', value: -1, build: (chart) => mistral(chart, { replicas: -1 }) },
  { label: 'replicas NaN', field: 'replicas', value: NaN, build: (chart) => mistral(chart, { replicas: NaN }) },
  { label: 'replicas 1e12', field: 'replicas', value: 1e12, build: (chart) => mistral(chart, { replicas: 1e12 }) },
  {
    label: 'replicas with autoscaling',
    field: 'replicas',
    shows: ['replicas 3', 'autoscaling'],
    build: (chart) => mistral(chart, { replicas: 3, autoscaling: { minReplicas: 1, maxReplicas: 4 } }),
  },
  { label: 'name with capitals and _', field: 'name', value: 'My_Model', build: (chart) => mistral(chart, { name: 'My_Model' }) },
  { label: 'name a number', field: 'name', value: 42, build: (chart) => mistral(chart, { name: 42 }) },
  { label: 'construct id not a DNS label', field: 'id', value: 'test-Mistral.7B', build: (chart) => mistral(chart, {}, 'Mistral.7B') },
  { label: "autoscaling.scaler 'hpa2'", field: 'autoscaling.scaler', value: 'hpa2', build: (chart) => mistral(chart, { autoscaling: { minReplicas: 1, maxReplicas: 4, scaler: 'hpa2' } }) },
  {
    label: 'scaleToZero with hpa',
    field: 'autoscaling.scaleToZero',
    shows: ['scaleToZero', 'hpa'],
    build: (chart) => mistral(chart, { autoscaling: { minReplicas: 0, maxReplicas: 4, scaler: 'hpa', scaleToZero: true, wakeUpQuery: 'sum(up)' } }),
  },
  {
    label: 'autoscaling minReplicas > maxReplicas',
    field: 'autoscaling.minReplicas',
    shows: ['minReplicas 5', 'maxReplicas 2'],
    build: (chart) => mistral(chart, { autoscaling: { minReplicas: 5, maxReplicas: 2 } }),
  },
  { label: 'autoscaling maxReplicas 1e12', field: 'autoscaling.maxReplicas', value: 1e12, build: (chart) => mistral(chart, { autoscaling: { minReplicas: 1, maxReplicas: 1e12 } }) },
  { label: 'autoscaling maxReplicas 0', field: 'autoscaling.maxReplicas', value: 0, build: (chart) => mistral(chart, { autoscaling: { minReplicas: 0, maxReplicas: 0 } }) },
  { label: "autoscaling minReplicas '1'", field: 'autoscaling.minReplicas', value: '1', build: (chart) => mistral(chart, { autoscaling: { minReplicas: '1', maxReplicas: 4 } }) },
  { label: 'autoscaling an array', field: 'autoscaling', value: [1, 4], build: (chart) => mistral(chart, { autoscaling: [1, 4] }) },
  { label: 'autoscaling target -1', field: 'autoscaling.target', value: -1, build: (chart) => mistral(chart, { autoscaling: { minReplicas: 1, maxReplicas: 4, target: -1 } }) },
  {
    label: 'autoscaling metric not exported',
    field: 'autoscaling.metric',
    value: 'gpu_busy',
    build: (chart) => mistral(chart, { autoscaling: { minReplicas: 1, maxReplicas: 4, metric: 'gpu_busy' } }),
  },
  { label: "modelCache type 'nfs'", field: 'modelCache.type', value: 'nfs', build: (chart) => mistral(chart, { modelCache: { type: 'nfs' } }) },
  { label: "modelCache 'pvc' (a string)", field: 'modelCache', value: 'pvc', build: (chart) => mistral(chart, { modelCache: 'pvc' }) },
  { label: 'modelCache sizeGiB 1 (smaller than the weights)', field: 'modelCache.sizeGiB', value: 1, build: (chart) => mistral(chart, { modelCache: { type: 'emptyDir', sizeGiB: 1 } }) },
  {
    label: 'ReadWriteOnce cache shared by 3 replicas',
    field: 'modelCache.accessMode',
    shows: ['accessMode', 'ReadWriteOnce', '3 replicas'],
    build: (chart) => mistral(chart, { replicas: 3, modelCache: { type: 'pvc', storageClassName: 'gp3' } }),
  },
  { label: "hfTokenSecret 'hf-token' (a string)", field: 'hfTokenSecret', value: 'hf-token', build: (chart) => mistral(chart, { hfTokenSecret: 'hf-token' }) },
  { label: "extraArgs '--enforce-eager' (a string)", field: 'extraArgs', value: '--enforce-eager', build: (chart) => mistral(chart, { extraArgs: '--enforce-eager' }) },
  { label: 'extraEnv an array', field: 'extraEnv', value: ['VLLM_LOGGING_LEVEL=DEBUG'], build: (chart) => mistral(chart, { extraEnv: ['VLLM_LOGGING_LEVEL=DEBUG'] }) },
  { label: 'extraEnv a number value', field: 'extraEnv.VLLM_PORT', value: 8000, build: (chart) => mistral(chart, { extraEnv: { VLLM_PORT: 8000 } }) },
  { label: "imagePullSecrets 'regcred' (a string)", field: 'imagePullSecrets', value: 'regcred', build: (chart) => mistral(chart, { imagePullSecrets: 'regcred' }) },
  { label: "imagePullPolicy 'Sometimes'", field: 'imagePullPolicy', value: 'Sometimes', build: (chart) => mistral(chart, { imagePullPolicy: 'Sometimes' }) },
  { label: "rollout 'blue-green'", field: 'rollout', value: 'blue-green', build: (chart) => mistral(chart, { rollout: 'blue-green' }) },
  { label: 'terminationGracePeriodSeconds -5', field: 'terminationGracePeriodSeconds', value: -5, build: (chart) => mistral(chart, { terminationGracePeriodSeconds: -5 }) },
  { label: 'loadBandwidthBytesPerSecond 0', field: 'loadBandwidthBytesPerSecond', value: 0, build: (chart) => mistral(chart, { loadBandwidthBytesPerSecond: 0 }) },
  { label: 'servedModelName a number', field: 'servedModelName', value: 7, build: (chart) => mistral(chart, { servedModelName: 7 }) },
  { label: "image ''", field: 'image', value: "''", build: (chart) => mistral(chart, { image: '' }) },
  { label: 'prefetch timeoutSeconds -1', field: 'prefetch.timeoutSeconds', value: -1, build: (chart) => mistral(chart, { prefetch: { timeoutSeconds: -1, retries: 3 } }) },
  { label: "internal 'yes'", field: 'internal', value: 'yes', build: (chart) => mistral(chart, { internal: 'yes' }) },
  { label: "nodePool 'a10g' (a string)", field: 'nodePool', value: 'a10g', build: (chart) => mistral(chart, { nodePool: 'a10g' }) },
  {
    label: 'instanceType outside its pool',
    field: 'instanceType',
    shows: ['instanceType', 'p5.48xlarge'],
    build: (chart) => worker(chart, { model: MISTRAL, instanceType: 'p5.48xlarge', nodePool: a10gPool(chart) }),
  },
  {
    label: "accelerator not the on-prem pool's",
    field: 'accelerator',
    shows: ['accelerator', 'L4', 'A100'],
    build: (chart) => worker(chart, { model: MISTRAL, accelerator: 'L4', nodePool: onPremPool(chart) }),
  },
  {
    label: 'tensorParallel 2 on a time-sliced pool',
    field: 'tensorParallel',
    shows: ['tensorParallel 2', 'time-sliced'],
    build: (chart) => worker(chart, { model: MISTRAL, tensorParallel: 2, nodePool: onPremPool(chart, {}, { gpuSharing: { timeSlicing: { replicas: 4 } } }) }),
  },
];

describe('LlmWorker rejects bad props before anything is synthesized', () => {
  test.each(workerCases)('$label', (c) => runConstructCase(c));
});

// ---------------------------------------------------------------------------------------------------
// GpuNodePool
// ---------------------------------------------------------------------------------------------------

const poolCases: Case[] = [
  { label: 'props null', field: 'props', value: null, build: (chart) => pool(chart, null) },
  { label: 'provisioner missing', field: 'provisioner', shows: ['provisioner', 'karpenter', 'on-prem'], build: (chart) => pool(chart, { accelerator: 'A10G', maxAccelerators: 8 }) },
  {
    label: "provisioner.type 'eks'",
    field: 'provisioner.type',
    shows: ['provisioner.type', 'eks', 'karpenter', 'on-prem'],
    build: (chart) => a10gPool(chart, { provisioner: { ...KARPENTER, type: 'eks' } }),
  },
  {
    label: 'a Karpenter provisioner with on-prem nodes',
    field: 'provisioner.nodes',
    shows: ['provisioner.nodes', 'on-prem', 'karpenter'],
    build: (chart) => a10gPool(chart, { provisioner: { ...KARPENTER, nodes: 4 } }),
  },
  {
    label: 'instanceTypes on an on-prem pool (Karpenter only)',
    field: 'instanceTypes',
    shows: ['instanceTypes', 'Karpenter pools only', "provisioner.type 'karpenter'"],
    build: (chart) => pool(chart, { accelerator: 'A100-40GB', provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 }, instanceTypes: ['p4d.24xlarge'] }),
  },
  { label: 'accelerator XYZ', field: 'accelerator', value: 'XYZ', build: (chart) => a10gPool(chart, { accelerator: 'XYZ' }) },
  { label: "maxAccelerators '8'", field: 'maxAccelerators', value: "'8'", build: (chart) => a10gPool(chart, { maxAccelerators: '8' }) },
  { label: 'maxAccelerators missing', field: 'maxAccelerators', value: undefined, build: (chart) => a10gPool(chart, { maxAccelerators: undefined }) },
  { label: 'maxAccelerators -8', field: 'maxAccelerators', value: -8, build: (chart) => a10gPool(chart, { maxAccelerators: -8 }) },
  { label: "instanceTypes 'g5.xlarge' (a string)", field: 'instanceTypes', value: 'g5.xlarge', build: (chart) => a10gPool(chart, { instanceTypes: 'g5.xlarge' }) },
  { label: 'instanceTypes unknown', field: 'instanceTypes', value: 'g5.huge', build: (chart) => a10gPool(chart, { instanceTypes: ['g5.huge'] }) },
  {
    label: 'accelerator and instanceTypes disagree',
    field: 'instanceTypes',
    shows: ['accelerator', 'H100', 'instanceTypes', 'g5.xlarge'],
    build: (chart) => a10gPool(chart, { accelerator: 'H100', instanceTypes: ['g5.xlarge'] }),
  },
  { label: 'instanceFamilies unknown', field: 'instanceFamilies', value: 'g99', build: (chart) => pool(chart, { instanceFamilies: ['g99'], provisioner: KARPENTER, maxAccelerators: 8 }) },
  { label: "instanceFamilies 'g5' (a string)", field: 'instanceFamilies', value: 'g5', build: (chart) => pool(chart, { instanceFamilies: 'g5', provisioner: KARPENTER, maxAccelerators: 8 }) },
  { label: "capacityTypes ['cheap']", field: 'capacityTypes', value: ['cheap'], build: (chart) => a10gPool(chart, { capacityTypes: ['cheap'] }) },
  { label: "capacityTypes 'spot' (a string)", field: 'capacityTypes', value: 'spot', build: (chart) => a10gPool(chart, { capacityTypes: 'spot' }) },
  { label: 'provisioner.clusterName missing', field: 'provisioner.clusterName', value: undefined, build: (chart) => a10gPool(chart, { provisioner: { type: 'karpenter', nodeRole: 'role' } }) },
  { label: "provisioner.amiAlias 'ubuntu'", field: 'provisioner.amiAlias', value: 'ubuntu', build: (chart) => a10gPool(chart, { provisioner: { ...KARPENTER, amiAlias: 'ubuntu' } }) },
  { label: 'provisioner an array', field: 'provisioner', value: ['prod'], build: (chart) => a10gPool(chart, { provisioner: ['prod'] }) },
  { label: 'provisioner.rootVolumeGiB -1', field: 'provisioner.rootVolumeGiB', value: -1, build: (chart) => a10gPool(chart, { provisioner: { ...KARPENTER, rootVolumeGiB: -1 } }) },
  { label: "provisioner.weight 'high'", field: 'provisioner.weight', value: 'high', build: (chart) => a10gPool(chart, { provisioner: { ...KARPENTER, weight: 'high' } }) },
  {
    label: "provisioner.disruption.consolidationPolicy 'Always'",
    field: 'provisioner.disruption.consolidationPolicy',
    value: 'Always',
    build: (chart) => a10gPool(chart, { provisioner: { ...KARPENTER, disruption: { consolidationPolicy: 'Always' } } }),
  },
  { label: 'on-prem without accelerator', field: 'accelerator', value: undefined, build: (chart) => pool(chart, { provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 } }) },
  { label: 'provisioner.nodes 0', field: 'provisioner.nodes', value: 0, build: (chart) => onPremPool(chart, { nodes: 0 }) },
  { label: 'provisioner.acceleratorsPerNode NaN', field: 'provisioner.acceleratorsPerNode', value: NaN, build: (chart) => onPremPool(chart, { acceleratorsPerNode: NaN }) },
  {
    label: 'on-prem maxAccelerators contradicts nodes x devices',
    field: 'maxAccelerators',
    shows: ['maxAccelerators', '16', '99'],
    build: (chart) => pool(chart, { accelerator: 'A100-40GB', provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 }, maxAccelerators: 99 }),
  },
  {
    label: 'gpuSharing timeSlicing replicas 0',
    field: 'plumbing.gpuSharing.timeSlicing.replicas',
    value: 0,
    build: (chart) => onPremPool(chart, {}, { gpuSharing: { timeSlicing: { replicas: 0 } } }),
  },
  { label: "name 'GPU_Pool'", field: 'name', value: 'GPU_Pool', build: (chart) => a10gPool(chart, { name: 'GPU_Pool' }) },
];

describe('GpuNodePool rejects bad props before anything is synthesized', () => {
  test.each(poolCases)('$label', (c) => runConstructCase(c));
});

// ---------------------------------------------------------------------------------------------------
// InferenceGateway
// ---------------------------------------------------------------------------------------------------

const gatewayCases: Case[] = [
  { label: 'props null', field: 'props', value: null, build: (chart) => gateway(chart, null) },
  { label: 'backends missing', field: 'backends', value: undefined, build: (chart) => gateway(chart, { apiKeySecret: API_KEY }) },
  { label: 'backends empty', field: 'backends', value: [], build: (chart) => gateway(chart, { backends: [], apiKeySecret: API_KEY }) },
  { label: 'backends of names', field: 'backends', shows: ['backends', "['mistral']"], build: (chart) => gateway(chart, { backends: ['mistral'], apiKeySecret: API_KEY }) },
  { label: 'backends one worker, not a list', field: 'backends', shows: ['backends', 'LlmWorker mistral'], build: (chart) => gateway(chart, { backends: mistral(chart), apiKeySecret: API_KEY }) },
  {
    label: "implementation type 'nginx'",
    field: 'implementation.type',
    value: 'nginx',
    build: (chart) => gateway(chart, { backends: [mistral(chart)], implementation: { type: 'nginx' }, apiKeySecret: API_KEY }),
  },
  // The string shape of before: a clear error with the object that works, not a TypeError.
  {
    label: "implementation 'fastchat' (a string)",
    field: 'implementation',
    shows: ['implementation', 'fastchat'],
    build: (chart) => gateway(chart, { backends: [mistral(chart)], implementation: 'fastchat', apiKeySecret: API_KEY }),
  },
  {
    label: 'fastchat without image',
    field: 'implementation.image',
    value: undefined,
    build: (chart) => gateway(chart, { backends: [mistral(chart)], implementation: { type: 'fastchat' }, apiKeySecret: API_KEY }),
  },
  {
    label: 'workers (the old name of backends)',
    field: 'workers',
    shows: ['workers', 'backends'],
    build: (chart) => gateway(chart, { workers: [mistral(chart)], apiKeySecret: API_KEY }),
  },
  { label: 'replicas 0', field: 'replicas', value: 0, build: (chart) => gateway(chart, { backends: [mistral(chart)], replicas: 0, apiKeySecret: API_KEY }) },
  { label: "replicas '2'", field: 'replicas', value: '2', build: (chart) => gateway(chart, { backends: [mistral(chart)], replicas: '2', apiKeySecret: API_KEY }) },
  {
    label: 'maxReplicas below replicas',
    field: 'maxReplicas',
    shows: ['maxReplicas', '1', 'replicas (3)'],
    build: (chart) => gateway(chart, { backends: [mistral(chart)], replicas: 3, maxReplicas: 1, apiKeySecret: API_KEY }),
  },
  { label: 'apiKeySecret missing', field: 'apiKeySecret', value: undefined, build: (chart) => gateway(chart, { backends: [mistral(chart)] }) },
  { label: "apiKeySecret 'llm-keys' (a string)", field: 'apiKeySecret', value: 'llm-keys', build: (chart) => gateway(chart, { backends: [mistral(chart)], apiKeySecret: 'llm-keys' }) },
  { label: "expose type 'nodeport'", field: 'expose.type', value: 'nodeport', build: (chart) => gateway(chart, { backends: [mistral(chart)], apiKeySecret: API_KEY, expose: { type: 'nodeport' } }) },
  {
    label: "expose 'load-balancer' (a string)",
    field: 'expose',
    value: 'load-balancer',
    build: (chart) => gateway(chart, { backends: [mistral(chart)], apiKeySecret: API_KEY, expose: 'load-balancer' }),
  },
  {
    label: 'expose nodePort 99999',
    field: 'expose.nodePort',
    value: 99999,
    build: (chart) => gateway(chart, { backends: [mistral(chart)], apiKeySecret: API_KEY, expose: { type: 'node-port', nodePort: 99999 } }),
  },
  {
    label: 'expose ingress without host',
    field: 'expose.host',
    value: undefined,
    build: (chart) => gateway(chart, { backends: [mistral(chart)], apiKeySecret: API_KEY, expose: { type: 'ingress' } }),
  },
  {
    label: 'clients an object',
    field: 'clients',
    value: { cidr: '10.0.0.0/8' },
    build: (chart) => gateway(chart, { backends: [mistral(chart)], apiKeySecret: API_KEY, clients: { cidr: '10.0.0.0/8' } }),
  },
  {
    label: 'gateway-api without parentRef',
    field: 'implementation.parentRef',
    value: undefined,
    build: (chart) => gateway(chart, { backends: [mistral(chart)], implementation: { type: 'gateway-api' }, allowUnauthenticated: true }),
  },
  {
    label: 'gateway-api parentRef without name',
    field: 'implementation.parentRef',
    value: {},
    build: (chart) => gateway(chart, { backends: [mistral(chart)], implementation: { type: 'gateway-api', parentRef: {} }, allowUnauthenticated: true }),
  },
  {
    label: 'litellm image 42',
    field: 'implementation.image',
    value: 42,
    build: (chart) => gateway(chart, { backends: [mistral(chart)], implementation: { type: 'litellm', image: 42 }, apiKeySecret: API_KEY }),
  },
  {
    label: 'one backend twice',
    field: 'backends',
    shows: ['backends', 'test/mistral', 'twice'],
    build: (chart) => {
      const worker = mistral(chart);
      return gateway(chart, { backends: [worker, worker], apiKeySecret: API_KEY });
    },
  },
  {
    label: 'gateway-api with expose',
    field: 'expose',
    shows: ['expose', 'load-balancer', 'gateway-api'],
    build: (chart) => gateway(chart, { backends: [mistral(chart)], implementation: { type: 'gateway-api', parentRef: { name: 'gw' } }, allowUnauthenticated: true, expose: { type: 'load-balancer' } }),
  },
  {
    label: 'fastchat in front of a vllm worker',
    field: 'backends',
    shows: ['backends', "'mistral' (vllm", 'fastchat'],
    build: (chart) => gateway(chart, { backends: [mistral(chart)], implementation: { type: 'fastchat', image: 'example.com/fastchat:0.2.36' }, apiKeySecret: API_KEY }),
  },
  { label: "name 'Gateway!'", field: 'name', value: 'Gateway!', build: (chart) => gateway(chart, { backends: [mistral(chart)], apiKeySecret: API_KEY, name: 'Gateway!' }) },
];

describe('InferenceGateway rejects bad props before anything is synthesized', () => {
  test.each(gatewayCases)('$label', (c) => runConstructCase(c));
});

// ---------------------------------------------------------------------------------------------------
// AutoscaledTriton
// ---------------------------------------------------------------------------------------------------

const GPT2 = { model: 'openai-community/gpt2', accelerator: 'A10G' };

const tritonCases: Case[] = [
  { label: 'props null', field: 'props', value: null, build: (chart) => triton(chart, null) },
  { label: 'model unknown', field: 'model', value: 'openai/gpt-7', build: (chart) => triton(chart, { ...GPT2, model: 'openai/gpt-7' }) },
  {
    label: 'prebuiltEngines with modelCache',
    field: 'prebuiltEngines',
    shows: ['prebuiltEngines', 'engines', 'modelCache', 'pvc'],
    build: (chart) => triton(chart, { ...GPT2, prebuiltEngines: { claimName: 'engines', path: 'gpt2/tp1-pp1' }, modelCache: { type: 'pvc' } }),
  },
  {
    label: 'prebuiltEngines.claimName a number',
    field: 'prebuiltEngines.claimName',
    value: 42,
    build: (chart) => triton(chart, { ...GPT2, prebuiltEngines: { claimName: 42, path: 'gpt2/tp1-pp1' } }),
  },
  {
    label: 'prebuiltEngines.path absolute',
    field: 'prebuiltEngines.path',
    value: '/engines/gpt2',
    build: (chart) => triton(chart, { ...GPT2, prebuiltEngines: { claimName: 'engines', path: '/engines/gpt2' } }),
  },
  { label: "scaler 'hpa2'", field: 'autoscaling.scaler', value: 'hpa2', build: (chart) => triton(chart, { ...GPT2, scaler: 'hpa2' }) },
  { label: 'minReplicas > maxReplicas', field: 'autoscaling.minReplicas', shows: ['minReplicas 6', 'maxReplicas 2'], build: (chart) => triton(chart, { ...GPT2, minReplicas: 6, maxReplicas: 2 }) },
  { label: "maxReplicas '4'", field: 'autoscaling.maxReplicas', value: '4', build: (chart) => triton(chart, { ...GPT2, maxReplicas: '4' }) },
  { label: 'queueToComputeRatioTarget -1', field: 'autoscaling.target', value: -1, build: (chart) => triton(chart, { ...GPT2, queueToComputeRatioTarget: -1 }) },
  { label: 'tensorParallel 5 on 12 heads', field: 'tensorParallel', value: 5, build: (chart) => triton(chart, { ...GPT2, tensorParallel: 5 }) },
  { label: "concurrency '8'", field: 'concurrency', value: "'8'", build: (chart) => triton(chart, { ...GPT2, concurrency: '8' }) },
  { label: 'on inferentia2', field: 'accelerator', shows: ['accelerator', 'inferentia2'], build: (chart) => triton(chart, { ...GPT2, accelerator: 'inferentia2' }) },
];

describe('AutoscaledTriton rejects bad props before anything is synthesized', () => {
  test.each(tritonCases)('$label', (c) => runConstructCase(c));
});

// ---------------------------------------------------------------------------------------------------
// LlmStack
// ---------------------------------------------------------------------------------------------------

const stack = (props: unknown) => new LlmStack(Testing.app(), 'serving', props as LlmStackProps);

const stackCases: Case[] = [
  { label: 'props null', field: 'props', value: null, build: () => stack(null) },
  { label: 'namespace missing', field: 'namespace', value: undefined, build: () => stack({ team: 'ml' }) },
  { label: 'namespace a number', field: 'namespace', value: 42, build: () => stack({ namespace: 42 }) },
  { label: "namespace 'LLM_Serving'", field: 'namespace', value: 'LLM_Serving', build: () => stack({ namespace: 'LLM_Serving' }) },
  { label: "team 'data science!'", field: 'team', value: 'data science!', build: () => stack({ namespace: 'llm', team: 'data science!' }) },
  { label: 'labels value an object', field: 'labels.project', value: { name: 'search' }, build: () => stack({ namespace: 'llm', labels: { project: { name: 'search' } } }) },
  { label: 'labels an array', field: 'labels', value: ['project=search'], build: () => stack({ namespace: 'llm', labels: ['project=search'] }) },
];

describe('LlmStack rejects bad props before anything is synthesized', () => {
  test.each(stackCases)('$label', (c) => runConstructCase(c));
});

// ---------------------------------------------------------------------------------------------------
// Unknown props (typos a type-check-free runner lets through): an error naming the prop, with the
// closest known key as "did you mean" and as the suggestion. Nested option objects too.
// ---------------------------------------------------------------------------------------------------

interface UnknownPropCase {
  readonly label: string;
  /** The misspelt key, as a path (`modelCache.storageClass`). */
  readonly field: string;
  /** The key the user meant. */
  readonly meant: string;
  readonly build: (chart: Chart) => unknown;
}

const unknownPropCases: UnknownPropCase[] = [
  { label: 'planModel acelerator', field: 'acelerator', meant: 'accelerator', build: () => plan({ model: MISTRAL, acelerator: 'H100' }) },
  { label: 'planModel maxContextLenght', field: 'maxContextLenght', meant: 'maxContextLength', build: () => plan({ model: MISTRAL, maxContextLenght: 32768 }) },
  { label: 'planModel tensorParallelSize', field: 'tensorParallelSize', meant: 'tensorParallel', build: () => plan({ model: MISTRAL, tensorParallelSize: 2 }) },
  { label: 'LlmWorker acelerator (issue 11)', field: 'acelerator', meant: 'accelerator', build: (chart) => worker(chart, { model: MISTRAL, acelerator: 'H100' }) },
  { label: 'LlmWorker maxContextLenght (issue 11)', field: 'maxContextLenght', meant: 'maxContextLength', build: (chart) => mistral(chart, { maxContextLenght: 32768 }) },
  { label: 'LlmWorker instanceTypes (a pool prop)', field: 'instanceTypes', meant: 'instanceType', build: (chart) => mistral(chart, { instanceTypes: ['g5.xlarge'] }) },
  { label: 'LlmWorker servedName', field: 'servedName', meant: 'servedModelName', build: (chart) => mistral(chart, { servedName: 'chat' }) },
  {
    label: 'LlmWorker modelCache.storageClass',
    field: 'modelCache.storageClass',
    meant: 'modelCache.storageClassName',
    build: (chart) => mistral(chart, { modelCache: { type: 'pvc', storageClass: 'gp3' } }),
  },
  {
    label: 'LlmWorker autoscaling.maxReplica',
    field: 'autoscaling.maxReplica',
    meant: 'autoscaling.maxReplicas',
    build: (chart) => mistral(chart, { autoscaling: { minReplicas: 1, maxReplica: 4 } }),
  },
  {
    label: 'LlmWorker hfTokenSecret.secretName',
    field: 'hfTokenSecret.secretName',
    meant: 'hfTokenSecret.name',
    build: (chart) => mistral(chart, { hfTokenSecret: { secretName: 'hf', key: 'token' } }),
  },
  { label: 'LlmWorker prefetch.timeout', field: 'prefetch.timeout', meant: 'prefetch.timeoutSeconds', build: (chart) => mistral(chart, { prefetch: { timeout: 600, retries: 3 } }) },
  { label: 'GpuNodePool maxAccelerator', field: 'maxAccelerator', meant: 'maxAccelerators', build: (chart) => pool(chart, { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerator: 8 }) },
  {
    label: 'GpuNodePool provisioner.clustername',
    field: 'provisioner.clustername',
    meant: 'provisioner.clusterName',
    build: (chart) => pool(chart, { accelerator: 'A10G', provisioner: { type: 'karpenter', clustername: 'prod', nodeRole: 'r' }, maxAccelerators: 8 }),
  },
  {
    label: 'GpuNodePool provisioner.disruption.consolidation',
    field: 'provisioner.disruption.consolidation',
    meant: 'provisioner.disruption.consolidationPolicy',
    build: (chart) => a10gPool(chart, { provisioner: { ...KARPENTER, disruption: { consolidation: 'WhenEmpty' } } }),
  },
  {
    label: 'GpuNodePool provisioner.node',
    field: 'provisioner.node',
    meant: 'provisioner.nodes',
    build: (chart) => pool(chart, { accelerator: 'A100-40GB', provisioner: { type: 'on-prem', node: 2, acceleratorsPerNode: 8 } }),
  },
  {
    label: 'GpuNodePool plumbing.gpuSharing.timeslicing',
    field: 'plumbing.gpuSharing.timeslicing',
    meant: 'plumbing.gpuSharing.timeSlicing',
    build: (chart) => onPremPool(chart, {}, { gpuSharing: { timeslicing: { replicas: 2 } } }),
  },
  {
    label: 'GpuNodePool plumbing.installDevicePlugins',
    field: 'plumbing.installDevicePlugins',
    meant: 'plumbing.installDevicePlugin',
    build: (chart) => onPremPool(chart, {}, { installDevicePlugins: true }),
  },
  { label: 'InferenceGateway apiKey', field: 'apiKey', meant: 'apiKeySecret', build: (chart) => gateway(chart, { backends: [mistral(chart)], apiKey: API_KEY }) },
  {
    label: 'InferenceGateway expose.tlsSecretName',
    field: 'expose.tlsSecretName',
    meant: 'expose.tlsSecret',
    build: (chart) => gateway(chart, { backends: [mistral(chart)], apiKeySecret: API_KEY, expose: { type: 'ingress', host: 'llm.example.com', tlsSecretName: 'tls' } }),
  },
  {
    label: 'InferenceGateway implementation.parentRef.namespac',
    field: 'implementation.parentRef.namespac',
    meant: 'implementation.parentRef.namespace',
    build: (chart) => gateway(chart, { implementation: { type: 'gateway-api', parentRef: { name: 'gw', namespac: 'infra' } }, backends: [mistral(chart)] }),
  },
  {
    label: 'InferenceGateway implementation.parentRef on litellm',
    field: 'implementation.parentRef',
    meant: 'implementation.image',
    build: (chart) => gateway(chart, { implementation: { type: 'litellm', parentRef: { name: 'gw' } }, backends: [mistral(chart)], apiKeySecret: API_KEY }),
  },
  { label: 'AutoscaledTriton maxReplica', field: 'maxReplica', meant: 'maxReplicas', build: (chart) => triton(chart, { ...GPT2, maxReplica: 4 }) },
  {
    label: 'AutoscaledTriton prebuiltEngines.claim',
    field: 'prebuiltEngines.claim',
    meant: 'prebuiltEngines.claimName',
    build: (chart) => triton(chart, { ...GPT2, prebuiltEngines: { claim: 'engines', path: 'gpt2/tp1-pp1' } }),
  },
  {
    label: 'LeaderWorkerSet replica',
    field: 'replica',
    meant: 'replicas',
    build: (chart) => new LeaderWorkerSet(chart, 'lws', { metadata: { name: 'lws' }, size: 2, leaderTemplate: {}, workerTemplate: {}, replica: 1 } as never),
  },
  {
    label: 'LeaderWorkerSet metadata.label',
    field: 'metadata.label',
    meant: 'metadata.labels',
    build: (chart) => new LeaderWorkerSet(chart, 'lws', { metadata: { name: 'lws', label: {} }, size: 2, leaderTemplate: {}, workerTemplate: {} } as never),
  },
  { label: 'LlmStack costCentre', field: 'costCentre', meant: 'costCenter', build: () => stack({ namespace: 'llm', costCentre: 'cc-42' }) },
  { label: 'LlmStack namespaces', field: 'namespaces', meant: 'namespace', build: () => stack({ namespaces: 'llm' }) },
  {
    label: 'LlmStackComponent nameSpace',
    field: 'nameSpace',
    meant: 'namespace',
    build: () => new LlmStackComponent('bad', { nameSpace: 'llm', build: () => undefined } as unknown as LlmStackComponentArgs),
  },
];

describe('unknown props are errors with "did you mean"', () => {
  test.each(unknownPropCases)('$label', (c) => {
    const [key] = c.field.split('.').slice(-1);
    const [meant] = c.meant.split('.').slice(-1);
    runConstructCase({ label: c.label, field: c.field, shows: [`unknown prop '${c.field}'`, `did you mean '${meant}'`, key], build: c.build });
    const error = thrownBy(() => c.build(new Chart(Testing.app(), 'test', { namespace: 'llm' }))) as LlmConstructsError;
    expect({ code: error.code, suggestions: error.suggestions }).toEqual({ code: 'unknown-prop', suggestions: [c.meant] });
  });
});

// ---------------------------------------------------------------------------------------------------
// Whole-tree checks: only synth can see them. Synth fails and names the construct, the prop and the fix.
// ---------------------------------------------------------------------------------------------------

interface SynthCase {
  readonly label: string;
  /** Builds a tree whose constructors all succeed; returns the chart to synthesize. */
  readonly build: () => Chart;
  /** Each must appear in the synth error. */
  readonly shows: readonly string[];
}

const synthCases: SynthCase[] = [
  {
    label: 'pool over capacity',
    shows: ['GpuNodePool a10g', 'LlmWorker test/mistral: 10 x 1', 'maxAccelerators', 'replicas'],
    build: () => {
      const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
      worker(chart, { model: MISTRAL, replicas: 10, nodePool: a10gPool(chart) }, 'mistral');
      return chart;
    },
  },
  {
    label: 'a stack worker behind no gateway',
    shows: ['LlmStack serving', 'mistral', 'internal: true'],
    build: () => {
      const chart = new LlmStack(Testing.app(), 'serving', { namespace: 'llm' });
      mistral(chart);
      return chart;
    },
  },
  {
    label: 'two different models with one served model name',
    shows: ['InferenceGateway gateway', "'mistral'", 'servedModelName'],
    build: () => {
      const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
      const other = { servedModelName: 'mistral', model: 'Qwen/Qwen2.5-7B-Instruct' };
      gateway(chart, { backends: [mistral(chart, { servedModelName: 'mistral' }, 'a'), mistral(chart, other, 'b')], apiKeySecret: API_KEY });
      return chart;
    },
  },
  {
    label: 'a fastchat worker attached to no controller',
    shows: ['LlmWorker fastchat', 'controllerUrl', 'InferenceGateway'],
    build: () => {
      const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
      worker(chart, { model: MISTRAL, engine: 'fastchat-vllm', accelerator: 'A10G', image: 'registry.example.com/fastchat-vllm:0.2.36' }, 'fastchat');
      return chart;
    },
  },
];

describe('whole-tree checks fail synth and name the construct', () => {
  test.each(synthCases)('$label', ({ build, shows }) => {
    const chart = build();
    let objects: unknown[] | undefined;
    const error = thrownBy(() => {
      objects = Testing.synth(chart);
    });
    expect(objects).toBeUndefined();
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TypeError);
    for (const shown of shows) expect((error as Error).message).toContain(shown);
  });
});

// ---------------------------------------------------------------------------------------------------
// The CLI (the built binary)
// ---------------------------------------------------------------------------------------------------

const root = path.join(__dirname, '..');
const bin = path.join(root, 'build', 'lib', 'cli', 'main.js');

interface CliCase {
  readonly label: string;
  readonly args: readonly string[];
  /** 1: a bad value; 2: wrong usage. */
  readonly code: 1 | 2;
  /** The flag (or command word) stderr must name. */
  readonly flag: string;
  /** The offending value, shown in stderr. */
  readonly value?: string;
}

const M = ['--model', 'meta-llama/Llama-3.1-8B-Instruct'];

const cliCases: CliCase[] = [
  { label: '--concurrency -3', args: ['plan', ...M, '--concurrency', '-3'], code: 1, flag: '--concurrency', value: '-3' },
  { label: '--concurrency 0', args: ['plan', ...M, '--concurrency', '0'], code: 1, flag: '--concurrency', value: '0' },
  { label: '--concurrency 2.5', args: ['plan', ...M, '--concurrency', '2.5'], code: 1, flag: '--concurrency', value: '2.5' },
  { label: '--concurrency 1e12', args: ['plan', ...M, '--concurrency', '1e12'], code: 1, flag: '--concurrency', value: '1000000000000' },
  { label: '--gpu XYZ', args: ['plan', ...M, '--gpu', 'XYZ'], code: 1, flag: '--gpu', value: 'XYZ' },
  { label: '--tp abc', args: ['plan', ...M, '--tp', 'abc'], code: 1, flag: '--tp', value: 'abc' },
  { label: '--tp 3 on 32 heads', args: ['plan', ...M, '--tp', '3'], code: 1, flag: '--tp', value: '3' },
  { label: '--pp 0', args: ['plan', ...M, '--pp', '0'], code: 1, flag: '--pp', value: '0' },
  { label: '--engine foo', args: ['plan', ...M, '--engine', 'foo'], code: 1, flag: '--engine', value: 'foo' },
  { label: '--quantization int3', args: ['plan', ...M, '--quantization', 'int3'], code: 1, flag: '--quantization', value: 'int3' },
  { label: '--context 0', args: ['plan', ...M, '--context', '0'], code: 1, flag: '--context', value: '0' },
  { label: '--context 10000000', args: ['plan', ...M, '--context', '10000000'], code: 1, flag: '--context', value: '10000000' },
  { label: '--gpu-memory-utilization 2', args: ['plan', ...M, '--gpu-memory-utilization', '2'], code: 1, flag: '--gpu-memory-utilization', value: '2' },
  { label: '--kv-cache-dtype fp4', args: ['plan', ...M, '--kv-cache-dtype', 'fp4'], code: 1, flag: '--kv-cache-dtype', value: 'fp4' },
  { label: '--instance-type g5.huge', args: ['plan', ...M, '--instance-type', 'g5.huge'], code: 1, flag: '--instance-type', value: 'g5.huge' },
  { label: '--instance-types g5.xlarge,g5.huge', args: ['plan', ...M, '--instance-types', 'g5.xlarge,g5.huge'], code: 1, flag: '--instance-types', value: 'g5.huge' },
  { label: '--gpu H100 --instance-type g5.xlarge', args: ['plan', ...M, '--gpu', 'H100', '--instance-type', 'g5.xlarge'], code: 1, flag: '--instance-type', value: 'g5.xlarge' },
  { label: '--engine tgi-neuron --gpu H100', args: ['plan', ...M, '--engine', 'tgi-neuron', '--gpu', 'H100'], code: 1, flag: '--gpu', value: 'H100' },
  {
    label: '405B on --instance-type g4dn.xlarge',
    args: ['plan', '--model', 'meta-llama/Llama-3.1-405B-Instruct', '--instance-type', 'g4dn.xlarge'],
    code: 1,
    flag: '--instance-type',
    value: 'g4dn.xlarge',
  },
  { label: '--model unknown', args: ['plan', '--model', 'acme/nope-7b'], code: 1, flag: '--model', value: 'acme/nope-7b' },
  { label: 'no --model', args: ['plan', '--gpu', 'A10G'], code: 1, flag: '--model', value: 'undefined' },
  { label: '--accelerators-per-node -1', args: ['plan', ...M, '--gpu', 'MI300X', '--accelerators-per-node', '-1'], code: 1, flag: '--accelerators-per-node', value: '-1' },
  { label: 'an unknown flag', args: ['plan', ...M, '--gpu-type', 'A10G'], code: 2, flag: '--gpu-type' }, // --gpus is a flag now (issue 15)
  { label: '--concurrency without a value', args: ['plan', ...M, '--concurrency'], code: 2, flag: '--concurrency' },
  { label: 'a stray positional argument', args: ['plan', ...M, 'A10G'], code: 2, flag: 'A10G' },
  { label: 'an unknown command', args: ['plna', ...M], code: 2, flag: 'plna' },
  { label: 'an unknown catalog', args: ['catalog', 'gpus'], code: 2, flag: 'catalog' },
];

function runCli(args: readonly string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the CLI rejects bad flags with the flag, the value, an exit code and no stack', () => {
  beforeAll(() => {
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run 'npm run build' first (npm test does)`);
  });

  test.each(cliCases)('$label', ({ args, code, flag, value }) => {
    const result = runCli(args);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code, stderr: expect.stringContaining(flag) });
    if (value !== undefined) expect(result.stderr).toContain(value);
    expect(result.stdout).toBe('');
    // No JavaScript stack trace, no internal error names.
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toMatch(/TypeError|RangeError|ReferenceError/);
    // A bad value says what would work.
    if (code === 1) expect(result.stderr).toContain('what would work:');
  });

  test('--json errors carry the flag and the suggestions too', () => {
    const result = runCli(['plan', ...M, '--concurrency', '-3', '--json']);
    expect(result.code).toBe(1);
    const error = JSON.parse(result.stderr);
    expect(error).toMatchObject({ field: 'concurrency', flag: '--concurrency' });
    expect(error.message).toContain('-3');
    expect(error.suggestions.length).toBeGreaterThan(0);
  });
});

test('the corpus holds at least 60 bad inputs', () => {
  const total = plannerCases.length + workerCases.length + poolCases.length + gatewayCases.length + tritonCases.length + stackCases.length + synthCases.length + cliCases.length;
  expect(total).toBeGreaterThanOrEqual(60);
});

// Mistyped flags on every command: exit 2, the flag named, and the flag that was meant (issues 11 and 15).
const mistypedFlags = [
  { args: ['plan', ...M, '--contex', '8192'], typed: '--contex', meant: '--context' },
  { args: ['plan', ...M, '--concurency', '4'], typed: '--concurency', meant: '--concurrency' },
  { args: ['plan', ...M, '--input-token', '2000'], typed: '--input-token', meant: '--input-tokens' },
  { args: ['plan', ...M, '--reprot', 'plan.html'], typed: '--reprot', meant: '--report' },
  { args: ['catalog', 'models', '--jsn'], typed: '--jsn', meant: '--json' },
  { args: ['model', 'add', 'acme/x-7b', '--revison', 'main'], typed: '--revison', meant: '--revision' },
  { args: ['init', 'app', '--pulumni'], typed: '--pulumni', meant: '--pulumi' },
];

describe('mistyped CLI flags get "did you mean"', () => {
  test.each(mistypedFlags)('$typed', ({ args, typed, meant }) => {
    const result = runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`unknown flag ${typed}: did you mean ${meant}?`);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
