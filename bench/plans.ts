/**
 * Throughput of the sizing core: plans per second and the mean/p99 time of one plan for a mix of
 * requests (the first section of `npm run bench`).
 */
import { planModel, type PlanRequest } from '../lib';
import { formatTable, percentile, timeRepeatedly } from './table';

const REQUESTS: PlanRequest[] = [
  { model: 'meta-llama/Llama-3.1-8B-Instruct' }, // whole catalog: the cheapest instance type
  { model: 'meta-llama/Llama-3.1-70B-Instruct', accelerator: 'A100-80GB', maxContextLength: 8192, concurrency: 32 },
  { model: 'mistralai/Mixtral-8x7B-Instruct-v0.1', engine: 'tgi', accelerator: 'L40S' },
  { model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi-neuron', instanceType: 'inf2.xlarge', concurrency: 4, maxContextLength: 4096 },
  { model: 'meta-llama/Llama-3.1-405B-Instruct', instanceType: 'p5.48xlarge' }, // multi-node
  { model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'llama-cpp', quantization: 'gguf-q4_k_m' },
  { model: 'Qwen/Qwen2.5-72B-Instruct', quantization: 'awq', concurrency: 16 },
];

export interface PlanRow {
  readonly name: string;
  readonly plansPerSecond: number;
  readonly meanMs: number;
  readonly p99Ms: number;
}

/** Plans per call of `fn` (the mix runs every request once per call). */
function bench(name: string, fn: () => void, plansPerCall: number, seconds: number): PlanRow {
  for (let i = 0; i < 200; i++) fn(); // warm-up (JIT)
  const { samples, meanMs: mean } = timeRepeatedly(fn, seconds);
  return { name, plansPerSecond: (1000 * plansPerCall) / mean, meanMs: mean / plansPerCall, p99Ms: percentile(samples, 0.99) / plansPerCall };
}

function label(request: PlanRequest): string {
  return `${typeof request.model === 'string' ? request.model.split('/')[1] : 'custom'} ${request.engine ?? 'vllm'} ${request.instanceType ?? request.accelerator ?? 'any'}`;
}

export function benchPlans(seconds = 1.5): PlanRow[] {
  const rows = REQUESTS.map((request) => bench(label(request), () => planModel(request), 1, seconds));
  rows.push(
    bench(
      'mix of all of the above (per plan)',
      () => {
        for (const request of REQUESTS) planModel(request);
      },
      REQUESTS.length,
      seconds,
    ),
  );
  return rows;
}

export function formatPlans(rows: readonly PlanRow[], markdown = false): string {
  return formatTable(
    ['request', 'plans/s', 'mean ms', 'p99 ms'],
    rows.map((r) => [r.name, Math.round(r.plansPerSecond).toString(), r.meanMs.toFixed(3), r.p99Ms.toFixed(3)]),
    markdown,
  );
}
