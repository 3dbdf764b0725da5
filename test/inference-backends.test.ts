/**
 * Gateways route to IInferenceBackends (issue 12): LlmWorker, AutoscaledTriton and ExternalModel, decided
 * from each backend's data (its API, its pods), never its class. Synthesized in memory; every object is
 * validated against its upstream schema; the LiteLLM config is read back from the ConfigMap the proxy mounts.
 */
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { AutoscaledTriton, ExternalModel, InferenceGateway, LlmStack, LlmWorker, type GatewayImplementation, type IInferenceBackend, type InferenceGatewayProps } from '../lib';
import type { BackendApi, GatewayAttachment } from '../lib/constructs/inference-backend';
import { validateObject, type K8sObject } from './support/schemas';
import { thrownValidationError as thrown } from './support/thrown';

type Obj = K8sObject & { spec?: any; data?: Record<string, string> };

const NS = 'llm';
const KEYS = { name: 'llm-api-keys', key: 'master-key' };
const OPENAI_KEY = { name: 'openai', key: 'api-key' };
const LLAMA = { model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4', concurrency: 8, maxContextLength: 8192, hfTokenSecret: { name: 'hf', key: 'token' } } as const;
/** LiteLLM's own fallback env names for provider keys: ours must not collide with them. */
const PROVIDER_FALLBACK_ENV = ['OPENAI_API_KEY', 'HOSTED_VLLM_API_KEY'];

function chart(): Chart {
  return new Chart(Testing.app(), 'c', { namespace: NS });
}

function synthValid(scope: Chart): Obj[] {
  const objects = Testing.synth(scope) as Obj[];
  for (const o of objects) validateObject(o);
  return objects;
}

/** The proxy's config, from the ConfigMap its Deployment mounts at the path of `--config`. */
function liteLlmConfig(objects: Obj[]): any {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name?.endsWith('-litellm'))!;
  const pod = deployment.spec.template.spec;
  const args: string[] = pod.containers[0].args;
  const file = args[args.indexOf('--config') + 1];
  const mount = pod.containers[0].volumeMounts.find((m: any) => file.startsWith(`${m.mountPath}/`));
  const volume = pod.volumes.find((v: any) => v.name === mount.name);
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === volume.configMap.name)!;
  return parse(configMap.data![file.slice(mount.mountPath.length + 1)]);
}

function liteLlmEnv(objects: Obj[]): any[] {
  return objects.find((o) => o.kind === 'Deployment' && o.metadata?.name?.endsWith('-litellm'))!.spec.template.spec.containers[0].env;
}

describe('an external OpenAI-compatible endpoint behind LiteLLM', () => {
  const scope = chart();
  const llama = new LlmWorker(scope, 'llama', LLAMA);
  const gpt = new ExternalModel(scope, 'gpt', { baseUrl: 'https://api.example.com/v1', model: 'gpt-4o-mini', apiKeySecret: OPENAI_KEY });
  const embed = new ExternalModel(scope, 'embed', { baseUrl: 'http://tei.shared.svc.cluster.local:8080/v1', model: 'bge-large', embedding: true });
  const gateway = new InferenceGateway(scope, 'gateway', { backends: [llama, gpt, embed], apiKeySecret: KEYS });
  const objects = synthValid(scope);
  const config = liteLlmConfig(objects);
  const entry = (name: string) => config.model_list.find((m: any) => m.model_name === name);

  it('routes the keyed endpoint with openai/ and its key from an env var set from the Secret', () => {
    expect(entry('gpt-4o-mini').litellm_params).toEqual({ model: 'openai/gpt-4o-mini', api_base: 'https://api.example.com/v1', api_key: expect.stringMatching(/^os\.environ\/[A-Z0-9_]+$/) });
    const variable = entry('gpt-4o-mini').litellm_params.api_key.slice('os.environ/'.length);
    expect(PROVIDER_FALLBACK_ENV).not.toContain(variable);
    const env = liteLlmEnv(objects).filter((e) => e.name === variable);
    expect(env).toEqual([{ name: variable, valueFrom: { secretKeyRef: OPENAI_KEY } }]);
  });

  it('routes an endpoint without a key with hosted_vllm/ (no dummy key), embeddings as embeddings', () => {
    expect(entry('bge-large')).toEqual({
      model_name: 'bge-large',
      litellm_params: { model: 'hosted_vllm/bge-large', api_base: 'http://tei.shared.svc.cluster.local:8080/v1' },
      model_info: { mode: 'embedding' },
    });
  });

  it('leaves the in-cluster worker as it was: its Service URL, no key', () => {
    expect(entry(llama.modelName).litellm_params).toEqual({ model: `hosted_vllm/${llama.modelName}`, api_base: llama.endpoint });
    expect(gateway.modelNames).toEqual([llama.modelName, 'gpt-4o-mini', 'bge-large']);
  });

  it('every os.environ/ reference of the config is an env var of the proxy, and no Secret value is in the manifests', () => {
    const names = new Set(liteLlmEnv(objects).map((e) => e.name));
    const references = JSON.stringify(config).match(/os\.environ\/[A-Z0-9_]+/g)!;
    expect(references.length).toBe(2); // master key and the endpoint's key
    for (const ref of references) expect(names).toContain(ref.slice('os.environ/'.length));
    for (const e of liteLlmEnv(objects)) if (e.valueFrom) expect(e.value).toBeUndefined();
  });

  it('writes no NetworkPolicy for the external endpoints (their pods are not ours)', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata!.name!);
    expect(policies.filter((name) => /gpt|embed/.test(name))).toEqual([]);
    expect(policies).toEqual(expect.arrayContaining([`${llama.serviceName}-deny`, `${llama.serviceName}-from-gateway`]));
  });

  it('records the gateway on the endpoint', () => {
    expect(gpt.gateways).toEqual([gateway.name]);
  });
});

