import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PRICE_DATE, PRICE_REGION } from '../catalog/instance-types';
import { formatGiB, KiB } from '../catalog/units';
import { SizingError } from '../errors';
import { planModel } from '../performance/plan';
import { resolveModelFlag } from './model-source';
import { gpusVerdict, withGpus } from './plan-gpus';
import type { ModelPlan, PlanRequest } from '../sizing/types';
import { formatPairs } from '../text/table';
import { formatPerformance, parseWorkloadFlags, WORKLOAD_OPTIONS, WORKLOAD_USAGE, workloadFlagFor } from './performance-output';
import { renderPlanReport } from '../report';
import { estimatePerformance } from '../performance/estimate';
import { ValidationError } from '../errors';

/** CLI flags and the PlanRequest field each one sets (errors name the flag the user typed). */
export const PLAN_FLAGS = {
  model: { field: 'model', help: 'hub id (catalog, then llm-models/ records) or path/to/config.json (required)' },
  engine: { field: 'engine', help: 'vllm | tgi | tgi-neuron | fastchat-vllm | llama-cpp | ollama | tei | triton-trtllm (default vllm)' },
  gpu: { field: 'accelerator', help: 'accelerator, e.g. A10G, A100-80GB, H100, inferentia2' },
  'instance-type': { field: 'instanceType', help: 'EC2 instance type, e.g. g5.12xlarge' },
  'instance-types': { field: 'instanceTypes', help: 'comma-separated candidates (a node pool), default: the whole catalog' },
  quantization: { field: 'quantization', help: 'none | fp8 | int8 | eetq | bitsandbytes-8bit | bitsandbytes-nf4 | awq | gptq | gguf-q4_k_m | gguf-q8_0' },
  context: { field: 'maxContextLength', help: 'tokens per sequence (default min(model maximum, 8192))' },
  concurrency: { field: 'concurrency', help: 'sequences of --context held in the KV cache at once (default 1)' },
  tp: { field: 'tensorParallel', help: 'force the tensor-parallel size' },
  pp: { field: 'pipelineParallel', help: 'force the pipeline-parallel size' },
  'gpu-memory-utilization': { field: 'gpuMemoryUtilization', help: 'fraction of accelerator memory the engine may use (vLLM default 0.92)' },
  'kv-cache-dtype': { field: 'kvCacheDtype', help: 'auto | fp8' },
  'accelerators-per-node': { field: 'acceleratorsPerNode', help: 'on-prem node size when no instance type applies (default 8)' },
  gpus: { field: 'gpus', help: 'can it run on N of --gpu? one server of N, no pipeline stages added' },
} as const;

/** Every flag `plan` accepts, for "did you mean". */
export const PLAN_FLAG_NAMES: readonly string[] = [...Object.keys(PLAN_FLAGS), ...Object.keys(WORKLOAD_OPTIONS), 'report', 'json', 'help'];

const NUMERIC = new Set(['context', 'concurrency', 'tp', 'pp', 'gpu-memory-utilization', 'accelerators-per-node']);

export const PLAN_USAGE = `Usage: llm-constructs plan --model <hub id | path/to/config.json> [options]

Plans how to serve a model: accelerator, instance type, tensor/pipeline parallel sizes, memory per
accelerator, maximum concurrent sequences and $/hour per replica. Exit code 1 when nothing fits.

Options:
${Object.entries(PLAN_FLAGS)
  .map(([flag, { help }]) => `  --${flag.padEnd(24)}${help}`)
  .join('\n')}
${WORKLOAD_USAGE}
  --json                    print the plan (or the error) as JSON
  --report <file.html>      also write the plan as a self-contained HTML page (charts, data tables)
  --help                    show this help`;

/** The flag that sets a PlanRequest field, for error messages. */
export function flagFor(field: string | undefined): string | undefined {
  const entry = Object.entries(PLAN_FLAGS).find(([, spec]) => spec.field === field);
  return entry ? `--${entry[0]}` : workloadFlagFor(field);
}

/** Parses `plan` flags into a PlanRequest. Numbers stay strings when they do not parse, so that the planner names them. */
export function parsePlanArgs(args: string[]): { request: PlanRequest; json: boolean; help: boolean; gpus?: number; report?: string } {
  const options = Object.fromEntries(Object.keys(PLAN_FLAGS).map((flag) => [flag, { type: 'string' as const }]));
  const { values } = parseArgs({
    args: joinNegativeNumbers(args),
    options: { ...options, ...WORKLOAD_OPTIONS, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, report: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const request: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(PLAN_FLAGS)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (typeof raw !== 'string') continue;
    if (NUMERIC.has(flag)) request[spec.field] = raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    else if (flag === 'instance-types')
      request[spec.field] = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else request[spec.field] = raw;
  }
  request.workload = parseWorkloadFlags(values);
  if (values.help === true) return { request: request as unknown as PlanRequest, json: values.json === true, help: true };
  const { gpus: rawGpus, ...rest } = request;
  const model = { ...rest, ...(rest.model !== undefined ? { model: resolveModelFlag(rest.model) } : {}) } as unknown as PlanRequest;
  return { ...withGpus(model, rawGpus as string | undefined), json: values.json === true, help: false, report: values.report };
}

/**
 * `--concurrency -3` is a bad value, not a missing one: parseArgs would take `-3` for an option and call
 * the flag's argument ambiguous (a usage error). Joined as `--concurrency=-3`, it reaches the planner,
 * which names the flag, the value and what would work.
 */
function joinNegativeNumbers(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i].startsWith('--') ? args[i].slice(2) : undefined;
    const next = args[i + 1];
    if (flag !== undefined && NUMERIC.has(flag) && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) {
      out.push(`${args[i]}=${next}`);
      i++;
    } else {
      out.push(args[i]);
    }
  }
  return out;
}

