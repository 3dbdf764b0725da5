import type { App } from 'cdk8s';
import { AutoscaledTriton, GpuNodePool, InferenceGateway, LlmStack, LlmWorker } from '../lib';

const karpenter = { type: 'karpenter' as const, clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' };
const hfTokenSecret = { name: 'hf-token', key: 'token' };
const apiKeySecret = { name: 'llm-api-keys', key: 'master-key' };

/**
 * One model served by two pools behind one name: Mistral-7B on a T4 pool (TGI, EETQ) and on an
 * Inferentia2 pool (TGI-neuron), both named `mistral-7b`. LiteLLM load-balances requests for
 * `"model": "mistral-7b"` over the two deployments.
 */
export function sharedNameExample(app: App): LlmStack {
  const stack = new LlmStack(app, 'llm-shared', { namespace: 'llm-shared' });
  const t4 = new GpuNodePool(stack, 't4', { instanceTypes: ['g4dn.xlarge'], provisioner: karpenter, maxAccelerators: 2 });
  const inf2 = new GpuNodePool(stack, 'inf2', { instanceTypes: ['inf2.xlarge'], provisioner: karpenter, maxAccelerators: 2 });
  const common = { model: 'mistralai/Mistral-7B-Instruct-v0.3', servedModelName: 'mistral-7b', maxContextLength: 4096, concurrency: 4, hfTokenSecret };
  const onT4 = new LlmWorker(stack, 'mistral-t4', { ...common, engine: 'tgi', quantization: 'eetq', nodePool: t4, replicas: 2 });
  const onInf2 = new LlmWorker(stack, 'mistral-inf2', { ...common, engine: 'tgi-neuron', nodePool: inf2, replicas: 2 });
  new InferenceGateway(stack, 'gateway', { backends: [onT4, onInf2], apiKeySecret });
  return stack;
}

/**
 * An air-gapped cluster: every image of the stack (model servers, their download init containers, the
 * gateway, the device plugin, GPU Feature Discovery and the DCGM exporter) is pulled from one mirror,
 * with the `regcred` pull secret on every pod (create it in `llm-private` and in `kube-system`).
 */
export function privateRegistryExample(app: App): LlmStack {
  const stack = new LlmStack(app, 'llm-private', {
    namespace: 'llm-private',
    images: { registry: 'registry.corp.example/mirror', pullSecrets: ['regcred'] },
  });
  const l4 = new GpuNodePool(stack, 'l4', { accelerator: 'L4', provisioner: karpenter, plumbing: { installDcgmExporter: true }, maxAccelerators: 4 });
  const llama = new LlmWorker(stack, 'llama-8b', {
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    nodePool: l4,
    maxContextLength: 8192,
    concurrency: 4,
    hfTokenSecret,
    prefetch: { timeoutSeconds: 1800, retries: 3 },
  });
  new InferenceGateway(stack, 'gateway', { backends: [llama], apiKeySecret });
  return stack;
}

/**
 * Triton + TensorRT-LLM inside a stack: `internal: true` opens its HTTP (8000) and gRPC (8001) ports to the
 * namespace and its metrics (8002) to Prometheus, past the stack's default-deny policy. Clients call
 * `POST http://llm-triton-gpt2.llm-triton.svc.cluster.local:8000/v2/models/ensemble/generate`.
 */
export function tritonStackExample(app: App): LlmStack {
  const stack = new LlmStack(app, 'llm-triton', { namespace: 'llm-triton' });
  new AutoscaledTriton(stack, 'gpt2', {
    model: 'openai-community/gpt2',
    accelerator: 'A10G',
    minReplicas: 1,
    maxReplicas: 2,
    internal: true,
    hfTokenSecret,
  });
  return stack;
}