describe('implementations that cannot reach an external endpoint refuse it, saying why', () => {
  const external = (scope: Chart) => new ExternalModel(scope, 'gpt', { baseUrl: 'https://api.example.com/v1', model: 'gpt-4o-mini' });

  it('fastchat: its API server reaches only workers registered with its controller', () => {
    const scope = chart();
    const error = thrown(
      () => new InferenceGateway(scope, 'gw', { implementation: { type: 'fastchat', image: 'registry.example.com/fastchat:0.2.36' }, backends: [external(scope)], apiKeySecret: KEYS }),
    );
    expect(error.field).toBe('backends');
    expect(error.path).toBe('c/gw');
    expect(error.message).toMatch(/FastChat workers only.*'gpt' \(external/);
    expect(error.suggestions.join(' ')).toMatch(/type: 'litellm'/);
  });

  it('gateway-api: HTTPRoutes reach Services of the cluster only', () => {
    const scope = chart();
    const error = thrown(() => new InferenceGateway(scope, 'gw', { implementation: { type: 'gateway-api', parentRef: { name: 'gw' } }, backends: [external(scope)], allowUnauthenticated: true }));
    expect(error.field).toBe('backends');
    expect(error.message).toMatch(/gpt is an endpoint outside the cluster/);
    expect(error.suggestions.join(' ')).toMatch(/type: 'litellm'/);
  });
});

describe('a backend that does not speak OpenAI is refused from its data, with its own reason', () => {
  const triton = (scope: Chart) => new AutoscaledTriton(scope, 'gpt2', { model: 'openai-community/gpt2', accelerator: 'A10G', maxReplicas: 2 });

  it.each<[string, GatewayImplementation]>([
    ['litellm', { type: 'litellm' }],
    ['fastchat', { type: 'fastchat', image: 'registry.example.com/fastchat:0.2.36' }],
  ])('AutoscaledTriton behind %s: KServe v2, with the citation', (_name, implementation) => {
    const scope = chart();
    const error = thrown(() => new InferenceGateway(scope, 'gw', { implementation, backends: [triton(scope)], apiKeySecret: KEYS }));
    expect(error.field).toBe('backends');
    expect(error.message).toContain("gpt2 serves Triton's KServe v2 protocol");
    expect(error.message).toContain('tensorrtllm_backend v0.17.0, all_models/inflight_batcher_llm/ensemble/config.pbtxt');
    expect(error.suggestions.join(' ')).toMatch(/internal: true/);
  });

  it('gateway-api routes pass requests through unchanged: Triton is routed to its Service', () => {
    const scope = chart();
    const gpt2 = triton(scope);
    new InferenceGateway(scope, 'gw', { implementation: { type: 'gateway-api', parentRef: { name: 'gw' } }, backends: [gpt2], allowUnauthenticated: true });
    const objects = capturing(() => synthValid(scope));
    const route = objects.find((o) => o.kind === 'HTTPRoute')!;
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: gpt2.serviceName, port: gpt2.worker.recipe.ports.http }]);
  });

  it("AutoscaledTriton's own errors carry its path", () => {
    const scope = chart();
    const error = thrown(() => new AutoscaledTriton(scope, 'gpt2', { model: 'openai-community/gpt2', accelerator: 'A10G', prebuiltEngines: { claimName: 'engines', path: '/abs' } }));
    expect({ code: error.code, field: error.field, path: error.path }).toEqual({ code: 'engines-path', field: 'prebuiltEngines.path', path: 'c/gpt2' });
    expect(error.message).toMatch(/^AutoscaledTriton gpt2: prebuiltEngines.path "\/abs"/);
  });

  /** Any backend of another protocol, not a class the gateway knows. */
  class GrpcOnly extends Construct implements IInferenceBackend {
    public readonly modelName = 'grpc-model';
    public readonly servedModelNameSet = false;
    public readonly modelId = 'example/grpc-model';
    public readonly embedding = false;
    public readonly api: BackendApi = { type: 'other', name: 'a gRPC-only API', reason: 'no proxy here speaks it', suggestions: ['call it directly'] };
    public attached: GatewayAttachment[] = [];
    public attachGateway(gateway: GatewayAttachment): void {
      this.attached.push(gateway);
    }
  }

  it('a backend class the gateway has never seen is refused by its api, with its reason and suggestions', () => {
    const scope = chart();
    const grpc = new GrpcOnly(scope, 'grpc');
    const error = thrown(() => new InferenceGateway(scope, 'gw', { backends: [grpc], apiKeySecret: KEYS }));
    expect(error.message).toContain('grpc serves a gRPC-only API, and no proxy here speaks it');
    expect(error.suggestions).toContain('call it directly');
    expect(grpc.attached).toEqual([]);
  });
});

