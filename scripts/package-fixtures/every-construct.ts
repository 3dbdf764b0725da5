/**
 * Copied into the app `scripts/test-package.sh` generates: uses every public construct of the INSTALLED
 * package (root export), type-checked by tsc and run by tsx. Fails loudly if anything is off.
 */
import { App, Chart } from 'cdk8s';
import { AutoscaledTriton, ExternalModel, GpuNodePool, InferenceGateway, LeaderWorkerSet, LlmStack, LlmWorker, SizingError, ValidationError, planModel, type LlmWorkerProps } from 'llm-constructs';

const app = new App({ outdir: 'dist-every-construct' });

// A stack with a Karpenter pool, a worker, a multi-node worker (LeaderWorkerSet), an external endpoint and a LiteLLM gateway.
const stack = new LlmStack(app, 'every', { namespace: 'every', team: 'ml' });
const karpenter = { type: 'karpenter' as const, clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' };
const pool = new GpuNodePool(stack, 'l4', { accelerator: 'L4', provisioner: karpenter, maxAccelerators: 8 });
const chatProps: LlmWorkerProps = { model: 'meta-llama/Llama-3.1-8B-Instruct', nodePool: pool, hfTokenSecret: { name: 'hf', key: 'token' } };
const chat = new LlmWorker(stack, 'chat', chatProps);
const big = new LlmWorker(stack, 'big', { model: 'meta-llama/Llama-3.1-405B-Instruct', instanceType: 'p4de.24xlarge', hfTokenSecret: { name: 'hf', key: 'token' } });
const hosted = new ExternalModel(stack, 'hosted', { baseUrl: 'https://api.example.com/v1', model: 'gpt-4o-mini', apiKeySecret: { name: 'openai', key: 'api-key' } });
new InferenceGateway(stack, 'gateway', { backends: [chat, big, hosted], apiKeySecret: { name: 'keys', key: 'master' } });

// A plain Chart: an on-prem pool, Triton (no OpenAI API: Gateway API routes pass it through) and a Gateway API front door.
const chart = new Chart(app, 'onprem', { namespace: 'onprem' });
const onPrem = new GpuNodePool(chart, 'a100', { accelerator: 'A100-40GB', provisioner: { type: 'on-prem', nodes: 2, acceleratorsPerNode: 8 } });
const qwen = new LlmWorker(chart, 'qwen', { model: 'Qwen/Qwen2.5-7B', nodePool: onPrem });
const triton = new AutoscaledTriton(chart, 'gpt2', { model: 'openai-community/gpt2', accelerator: 'A10G', maxReplicas: 2 });
new InferenceGateway(chart, 'routes', { implementation: { type: 'gateway-api', parentRef: { name: 'gw', namespace: 'infra' } }, backends: [qwen, triton], allowUnauthenticated: true });

const yaml = app.synthYaml();
for (const kind of ['Deployment', 'LeaderWorkerSet', 'NodePool', 'EC2NodeClass', 'HTTPRoute', 'NetworkPolicy']) {
  if (!yaml.includes(`kind: ${kind}\n`)) throw new Error(`no ${kind} synthesized`);
}
if (!(big.workload instanceof LeaderWorkerSet)) throw new Error('the 405B worker is not a LeaderWorkerSet');
if (!yaml.includes('api_key: os.environ/') && !yaml.includes('"api_key": "os.environ/')) throw new Error('the external endpoint has no key in the LiteLLM config');

// The sizing core, and the typed errors a JavaScript caller gets.
const plan = planModel({ model: 'mistralai/Mistral-7B-Instruct-v0.3', accelerator: 'A10G' });
if (plan.tensorParallel !== 1) throw new Error(`unexpected plan: TP ${plan.tensorParallel}`);
const expectThrow = (fn: () => unknown, type: new (...args: never[]) => Error, code: string) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof type && (error as SizingError).code === code) return;
    throw error;
  }
  throw new Error(`expected ${code}`);
};
expectThrow(() => planModel({ model: 'meta-llama/Llama-3.1-8B-Instruct', acelerator: 'H100' } as never), SizingError, 'unknown-prop');
expectThrow(() => new LlmWorker(new Chart(new App(), 'c'), 'w', { model: 'meta-llama/Llama-3.1-8B-Instruct', maxContextLenght: 32768 } as never), ValidationError, 'unknown-prop');
console.log(`every construct: ${yaml.split('\n---\n').length} objects, summary:\n${stack.formatSummary()}`);
