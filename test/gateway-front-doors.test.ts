/**
 * Front doors of the InferenceGateway (LiteLLM, FastChat), synthesized from hand-built IInferenceBackends:
 * every object validates against upstream schemas, and the semantics hold across objects (the config
 * routes each model to its worker's Service URL, URLs resolve to Services of the chart, selectors select
 * exactly one Deployment's pods, keys come from Secrets only).
 */
import { createHash } from 'node:crypto';
import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import type { FrontDoor, FrontDoorWorkload } from '../lib/constructs/gateway/front-door';
import type { IInferenceBackend } from '../lib/constructs/inference-backend';
import type { Engine } from '../lib/sizing/types';
import { fastChat } from '../lib/constructs/gateway/fastchat';
import type { FrontDoorInput } from '../lib/constructs/gateway/front-door-input';
import { liteLlm, liteLlmConfig } from '../lib/constructs/gateway/litellm';
import { ValidationError } from '../lib/errors';
import { validateObject, type K8sObject } from './support/schemas';
import { thrownValidationError as thrown } from './support/thrown';

type Obj = K8sObject & { spec?: any; data?: Record<string, string>; [key: string]: any };

const NS = 'llm';
const KEYS = { name: 'llm-api-keys', key: 'master-key' };

interface BackendSketch {
  readonly id: string;
  readonly modelName: string;
  readonly engine: Engine;
  readonly httpPort: number;
  readonly serviceName?: string;
  readonly openAiBaseUrl?: string;
  readonly embedding?: boolean;
  readonly metricsPort?: number;
}

/** A backend as an in-cluster worker presents itself to a gateway (no construct tree needed). */
function backend(sketch: BackendSketch): IInferenceBackend {
  const serviceName = sketch.serviceName ?? `llm-${sketch.id}`;
  const api = sketch.openAiBaseUrl
    ? { type: 'openai' as const, baseUrl: sketch.openAiBaseUrl, model: sketch.modelName }
    : sketch.engine === 'fastchat-vllm'
      ? { type: 'fastchat-worker' as const }
      : { type: 'other' as const, name: sketch.engine, reason: 'not OpenAI', suggestions: [] };
  return {
    node: { id: sketch.id, path: `c/${sketch.id}` },
    modelName: sketch.modelName,
    servedModelNameSet: false,
    modelId: sketch.modelName,
    embedding: sketch.embedding ?? false,
    api,
    pods: {
      engine: sketch.engine,
      serviceName,
      namespace: NS,
      httpPort: sketch.httpPort,
      metricsPort: sketch.metricsPort,
      podLabels: { 'app.kubernetes.io/name': 'llm-worker', 'app.kubernetes.io/instance': serviceName },
      multiNode: false,
    },
    attachGateway: () => undefined,
  } as unknown as IInferenceBackend;
}

const VLLM_CHAT = backend({ id: 'mistral', modelName: 'mistral-7b-instruct', engine: 'vllm', httpPort: 8000, openAiBaseUrl: `http://llm-mistral.${NS}.svc.cluster.local:8000/v1`, metricsPort: 8000 });
const TGI_CHAT = backend({ id: 'llama', modelName: 'llama-3-1-8b-instruct', engine: 'tgi', httpPort: 80, openAiBaseUrl: `http://llm-llama.${NS}.svc.cluster.local:80/v1`, metricsPort: 80 });
const TEI_EMBED = backend({
  id: 'bge',
  modelName: 'bge-large-en-v1-5',
  engine: 'tei',
  httpPort: 8080,
  openAiBaseUrl: `http://llm-bge.${NS}.svc.cluster.local:8080/v1`,
  embedding: true,
  metricsPort: 9000,
});
const FASTCHAT_WORKER = backend({ id: 'mixtral', modelName: 'mixtral-8x7b-instruct', engine: 'fastchat-vllm', httpPort: 21002 });
const OPENAI_BACKENDS = [VLLM_CHAT, TGI_CHAT, TEI_EMBED];

const FASTCHAT_IMAGE = 'registry.example.com/fastchat-vllm:0.2.36-vllm0.6.2';

