import { App, Chart } from 'cdk8s';
import { GpuNodePool, InferenceGateway, LlmWorker } from '../lib';
import { BGE_BASE_EN_V15 } from './workers';

const hfToken = { name: 'hf-token', key: 'token' };
/** FastChat publishes no image: teams build one (FastChat + a vLLM it supports) and pin it. */
const FASTCHAT_IMAGE = 'registry.example.com/ml/fastchat-vllm:0.2.36-vllm0.6.2';

/**
 * The classic on-prem layout: a FastChat controller and OpenAI API server (NodePort) in front of a
 * Mixtral-8x7B vLLM worker on 2 GPUs and a Llama worker; keys from a Secret; images from a private
 * registry (pull secret `regcred`).
 */
export function fastChatOnPremExample(app: App): Chart {
  const chart = new Chart(app, 'fastchat-onprem', { namespace: 'llm' });
  const pool = new GpuNodePool(chart, 'a100', {
    accelerator: 'A100-SXM4-80GB', // on-prem pools name the form factor (A100-80GB could be PCIe)
    provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8, nodeSelector: { 'llm.example.com/rack': 'a' } },
  });
  const common = { engine: 'fastchat-vllm' as const, image: FASTCHAT_IMAGE, imagePullSecrets: ['regcred'], nodePool: pool, hfTokenSecret: hfToken };
  const mixtral = new LlmWorker(chart, 'mixtral', { ...common, model: 'mistralai/Mixtral-8x7B-Instruct-v0.1', tensorParallel: 2, maxContextLength: 8192, concurrency: 8 });
  const llama = new LlmWorker(chart, 'llama', { ...common, model: 'meta-llama/Llama-3.1-8B-Instruct', maxContextLength: 8192, concurrency: 16 });
  new InferenceGateway(chart, 'gateway', {
    implementation: { type: 'fastchat', image: FASTCHAT_IMAGE },
    backends: [mixtral, llama],
    imagePullSecrets: ['regcred'],
    apiKeySecret: { name: 'llm-api-keys', key: 'keys' },
    expose: { type: 'node-port', nodePort: 30080, sourceRanges: ['10.20.0.0/16'] },
  });
  return chart;
}

/** LiteLLM in front of three engines (vLLM chat, TGI chat, TEI embeddings), exposed by an Ingress with TLS. */
export function liteLlmExample(app: App): Chart {
  const chart = new Chart(app, 'litellm-gateway', { namespace: 'llm' });
  const llama = new LlmWorker(chart, 'llama', { model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4', concurrency: 8, hfTokenSecret: hfToken });
  const mistral = new LlmWorker(chart, 'mistral', { model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi', accelerator: 'A10G', maxContextLength: 8192, concurrency: 4, hfTokenSecret: hfToken });
  const bge = new LlmWorker(chart, 'bge', { model: BGE_BASE_EN_V15, engine: 'tei', accelerator: 'T4' });
  new InferenceGateway(chart, 'gateway', {
    implementation: { type: 'litellm' },
    backends: [llama, mistral, bge],
    apiKeySecret: { name: 'llm-api-keys', key: 'master-key' },
    expose: { type: 'ingress', host: 'llm.example.com', tlsSecret: 'llm-tls', className: 'nginx' },
  });
  return chart;
}

/**
 * Gateway API with the inference extension: the cluster's Gateway routes each model (by the model-name
 * header its body-based router sets) to an InferencePool of that model's pods. Keys are the Gateway's.
 */
export function gatewayApiExample(app: App): Chart {
  const chart = new Chart(app, 'gateway-api', { namespace: 'llm' });
  const llama = new LlmWorker(chart, 'llama', { model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4', concurrency: 8, hfTokenSecret: hfToken, replicas: 2 });
  const qwen = new LlmWorker(chart, 'qwen', { model: 'Qwen/Qwen2.5-7B-Instruct', accelerator: 'L4', concurrency: 8, hfTokenSecret: hfToken });
  new InferenceGateway(chart, 'routes', {
    implementation: {
      type: 'gateway-api',
      parentRef: { name: 'inference-gateway', namespace: 'gateway-system' },
      // One endpoint picker per InferencePool (pools are named after the workers' Services); each is
      // admitted to its pool's model servers to scrape their metrics.
      inferenceExtension: {
        endpointPickers: {
          [llama.serviceName]: { name: `${llama.serviceName}-epp`, port: 9002, pods: { app: `${llama.serviceName}-epp` } },
          [qwen.serviceName]: { name: `${qwen.serviceName}-epp`, port: 9002, pods: { app: `${qwen.serviceName}-epp` } },
        },
      },
    },
    backends: [llama, qwen],
    allowUnauthenticated: true, // the Gateway checks keys (ext-auth on the listener)
  });
  return chart;
}