describe('a mixed gateway (LlmWorker + external) in an LlmStack', () => {
  function build(withOrphan: boolean) {
    const stack = new LlmStack(Testing.app(), 'llm', { namespace: NS });
    const llama = new LlmWorker(stack, 'llama', { ...LLAMA, servedModelName: 'llama' });
    // The same model at a hosted provider, under the same name: LiteLLM spreads requests over both.
    const burst = new ExternalModel(stack, 'burst', { baseUrl: 'https://api.example.com/v1', model: LLAMA.model, servedModelName: 'llama', apiKeySecret: OPENAI_KEY });
    if (withOrphan) new LlmWorker(stack, 'orphan', { ...LLAMA, servedModelName: 'orphan' });
    const gateway = new InferenceGateway(stack, 'gateway', { backends: [llama, burst], apiKeySecret: KEYS });
    return { stack, llama, burst, gateway };
  }

  it("passes the stack's reachability check; the worker is closed to all but the gateway", () => {
    const { stack, llama, burst, gateway } = build(false);
    const objects = synthValid(stack);
    expect(llama.gateways).toEqual([gateway.name]);
    expect(burst.gateways).toEqual([gateway.name]);
    const names = liteLlmConfig(objects).model_list.map((m: any) => [m.model_name, m.litellm_params.model]);
    expect(names).toEqual([
      ['llama', 'hosted_vllm/llama'],
      ['llama', `openai/${LLAMA.model}`],
    ]);
  });

  it('still names a worker behind no gateway', () => {
    const { stack } = build(true);
    expect(() => Testing.synth(stack)).toThrow(/llm\/orphan is behind no InferenceGateway/);
  });

  it('one served name for two different models fails at synth, naming both', () => {
    const scope = chart();
    const llama = new LlmWorker(scope, 'llama', { ...LLAMA, servedModelName: 'chat' });
    const gpt = new ExternalModel(scope, 'gpt', { baseUrl: 'https://api.example.com/v1', model: 'gpt-4o-mini', servedModelName: 'chat' });
    new InferenceGateway(scope, 'gw', { backends: [llama, gpt], apiKeySecret: KEYS });
    expect(() => Testing.synth(scope)).toThrow(/served model name 'chat' is used by c\/llama and c\/gpt, but they serve different models/);
  });
});