/** Runs `plan`: the plan as text or JSON. Throws SizingError when nothing fits. */
export function runPlan(request: PlanRequest, json: boolean, options: { report?: string; gpus?: number } = {}): string {
  const { report, gpus } = options;
  const plan = gpus === undefined ? planModel(request) : planOnGpus(request, gpus);
  if (report !== undefined) writeReport(report, renderPlanReport(plan, { estimate: estimatePerformance, slo: request.workload?.slo }));
  const text = json ? JSON.stringify(plan, null, 2) : formatPlan(plan);
  return gpus === undefined || json ? text : `${gpusVerdict(plan, gpus)}\n${text}`;
}

/** `--gpus N`: a plan on one server of N, or "No" with the planner's reason. */
function planOnGpus(request: PlanRequest, gpus: number): ModelPlan {
  try {
    return planModel(request);
  } catch (error) {
    if (!(error instanceof SizingError)) throw error;
    const [reason] = error.message.split('\n');
    throw new SizingError(error.code, `No: it does not run on ${gpus} x ${String(request.accelerator)} without pipeline stages: ${reason}`, {
      field: error.field,
      suggestions: [...error.suggestions, `--gpus ${gpus * 2} (more of them)`, `--pp 2 --accelerators-per-node ${gpus} (pipeline stages over several servers)`],
    });
  }
}

function writeReport(file: string, html: string): void {
  try {
    writeFileSync(file, html);
  } catch (error) {
    throw new ValidationError('report-not-written', `--report ${file}: cannot write the report (${(error as Error).message})`, {
      field: 'report',
      suggestions: ['--report plan.html (a writable path)'],
    });
  }
}

function usd(value: number): string {
  return `$${value.toFixed(2)}/h`;
}

/** The human-readable plan. */
export function formatPlan(plan: ModelPlan): string {
  const { memory, accelerator, instanceType } = plan;
  const rank = accelerator.kind === 'neuron' ? 'NeuronCore' : 'accelerator';
  const nodes = plan.nodesPerReplica === 1 ? '1 node' : `${plan.nodesPerReplica} nodes`;
  const placement = instanceType
    ? `${instanceType.name} (${instanceType.acceleratorCount} x ${accelerator.id}, ${instanceType.vcpu} vCPU, ${instanceType.memoryMiB / 1024} GiB)`
    : `on-prem nodes of ${plan.acceleratorsPerNode} x ${accelerator.id}`;
  const devices =
    accelerator.kind === 'neuron'
      ? `${plan.acceleratorsPerReplica} Neuron device(s) = ${plan.tensorParallel * plan.pipelineParallel} NeuronCores`
      : `${plan.acceleratorsPerReplica} x ${accelerator.id}`;
  const lines = [
    `Plan for ${plan.model.id} on ${plan.engine}`,
    formatPairs([
      ['accelerator', `${accelerator.displayName} (${formatGiB(accelerator.usableMemoryBytes)} usable)`],
      ['instance type', placement],
      ['parallelism', `tensor ${plan.tensorParallel} x pipeline ${plan.pipelineParallel}`],
      ['per replica', `${devices} on ${nodes}`],
      ['weights', `${plan.quantization} (${plan.model.dtype} checkpoint), ${formatGiB(memory.totalWeightsBytes)} in all`],
      ['context', `${plan.maxContextLength} tokens x ${plan.concurrency} concurrent sequence(s)`],
    ]),
    `Memory per ${rank}`,
    formatPairs([
      ['weights', formatGiB(memory.weightsBytes)],
      ['KV cache', `${formatGiB(memory.kvCacheBytes)}  (${plan.concurrency} x ${plan.maxContextLength} tokens x ${(memory.kvCacheBytesPerToken / KiB).toFixed(1)} KiB/token)`],
      ['overhead', `${formatGiB(memory.overheadBytes)}  (activations, CUDA graphs, runtime)`],
      ['required', formatGiB(memory.requiredBytesPerAccelerator)],
      ['available', `${formatGiB(memory.usableBytesPerAccelerator)}  (utilization ${plan.gpuMemoryUtilization})`],
      ['KV capacity', `${formatGiB(memory.kvCacheCapacityBytes)}  -> max ${plan.maxConcurrentSequences} concurrent sequences at ${plan.maxContextLength} tokens`],
    ]),
    plan.hourlyCostUsd === undefined
      ? 'Cost per replica: unknown (no on-demand price for this hardware)'
      : `Cost per replica: ${usd(plan.hourlyCostUsd)} on demand (${PRICE_REGION}, prices of ${PRICE_DATE})`,
  ];
  if (plan.performance) lines.push(formatPerformance(plan));
  if (plan.warnings.length > 0) lines.push('Warnings', ...plan.warnings.map((w) => `  - ${w}`));
  return lines.join('\n');
}
