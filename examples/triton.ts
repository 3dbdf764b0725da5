import { App, Chart } from 'cdk8s';
import { AutoscaledTriton } from '../lib';

/**
 * Triton + TensorRT-LLM serving GPT-2 on an A10G: the init step downloads the checkpoint and lays out
 * the ensemble model repository, the server container builds the engine for TP 1 x PP 1 once (cached on
 * the pod's model cache), and an HPA scales 1 -> 4 replicas on the per-pod queue:compute time ratio
 * (PodMonitor, PrometheusRule and the prometheus-adapter rule come with it).
 * Clients: `POST http://<service>:8000/v2/models/ensemble/generate`, or gRPC on 8001.
 */
export function tritonExample(app: App): Chart {
  const chart = new Chart(app, 'triton-gpt2-a10g', { namespace: 'llm' });
  new AutoscaledTriton(chart, 'gpt2', {
    model: 'openai-community/gpt2',
    accelerator: 'A10G',
    tensorParallel: 1,
    pipelineParallel: 1,
    minReplicas: 1,
    maxReplicas: 4,
    queueToComputeRatioTarget: 1,
    scaler: 'hpa',
    hfTokenSecret: { name: 'hf-model-pull', key: 'password' },
  });
  return chart;
}
