import { App } from 'cdk8s';
import { GpuNodePool, InferenceGateway, LlmStack, LlmWorker } from '../lib';

/**
 * The EKS stack: Karpenter pools (L4 for an 8B chat model and embeddings, A100/H100 for a 70B model),
 * the workers on them, and one LiteLLM gateway. Shared by `npm run synth` and the Pulumi program.
 */
export function buildEksStack(stack: LlmStack): void {
  const karpenter = { type: 'karpenter' as const, clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' };
  const hfTokenSecret = { name: 'hf-token', key: 'token' };
  const l4 = new GpuNodePool(stack, 'l4', { accelerator: 'L4', provisioner: karpenter, capacityTypes: ['spot', 'on-demand'], maxAccelerators: 8 });
  const big = new GpuNodePool(stack, 'a100', { instanceTypes: ['p4de.24xlarge'], provisioner: { ...karpenter, amiAlias: 'bottlerocket@latest' }, maxAccelerators: 16 });

  const llama8b = new LlmWorker(stack, 'llama-8b', {
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    nodePool: l4,
    maxContextLength: 8192,
    concurrency: 4,
    hfTokenSecret,
    autoscaling: { minReplicas: 1, maxReplicas: 4 },
  });
  const llama70b = new LlmWorker(stack, 'llama-70b', {
    model: 'meta-llama/Llama-3.1-70B-Instruct',
    nodePool: big,
    maxContextLength: 8192,
    concurrency: 32,
    hfTokenSecret,
    modelCache: { type: 'emptyDir' },
    replicas: 2,
  });
  new InferenceGateway(stack, 'gateway', {
    backends: [llama8b, llama70b],
    apiKeySecret: { name: 'llm-api-keys', key: 'master-key' },
    expose: { type: 'ingress', host: 'llm.example.com', tlsSecret: 'llm-tls', className: 'nginx' },
  });
}

/** The stack as a cdk8s chart (dist/llm.k8s.yaml). */
export function eksStackExample(app: App): LlmStack {
  const stack = new LlmStack(app, 'llm', { namespace: 'llm', team: 'ml-platform', costCenter: 'cc-4242' });
  buildEksStack(stack);
  return stack;
}