function input(overrides: Partial<FrontDoorInput> = {}): FrontDoorInput {
  return {
    name: 'llm-gateway',
    namespace: NS,
    backends: OPENAI_BACKENDS,
    apiKeySecret: KEYS,
    replicas: 2,
    labels: { 'app.kubernetes.io/part-of': 'llm-stack' },
    imagePullSecrets: ['regcred'],
    ...overrides,
  };
}

/** Synthesizes one front door into a fresh chart; every object must validate. */
function synth(make: (chart: Chart) => FrontDoor): { objects: Obj[]; door: FrontDoor } {
  const chart = Testing.chart();
  const door = make(chart);
  const objects = Testing.synth(chart) as Obj[];
  for (const o of objects) validateObject(o);
  return { objects, door };
}

function named(objects: Obj[], kind: string, name: string): Obj {
  const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

function containers(objects: Obj[]): any[] {
  return objects.filter((o) => o.kind === 'Deployment').flatMap((d) => d.spec.template.spec.containers);
}

function argAfter(container: any, flag: string): string | undefined {
  const i = (container.args as string[]).indexOf(flag);
  return i >= 0 ? container.args[i + 1] : undefined;
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** The Service `url` names, in the namespace and on the port `url` says; it exists in the output. */
function serviceOf(objects: Obj[], url: string): { service: Obj; port: number } {
  const parsed = new URL(url);
  const [svc, ns, ...rest] = parsed.hostname.split('.');
  expect(rest).toEqual(['svc', 'cluster', 'local']);
  const service = named(objects, 'Service', svc);
  expect(service.metadata?.namespace).toBe(ns);
  const port = Number(parsed.port);
  expect(service.spec.ports.map((p: any) => p.port)).toContain(port);
  return { service, port };
}

/** The Deployment whose pods `service` selects (exactly one), and its container serving `port`. */
function backingDeployment(objects: Obj[], service: Obj, port: number): { deployment: Obj; container: any } {
  const deployments = objects.filter((o) => o.kind === 'Deployment' && selects(service.spec.selector, o.spec.template.metadata.labels));
  expect(deployments).toHaveLength(1);
  const target = service.spec.ports.find((p: any) => p.port === port).targetPort;
  const container = deployments[0].spec.template.spec.containers.find((c: any) => c.ports.some((p: any) => p.name === target || p.containerPort === target));
  expect(container).toBeDefined();
  return { deployment: deployments[0], container };
}

const SECRET_LIKE = /(^|_)(KEY|KEYS|TOKEN|SECRET|PASSWORD)(_|$)/i;

/** Every Secret-derived value is a secretKeyRef: no literal env that looks like a secret, no Secret object. */
function expectNoLiteralSecrets(objects: Obj[]): void {
  expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  for (const c of containers(objects)) {
    for (const e of c.env ?? []) {
      if (SECRET_LIKE.test(e.name)) {
        expect(e.value).toBeUndefined();
        expect(e.valueFrom?.secretKeyRef).toEqual(KEYS);
      }
    }
    // An argument that carries a key is only ever a $(VAR) reference to such an env var.
    const keyArg = argAfter(c, '--api-keys');
    if (keyArg !== undefined) expect(keyArg).toMatch(/^\$\([A-Z_]+\)$/);
  }
}

/** podLabels select exactly the pods of the Deployment named by the workload. */
function expectSelectsOnly(objects: Obj[], workload: FrontDoorWorkload): void {
  const deployment = named(objects, 'Deployment', workload.name);
  expect(Object.keys(workload.podLabels).length).toBeGreaterThan(0);
  expect(selects(workload.podLabels, deployment.spec.template.metadata.labels)).toBe(true);
  expect(deployment.spec.selector.matchLabels).toEqual(workload.podLabels);
  for (const other of objects.filter((o) => o.kind === 'Deployment' && o !== deployment)) {
    expect(selects(workload.podLabels, other.spec.template.metadata.labels)).toBe(false);
  }
  const ports = deployment.spec.template.spec.containers.flatMap((c: any) => c.ports.map((p: any) => p.containerPort));
  expect(ports).toContain(workload.port);
}

function expectHardened(deployment: Obj): void {
  const pod = deployment.spec.template.spec;
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  expect(pod.securityContext.runAsNonRoot).toBe(true);
  expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  for (const c of pod.containers) {
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(c.resources.requests.cpu).toBeDefined();
    expect(c.resources.requests.memory).toBeDefined();
    expect(c.resources.limits.cpu).toBeDefined();
    expect(c.resources.limits.memory).toBeDefined();
    expect(c.image).not.toMatch(/:latest$/);
    // Every mount is a declared volume; the read-only root still has a writable /tmp.
    const volumes = new Set(pod.volumes.map((v: any) => v.name));
    for (const m of c.volumeMounts) expect(volumes.has(m.name)).toBe(true);
    expect(c.volumeMounts.map((m: any) => m.mountPath)).toContain('/tmp');
  }
}

describe('LiteLLM front door', () => {
  const { objects, door } = synth((chart) => liteLlm(chart, input()));
  const deployment = named(objects, 'Deployment', 'llm-gateway-litellm');
  const container = deployment.spec.template.spec.containers[0];
  const configMap = named(objects, 'ConfigMap', 'llm-gateway-litellm-config');

  /** The config file the container is started with, found through --config and the volume mounts. */
  function configFile(): any {
    const path = argAfter(container, '--config') as string;
    const mount = container.volumeMounts.find((m: any) => path.startsWith(`${m.mountPath}/`));
    const volume = deployment.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
    expect(volume.configMap.name).toBe(configMap.metadata?.name);
    const text = configMap.data?.[path.slice(mount.mountPath.length + 1)];
    expect(text).toBeDefined();
    return parse(text as string);
  }

  it('emits a ConfigMap, a Deployment and a Service, all valid', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
    for (const o of objects) expect(o.metadata?.namespace).toBe(NS);
  });

  it('routes every backend model name to its OpenAI base URL, embeddings as embedding models', () => {
    const config = configFile();
    expect(config.model_list).toHaveLength(OPENAI_BACKENDS.length);
    for (const b of OPENAI_BACKENDS) {
      const entries = config.model_list.filter((m: any) => m.model_name === b.modelName);
      expect(entries).toHaveLength(1);
      const params = entries[0].litellm_params;
      expect(params.api_base).toBe(b.api.type === 'openai' && b.api.baseUrl);
      const url = new URL(params.api_base);
      expect(url.hostname).toBe(`${b.pods!.serviceName}.${b.pods!.namespace}.svc.cluster.local`);
      expect(Number(url.port || 80)).toBe(b.pods!.httpPort);
      expect(url.pathname).toBe('/v1');
      const [provider, ...model] = (params.model as string).split('/');
      expect(['hosted_vllm', 'openai']).toContain(provider);
      expect(model.join('/')).toBe(b.modelName);
      expect(params.api_key).toBeUndefined();
      if (b.embedding) expect(entries[0].model_info).toEqual({ mode: 'embedding' });
      else expect(entries[0].model_info?.mode).toBeUndefined();
    }
  });

  it('reads the master key only through os.environ/, from an env var set by secretKeyRef', () => {
    const masterKey = configFile().general_settings.master_key as string;
    const match = /^os\.environ\/([A-Z_][A-Z0-9_]*)$/.exec(masterKey);
    expect(match).not.toBeNull();
    const env = container.env.find((e: any) => e.name === match![1]);
    expect(env).toEqual({ name: match![1], valueFrom: { secretKeyRef: KEYS } });
  });

  it('serves on the Service port named http, selecting exactly the proxy pods', () => {
    expect(door.serviceName).toBe('llm-gateway-litellm');
    const service = named(objects, 'Service', door.serviceName);
    const port = service.spec.ports.find((p: any) => p.name === 'http');
    expect(port.port).toBe(door.port);
    const { deployment: backing, container: serving } = backingDeployment(objects, service, door.port);
    expect(backing).toBe(deployment);
    expect(serving.ports.find((p: any) => p.name === port.targetPort).containerPort).toBe(Number(argAfter(serving, '--port')));
    expect(door.callers).toEqual([door.entry]);
    expect(door.internal).toEqual([]);
    expect(door.controller).toBeUndefined();
    expectSelectsOnly(objects, door.entry);
  });

  it('probes the unauthenticated health endpoints, and is hardened', () => {
    expect(container.readinessProbe.httpGet.path).toBe('/health/readiness');
    expect(container.livenessProbe.httpGet.path).toBe('/health/liveliness');
    expect(container.image).toMatch(/^ghcr\.io\/berriai\/litellm-non_root:v\d+\.\d+\.\d+$/);
    // The gateway's HPA owns the count: a replicas field would scale it back on every apply.
    expect(deployment.spec.replicas).toBeUndefined();
    expectHardened(deployment);
  });

  it('rolls the pods when the config changes (checksum annotation)', () => {
    const text = Object.values(configMap.data ?? {})[0];
    const checksum = deployment.spec.template.metadata.annotations['checksum/config'];
    expect(checksum).toBe(createHash('sha256').update(text).digest('hex'));
    const other = synth((chart) => liteLlm(chart, input({ backends: [VLLM_CHAT] }))).objects;
    expect(named(other, 'Deployment', 'llm-gateway-litellm').spec.template.metadata.annotations['checksum/config']).not.toBe(checksum);
  });

  it('keeps every key in the Secret', () => {
    expectNoLiteralSecrets(objects);
    const config = configFile();
    expect(JSON.stringify(config.model_list)).not.toMatch(/api_key|master_key/);
  });

  it('without an API key Secret (allowUnauthenticated) has no master key and no key env', () => {
    const { objects: open } = synth((chart) => liteLlm(chart, input({ apiKeySecret: undefined })));
    const config = parse(Object.values(named(open, 'ConfigMap', 'llm-gateway-litellm-config').data ?? {})[0]);
    expect(config.general_settings?.master_key).toBeUndefined();
    expect(containers(open)[0].env.some((e: any) => e.valueFrom)).toBe(false);
  });

  it('honours the image override', () => {
    const { objects: custom } = synth((chart) => liteLlm(chart, input({ image: 'registry.example.com/litellm-non_root:v1.108.12' })));
    expect(containers(custom)[0].image).toBe('registry.example.com/litellm-non_root:v1.108.12');
  });
});

describe('FastChat front door', () => {
  const fastchatInput = input({ backends: [FASTCHAT_WORKER], image: FASTCHAT_IMAGE });
  const { objects, door } = synth((chart) => fastChat(chart, fastchatInput));
  const api = named(objects, 'Deployment', 'llm-gateway-fastchat-api');
  const apiContainer = api.spec.template.spec.containers[0];
  const controller = named(objects, 'Deployment', 'llm-gateway-fastchat-controller');
  const controllerContainer = controller.spec.template.spec.containers[0];

  it('emits a controller and an API server, each a Deployment and a Service, all valid', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual([
      'Deployment/llm-gateway-fastchat-api',
      'Deployment/llm-gateway-fastchat-controller',
      'Service/llm-gateway-fastchat-api',
      'Service/llm-gateway-fastchat-controller',
    ]);
    expect(controllerContainer.command).toEqual(['python3', '-m', 'fastchat.serve.controller']);
    expect(apiContainer.command).toEqual(['python3', '-m', 'fastchat.serve.openai_api_server']);
    expect(argAfter(controllerContainer, '--host')).toBe('0.0.0.0');
    expect(argAfter(apiContainer, '--host')).toBe('0.0.0.0');
  });

  it("points the API server's --controller-address at the controller Service, name, namespace and port", () => {
    const address = argAfter(apiContainer, '--controller-address') as string;
    const { service, port } = serviceOf(objects, address);
    expect(service.metadata?.name).toBe('llm-gateway-fastchat-controller');
    expect(port).toBe(21001);
    const { deployment, container } = backingDeployment(objects, service, port);
    expect(deployment).toBe(controller);
    expect(Number(argAfter(container, '--port'))).toBe(port);
    expect(door.controller?.url).toBe(address);
    expect(door.controller?.port).toBe(21001);
  });

  it('passes --api-keys as $(VAR), VAR a secretKeyRef env of the same container', () => {
    const match = /^\$\(([A-Z_][A-Z0-9_]*)\)$/.exec(argAfter(apiContainer, '--api-keys') as string);
    expect(match).not.toBeNull();
    expect(apiContainer.command.join(' ')).not.toMatch(/sh -c/);
    const env = apiContainer.env.find((e: any) => e.name === match![1]);
    expect(env).toEqual({ name: match![1], valueFrom: { secretKeyRef: KEYS } });
    expectNoLiteralSecrets(objects);
  });

  it("runs one controller (registrations live in its memory); the API servers' count is the autoscaler's", () => {
    expect(controller.spec.replicas).toBe(1);
    expect(controller.spec.strategy.type).toBe('Recreate');
    expect(api.spec.replicas).toBeUndefined();
  });

  it('exposes the API server; callers are the API server and the controller; API server -> controller inside', () => {
    const service = named(objects, 'Service', door.serviceName);
    expect(service.spec.ports).toEqual([expect.objectContaining({ name: 'http', port: door.port })]);
    expect(backingDeployment(objects, service, door.port).deployment).toBe(api);
    expect(door.entry.name).toBe(api.metadata?.name);
    expect(door.callers.map((c) => c.name).sort()).toEqual([api.metadata?.name, controller.metadata?.name].sort());
    expect(door.internal).toEqual([{ from: door.entry, to: expect.objectContaining({ name: controller.metadata?.name, port: 21001 }) }]);
    for (const workload of [door.entry, ...door.callers, door.controller!]) expectSelectsOnly(objects, workload);
  });

  it('probes GET routes every version has, and is hardened', () => {
    for (const c of [apiContainer, controllerContainer]) {
      expect(c.readinessProbe.httpGet.path).toBe('/openapi.json');
      expect(c.livenessProbe.httpGet.path).toBe('/openapi.json');
      expect(c.image).toBe(FASTCHAT_IMAGE);
    }
    expectHardened(api);
    expectHardened(controller);
  });

  it('without an API key Secret passes no --api-keys', () => {
    const { objects: open } = synth((chart) => fastChat(chart, { ...fastchatInput, apiKeySecret: undefined }));
    const c = named(open, 'Deployment', 'llm-gateway-fastchat-api').spec.template.spec.containers[0];
    expect(c.args).not.toContain('--api-keys');
    expect(c.env.some((e: any) => e.valueFrom)).toBe(false);
  });
});