describe('attachGateway: the one call a gateway makes', () => {
  it('a FastChat worker behind a second FastChat gateway fails, with the worker path', () => {
    const scope = chart();
    const worker = new LlmWorker(scope, 'chat', { ...LLAMA, engine: 'fastchat-vllm', image: 'registry.example.com/fastchat:0.2.36', accelerator: 'A100-80GB' });
    const fastchat: GatewayImplementation = { type: 'fastchat', image: 'registry.example.com/fastchat:0.2.36' };
    new InferenceGateway(scope, 'one', { implementation: fastchat, backends: [worker], apiKeySecret: KEYS });
    const error = thrown(() => new InferenceGateway(scope, 'two', { implementation: fastchat, backends: [worker], apiKeySecret: KEYS }));
    expect(error.code).toBe('controller-conflict');
    expect(error.path).toBe('c/chat');
    expect(error.message).toContain('c-one-fastchat-controller');
  });
});

describe('the implementation union in the types', () => {
  it('compile-checks each member (fastchat needs image; litellm has no parentRef)', () => {
    // @ts-expect-error FastChat publishes no image: the type requires one
    const noImage: GatewayImplementation = { type: 'fastchat' };
    // @ts-expect-error parentRef belongs to gateway-api
    const stray: GatewayImplementation = { type: 'litellm', parentRef: { name: 'gw' } };
    const fine: GatewayImplementation[] = [{ type: 'litellm' }, { type: 'fastchat', image: 'x' }, { type: 'gateway-api', parentRef: { name: 'gw' } }];
    expect(fine).toHaveLength(3);
    // And JavaScript callers, who skip the compiler, get the same answer at runtime.
    const scope = chart();
    const worker = new LlmWorker(scope, 'llama', LLAMA);
    const props = (implementation: unknown): InferenceGatewayProps => ({ implementation: implementation as GatewayImplementation, backends: [worker], apiKeySecret: KEYS });
    expect(thrown(() => new InferenceGateway(scope, 'a', props(noImage))).field).toBe('implementation.image');
    expect(thrown(() => new InferenceGateway(scope, 'b', props(stray))).field).toBe('implementation.parentRef');
  });
});

describe('ExternalModel rejects bad props with the prop, the value and what works', () => {
  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['ftp URL', { baseUrl: 'ftp://models.example.com/v1' }, 'baseUrl', 'http or https'],
    ['an endpoint URL', { baseUrl: 'https://api.example.com/v1/chat/completions' }, 'baseUrl', 'endpoint URL'],
    ['no path', { baseUrl: 'https://api.example.com' }, 'baseUrl', 'no path'],
    ['a trailing slash', { baseUrl: 'https://api.example.com/v1/' }, 'baseUrl', 'slash'],
    ['credentials in the URL', { baseUrl: 'https://user:secret@api.example.com/v1' }, 'baseUrl', 'credentials'],
    ['a query', { baseUrl: 'https://api.example.com/v1?key=1' }, 'baseUrl', 'query'],
    ['not a URL', { baseUrl: 'api.example.com/v1' }, 'baseUrl', 'not a URL'],
    ['a number', { baseUrl: 42 }, 'baseUrl', '42'],
    ['empty model', { model: '' }, 'model', 'non-empty'],
    ['apiKeySecret a string', { apiKeySecret: 'openai' }, 'apiKeySecret', 'openai'],
    ['embedding a string', { embedding: 'yes' }, 'embedding', 'yes'],
    ['a typo', { apiKey: OPENAI_KEY }, 'apiKey', 'apiKeySecret'],
  ];
  it.each(cases)('%s', (_label, override, field, shown) => {
    const scope = chart();
    const error = thrown(() => new ExternalModel(scope, 'gpt', { baseUrl: 'https://api.example.com/v1', model: 'gpt-4o-mini', ...override } as never));
    expect(error.field).toBe(field);
    const headline = error.message.split('\n')[0];
    expect(headline).toContain(field);
    expect(headline).toContain(shown);
    expect(error.suggestions.length).toBeGreaterThan(0);
  });

  it('a suggested base URL is one the check accepts', () => {
    const scope = chart();
    const error = thrown(() => new ExternalModel(scope, 'gpt', { baseUrl: 'https://api.example.com/v1/chat/completions', model: 'm' }));
    const suggested = /baseUrl: '([^']+)'/.exec(error.suggestions[0])![1];
    expect(suggested).toBe('https://api.example.com/v1');
    expect(() => new ExternalModel(scope, 'ok', { baseUrl: suggested, model: 'm' })).not.toThrow();
  });
});

/** Synth with the expected allowUnauthenticated warning kept off the console. */
function capturing<T>(fn: () => T): T {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    return fn();
  } finally {
    warn.mockRestore();
  }
}
