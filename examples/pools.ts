import { App, Chart } from 'cdk8s';
import { GpuNodePool, LlmWorker } from '../lib';

const hfToken = { name: 'hf-token', key: 'token' };

/** EKS with Karpenter: a T4 pool and an Inferentia2 pool serving Mistral-7B with TGI, and an A100/H100 pool for a 70B model. */
export function eksPoolsExample(app: App): Chart {
  const chart = new Chart(app, 'eks-pools', { namespace: 'llm' });
  const karpenter = { type: 'karpenter' as const, clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod', tags: { team: 'ml-platform' } };

  const t4 = new GpuNodePool(chart, 't4', {
    instanceFamilies: ['g4dn'],
    provisioner: karpenter,
    plumbing: { installDcgmExporter: true },
    capacityTypes: ['spot', 'on-demand'],
    maxAccelerators: 8,
  });
  new LlmWorker(chart, 'mistral-t4', {
    model: 'mistralai/Mistral-7B-Instruct-v0.3',
    engine: 'tgi',
    quantization: 'eetq',
    maxContextLength: 4096,
    concurrency: 4,
    nodePool: t4,
    replicas: 2,
    hfTokenSecret: hfToken,
  });

  const inf2 = new GpuNodePool(chart, 'inf2', {
    accelerator: 'inferentia2',
    instanceTypes: ['inf2.xlarge', 'inf2.8xlarge'],
    provisioner: karpenter,
    maxAccelerators: 4,
  });
  new LlmWorker(chart, 'mistral-inf2', {
    model: 'mistralai/Mistral-7B-Instruct-v0.3',
    engine: 'tgi-neuron',
    maxContextLength: 4096,
    concurrency: 4,
    nodePool: inf2,
    hfTokenSecret: hfToken,
  });

  const big = new GpuNodePool(chart, 'a100-h100', {
    instanceTypes: ['p4de.24xlarge', 'p5.48xlarge'],
    provisioner: { ...karpenter, amiAlias: 'bottlerocket@latest' },
    maxAccelerators: 16,
  });
  new LlmWorker(chart, 'llama-70b', {
    model: 'meta-llama/Llama-3.1-70B-Instruct',
    maxContextLength: 8192,
    concurrency: 32,
    nodePool: big,
    replicas: 2,
    hfTokenSecret: hfToken,
  });
  return chart;
}

/** On-prem: 4 servers of 8 A100-40GB with the device plugin and DCGM exporter, two models on them. */
export function onPremExample(app: App): Chart {
  const chart = new Chart(app, 'onprem-a100', { namespace: 'llm' });
  const dc = new GpuNodePool(chart, 'dc1', {
    accelerator: 'A100-40GB',
    provisioner: { type: 'on-prem', nodes: 4, acceleratorsPerNode: 8 },
    plumbing: { installDevicePlugin: true, installDcgmExporter: true },
  });
  new LlmWorker(chart, 'llama-70b', {
    model: 'meta-llama/Llama-3.1-70B-Instruct',
    maxContextLength: 8192,
    concurrency: 16,
    nodePool: dc,
    replicas: 2,
    hfTokenSecret: hfToken,
  });
  new LlmWorker(chart, 'qwen-32b', {
    model: 'Qwen/Qwen2.5-32B-Instruct',
    maxContextLength: 16384,
    concurrency: 8,
    nodePool: dc,
    replicas: 2,
    hfTokenSecret: hfToken,
  });
  return chart;
}