describe('front doors: bad input', () => {
  it('a FastChat worker behind LiteLLM fails, naming it and suggesting the fastchat implementation', () => {
    const error = thrown(() => liteLlm(Testing.chart(), input({ backends: [VLLM_CHAT, FASTCHAT_WORKER] })));
    expect(error.message).toContain("'mixtral'");
    expect(error.message).toContain('mixtral-8x7b-instruct');
    expect(error.field).toBe('backends');
    expect(error.suggestions.join(' ')).toMatch(/implementation: \{ type: 'fastchat'/);
    expect(() => liteLlmConfig([FASTCHAT_WORKER])).toThrow(ValidationError);
  });

  it('fastChat without an image fails on field image', () => {
    const error = thrown(() => fastChat(Testing.chart(), input({ backends: [FASTCHAT_WORKER] })));
    expect(error.field).toBe('image');
    expect(thrown(() => fastChat(Testing.chart(), input({ backends: [FASTCHAT_WORKER], image: ' ' }))).field).toBe('image');
  });

  it('an OpenAI-only worker behind FastChat fails, naming it and suggesting litellm', () => {
    const error = thrown(() => fastChat(Testing.chart(), input({ backends: [FASTCHAT_WORKER, TGI_CHAT], image: FASTCHAT_IMAGE })));
    expect(error.message).toContain("'llama'");
    expect(error.suggestions.join(' ')).toMatch(/implementation: 'litellm'/);
  });

  it('names and replicas are checked', () => {
    expect(thrown(() => liteLlm(Testing.chart(), input({ name: 'LLM_Gateway' }))).field).toBe('name');
    expect(thrown(() => fastChat(Testing.chart(), input({ name: 'x'.repeat(50), backends: [FASTCHAT_WORKER], image: FASTCHAT_IMAGE }))).field).toBe('name');
    expect(thrown(() => liteLlm(Testing.chart(), input({ replicas: 0 }))).field).toBe('replicas');
  });
});
