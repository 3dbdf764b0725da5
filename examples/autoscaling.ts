import { App, Chart } from 'cdk8s';
import { LlmWorker } from '../lib';

/** A vLLM worker that KEDA scales 1 → 6 on vllm:num_requests_waiting (no prometheus-adapter needed). */
export function kedaExample(app: App): Chart {
  const chart = new Chart(app, 'vllm-keda', { namespace: 'llm' });
  new LlmWorker(chart, 'llama', {
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    accelerator: 'L4',
    maxContextLength: 8192,
    concurrency: 4,
    hfTokenSecret: { name: 'hf-token', key: 'token' },
    autoscaling: { minReplicas: 1, maxReplicas: 6, scaler: 'keda', target: 4 },
  });
  return chart;
}
