/**
 * Issue 13, what operators asked for: one model name over several worker groups, a private registry for
 * every image of a stack, and an AutoscaledTriton inside a stack. Checked on the synthesized examples
 * (examples/cluster.ts) and on small trees; reachability computed with the NetworkPolicy evaluator.
 */
import { Testing } from 'cdk8s';
import { AutoscaledTriton, GpuNodePool, InferenceGateway, LlmStack, LlmWorker } from '../lib';
import { ValidationError } from '../lib/errors';
import { privateRegistryExample, sharedNameExample, tritonStackExample } from '../examples/cluster';
import { mirrored } from '../lib/constructs/stack/images';
import { pod, podOf, podTemplates, reaches, synth } from './support/cluster';

const HF_TOKEN = { name: 'hf-token', key: 'token' };
const KEYS = { name: 'llm-api-keys', key: 'master-key' };
const KARPENTER = { type: 'karpenter' as const, clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' };

describe('one served model name across two worker groups (T4 and Inferentia2), load-balanced by LiteLLM', () => {
  const app = Testing.app();
  const stack = sharedNameExample(app);
  const objects = synth(stack);

  it('synthesizes: the stack and the gateway accept the shared name', () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('LiteLLM gets two deployments of `mistral-7b`, one per worker Service', () => {
    const config = JSON.parse(objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name?.endsWith('-litellm-config'))!.data['config.yaml']);
    const entries = config.model_list.filter((m: any) => m.model_name === 'mistral-7b');
    expect(entries).toHaveLength(2);
    const services = objects.filter((o) => o.kind === 'Service' && o.metadata?.labels?.['app.kubernetes.io/name'] === 'llm-worker').map((o) => o.metadata!.name);
    const hosts = entries.map((e: any) => new URL(e.litellm_params.api_base).hostname.split('.')[0]).sort();
    expect(hosts).toEqual([...services].sort());
  });

  it('the two groups run on their own pools (a T4 and an Inferentia2 device)', () => {
    const servers = podTemplates(objects).filter(({ template }) => template.metadata?.labels?.['app.kubernetes.io/name'] === 'llm-worker');
    const resources = servers.map(({ template }) => Object.keys(template.spec.containers[0].resources.limits).find((k) => k.includes('/'))).sort();
    expect(resources).toEqual(['aws.amazon.com/neuron', 'nvidia.com/gpu']);
  });

  it('two different models under one name still fail, naming both workers', () => {
    const app2 = Testing.app();
    const s = new LlmStack(app2, 'llm', { namespace: 'llm' });
    const a = new LlmWorker(s, 'a', { model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4', servedModelName: 'chat', hfTokenSecret: HF_TOKEN });
    const b = new LlmWorker(s, 'b', { model: 'Qwen/Qwen2.5-7B-Instruct', accelerator: 'L4', servedModelName: 'chat' });
    new InferenceGateway(s, 'gw', { backends: [a, b], apiKeySecret: KEYS });
    expect(() => app2.synth()).toThrow(/served model name 'chat'.*llm\/a and llm\/b.*different models/s);
  });

  it('the same model twice without choosing the name is still a collision', () => {
    const app2 = Testing.app();
    const s = new LlmStack(app2, 'llm', { namespace: 'llm' });
    const a = new LlmWorker(s, 'a', { model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4', hfTokenSecret: HF_TOKEN });
    const b = new LlmWorker(s, 'b', { model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'A10G', hfTokenSecret: HF_TOKEN });
    new InferenceGateway(s, 'gw', { backends: [a, b], apiKeySecret: KEYS });
    expect(() => app2.synth()).toThrow(/servedModelName unset/);
  });
});

describe('a private registry for every image of the stack', () => {
  const REGISTRY = 'registry.corp.example/mirror';
  const objects = synth(privateRegistryExample(Testing.app()));
  const templates = podTemplates(objects);
  const containers = templates.flatMap(({ template }) => [...(template.spec.initContainers ?? []), ...template.spec.containers]);

  it('covers model servers, init containers, the gateway and node agents', () => {
    expect(templates.some(({ owner }) => owner.kind === 'DaemonSet' && owner.metadata?.namespace === 'kube-system')).toBe(true);
    expect(templates.some(({ template }) => (template.spec.initContainers ?? []).length > 0)).toBe(true);
    expect(containers.length).toBeGreaterThan(4);
  });

  it('every image is under the registry, with its upstream repository path and tag', () => {
    // The same stack without the mirror: image i must become `<registry>/<path without the upstream host>:<tag>`.
    const app = Testing.app();
    const plain = new LlmStack(app, 'llm-private', { namespace: 'llm-private' });
    const l4 = new GpuNodePool(plain, 'l4', { accelerator: 'L4', provisioner: KARPENTER, plumbing: { installDcgmExporter: true }, maxAccelerators: 4 });
    const llama = new LlmWorker(plain, 'llama-8b', {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      nodePool: l4,
      maxContextLength: 8192,
      concurrency: 4,
      hfTokenSecret: HF_TOKEN,
      prefetch: { timeoutSeconds: 1800, retries: 3 },
    });
    new InferenceGateway(plain, 'gateway', { backends: [llama], apiKeySecret: KEYS });
    const upstream = podTemplates(synth(plain))
      .flatMap(({ template }) => [...(template.spec.initContainers ?? []), ...template.spec.containers])
      .map((c: any) => c.image);
    expect(containers.map((c: any) => c.image)).toEqual(upstream.map((image: string) => `${REGISTRY}/${image.replace(/^[^/]+\.[^/]+\//, '')}`));
    for (const c of containers) expect(c.image.startsWith(`${REGISTRY}/`)).toBe(true);
  });

  it('every pod carries the pull secret', () => {
    for (const { owner, template } of templates)
      expect({ pod: `${owner.kind}/${owner.metadata?.name}`, secrets: template.spec.imagePullSecrets }).toEqual({ pod: `${owner.kind}/${owner.metadata?.name}`, secrets: [{ name: 'regcred' }] });
  });

  it('references: Docker Hub names get their library/ path, digests and registry ports are kept', () => {
    expect(mirrored('python:3.12-slim', REGISTRY)).toBe(`${REGISTRY}/library/python:3.12-slim`);
    expect(mirrored('ollama/ollama:0.13.5', REGISTRY)).toBe(`${REGISTRY}/ollama/ollama:0.13.5`);
    expect(mirrored('localhost:5000/team/app@sha256:' + 'a'.repeat(64), REGISTRY)).toBe(`${REGISTRY}/team/app@sha256:${'a'.repeat(64)}`);
  });

  it('a registry with a scheme is refused with the prop named', () => {
    let error: unknown;
    try {
      new LlmStack(Testing.app(), 's', { namespace: 's', images: { registry: 'https://registry.corp.example/' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('images.registry');
  });
});

describe('AutoscaledTriton inside an LlmStack', () => {
  const app = Testing.app();
  const stack = tritonStackExample(app);
  const objects = synth(stack);
  const server = podTemplates(objects).find(({ owner }) => owner.kind === 'Deployment')!;
  const triton = podOf(server.owner, 'Deployment', server.template);
  const client = pod('llm-triton', { app: 'rag' });

  it('synthesizes (internal: true makes it reachable past the default deny)', () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('clients of the namespace reach HTTP 8000 and gRPC 8001; Prometheus reaches metrics 8002; other namespaces nothing', () => {
    expect(reaches(objects, client, triton, 8000)).toBe(true);
    expect(reaches(objects, client, triton, 8001)).toBe(true);
    expect(reaches(objects, pod('monitoring', { app: 'prometheus' }), triton, 8002)).toBe(true);
    expect(reaches(objects, pod('apps', { app: 'rag' }), triton, 8000)).toBe(false);
  });

  it('a gateway refuses it and says what works', () => {
    const s = new LlmStack(Testing.app(), 'x', { namespace: 'x' });
    const t = new AutoscaledTriton(s, 'gpt2', { model: 'openai-community/gpt2', accelerator: 'A10G', hfTokenSecret: HF_TOKEN });
    let error: unknown;
    try {
      new InferenceGateway(s, 'gw', { backends: [t as unknown as LlmWorker], apiKeySecret: KEYS });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).suggestions.join('\n')).toMatch(/internal: true/);
  });
});
