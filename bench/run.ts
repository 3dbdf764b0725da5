/**
 * `npm run bench`: throughput of the sizing core, measured here and never in a test.
 * Prints plans per second and the mean/p99 time of one plan for a mix of requests.
 */
import * as os from 'node:os';
import { planModel, type PlanRequest } from '../lib';

const REQUESTS: PlanRequest[] = [
  { model: 'meta-llama/Llama-3.1-8B-Instruct' }, // whole catalog: the cheapest instance type
  { model: 'meta-llama/Llama-3.1-70B-Instruct', accelerator: 'A100-80GB', maxContextLength: 8192, concurrency: 32 },
  { model: 'mistralai/Mixtral-8x7B-Instruct-v0.1', engine: 'tgi', accelerator: 'L40S' },
  { model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi-neuron', instanceType: 'inf2.xlarge', concurrency: 4, maxContextLength: 4096 },
  { model: 'meta-llama/Llama-3.1-405B-Instruct', instanceType: 'p5.48xlarge' }, // multi-node
  { model: 'meta-llama/Llama-3.1-8B-Instruct', engine: 'llama-cpp', quantization: 'gguf-q4_k_m' },
  { model: 'Qwen/Qwen2.5-72B-Instruct', quantization: 'awq', concurrency: 16 },
];

function bench(name: string, fn: () => void, seconds = 1.5): void {
  for (let i = 0; i < 200; i++) fn(); // warm-up (JIT)
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((sum, s) => sum + s, 0) / samples.length;
  const p99 = samples[Math.floor(samples.length * 0.99)];
  console.log(`${name.padEnd(58)} ${Math.round(1000 / mean).toString().padStart(8)} plans/s   mean ${mean.toFixed(3)} ms   p99 ${p99.toFixed(3)} ms`);
}

console.log(`llm-constructs sizing benchmark — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x ${os.cpus().length}, ${new Date().toISOString().slice(0, 10)}`);
for (const request of REQUESTS) {
  const label = `${typeof request.model === 'string' ? request.model.split('/')[1] : 'custom'} ${request.engine ?? 'vllm'} ${request.instanceType ?? request.accelerator ?? 'any'}`;
  bench(label, () => planModel(request));
}
bench('mix of all of the above', () => {
  for (const request of REQUESTS) planModel(request);
});
