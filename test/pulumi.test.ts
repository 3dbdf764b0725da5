/**
 * LlmStackComponent under Pulumi mocks: the resources it registers are exactly the objects cdk8s synthesizes for
 * the same build, with the same fields; the outputs are the stack's; the Namespace and the objects that pods
 * reference are created first (checked on the dependencies the engine would receive); the example program runs.
 *
 * The mocks record two things: `newResource` (type, name, inputs, provider) and, by wrapping the mock monitor's
 * `registerResource`, each request's parent and dependency URNs — what `dependsOn` becomes on the wire, which
 * `MockResourceArgs` does not carry. Every test awaits the URN of every child and every output it creates, then
 * drains the SDK's outstanding RPCs, so no registration leaks into the next test.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App, ApiObject } from 'cdk8s';
import { GpuNodePool, LlmStack, LlmWorker, type LlmStackProps } from '../lib';
import { LLM_STACK_TYPE, LlmStackComponent, isCustomResource, planRegistrations, podSpecReferences, resourceName, type KubeObject } from '../lib/pulumi';
import { buildEksStack } from '../examples/stack';

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: any;
  readonly provider?: string;
}
interface Request {
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly dependencies: readonly string[];
}

const registered: Registered[] = [];
const requests: Request[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args: pulumi.runtime.MockResourceArgs) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        return { id: `${args.name}_id`, state: args.inputs };
      },
      call: () => ({}),
    },
    'llm-constructs',
    'test',
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as any;
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) => {
    requests.push({ type: req.getType(), name: req.getName(), parent: req.getParent(), dependencies: req.getDependenciesList() });
    return registerResource(req, callback);
  };
});

beforeEach(() => {
  registered.length = 0;
  requests.length = 0;
});

afterEach(drain);

/** Waits until every RPC the SDK has started (registrations, outputs) has completed. */
async function drain(): Promise<void> {
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (waitForRPCs) await waitForRPCs();
}

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Awaits the component, every child's URN and id, and every output. */
async function settle(component: LlmStackComponent): Promise<void> {
  await Promise.all([
    valueOf(component.urn),
    ...component.resources.flatMap((r) => [valueOf(r.urn), valueOf(r.id)]),
    valueOf(component.namespace),
    valueOf(component.gatewayUrl),
    valueOf(component.modelEndpoints),
    valueOf(component.hourlyCostUsd),
    valueOf(component.manifests),
  ]);
  await drain();
}

/** The same build, synthesized by cdk8s in its own App. */
function synth(id: string, props: LlmStackProps, build: (stack: LlmStack) => void): { stack: LlmStack; objects: KubeObject[] } {
  const stack = new LlmStack(new App(), id, props);
  build(stack);
  return { stack, objects: stack.toJson() };
}

const key = (o: { apiVersion: string; kind: string; metadata: { namespace?: string; name: string } }) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? '-'} ${o.metadata.name}`;
const kubernetes = () => registered.filter((r) => r.type.startsWith('kubernetes:'));
const typeToken = (o: KubeObject) => `kubernetes:${o.apiVersion === 'v1' ? 'core/v1' : o.apiVersion}:${o.kind}`;
/** The Pulumi resource name at the end of a URN. */
const nameOf = (urn: string) => urn.slice(urn.lastIndexOf('::') + 2);

/** Neuron pool (ServiceAccount + RBAC in kube-system), a multi-node LeaderWorkerSet, a PVC-backed vLLM worker. */
function buildMixedStack(stack: LlmStack): void {
  const hfTokenSecret = { name: 'hf-token', key: 'token' };
  const inf2 = new GpuNodePool(stack, 'inf2', {
    accelerator: 'inferentia2',
    instanceTypes: ['inf2.xlarge'],
    provisioner: { type: 'karpenter', clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' },
    maxAccelerators: 2,
  });
  new LlmWorker(stack, 'mistral-inf2', { model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi-neuron', maxContextLength: 4096, concurrency: 4, nodePool: inf2, hfTokenSecret, internal: true });
  new LlmWorker(stack, 'llama-405b', {
    model: 'meta-llama/Llama-3.1-405B-Instruct',
    instanceType: 'p5.48xlarge',
    maxContextLength: 16384,
    concurrency: 8,
    hfTokenSecret,
    modelCache: { type: 'emptyDir' },
    internal: true,
  });
  new LlmWorker(stack, 'mistral', {
    model: 'mistralai/Mistral-7B-Instruct-v0.3',
    servedModelName: 'mistral-awq',
    engine: 'vllm',
    accelerator: 'A10G',
    maxContextLength: 8192,
    concurrency: 16,
    quantization: 'awq',
    checkpoint: 'solidrust/Mistral-7B-Instruct-v0.3-AWQ',
    hfTokenSecret,
    modelCache: { type: 'pvc', storageClassName: 'efs-sc', accessMode: 'ReadWriteMany' },
    internal: true,
  });
}

describe('LlmStackComponent: the EKS example', () => {
  const props = { namespace: 'llm', team: 'ml-platform' };

  test('registers exactly the objects cdk8s synthesizes, each as its own typed or custom resource with the same fields', async () => {
    const { objects } = synth('llm', props, buildEksStack);
    const component = new LlmStackComponent('llm', { ...props, build: buildEksStack });
    await settle(component);

    const resources = kubernetes();
    expect(resources.map((r) => key(r.inputs)).sort()).toEqual(objects.map(key).sort());
    expect(new Set(resources.map((r) => r.name)).size).toBe(objects.length);
    expect(component.resources).toHaveLength(objects.length);
    for (const object of objects) {
      const resource = resources.find((r) => key(r.inputs) === key(object))!;
      expect(resource.name).toBe(resourceName('llm', object));
      expect(resource.type).toBe(typeToken(object));
      // Nothing dropped or added on the way: a typed class silently ignores fields it does not know.
      expect(resource.inputs).toEqual(object);
    }
    // Built-in kinds are typed classes, CRs are apiextensions.CustomResource (and only CRs).
    const plan = planRegistrations('llm', objects);
    for (const [i, resource] of component.resources.entries()) {
      const object = plan[i].object;
      expect(resource instanceof k8s.apiextensions.CustomResource).toBe(isCustomResource(object));
    }
    expect(objects.filter(isCustomResource).map((o) => o.kind)).toEqual(expect.arrayContaining(['EC2NodeClass', 'NodePool', 'PodMonitor', 'PrometheusRule']));
    expect(objects.filter((o) => !isCustomResource(o)).map((o) => o.kind)).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'DaemonSet', 'ConfigMap', 'Ingress']));
    // Every child is parented to the component, whose type token is the library's.
    const parent = requests.find((r) => r.type === LLM_STACK_TYPE && r.name === 'llm')!;
    expect(parent).toBeDefined();
    for (const request of requests.filter((r) => r.type.startsWith('kubernetes:'))) expect(request.parent).toMatch(/::llm-constructs:index:LlmStack::llm$/);
  });

  test('outputs: namespace, gateway URL, model endpoints, cost from the plans, manifests', async () => {
    const { stack, objects } = synth('llm', props, buildEksStack);
    const component = new LlmStackComponent('llm', { ...props, build: buildEksStack });
    await settle(component);

    expect(await valueOf(component.namespace)).toBe('llm');
    expect(await valueOf(component.gatewayUrl)).toBe(stack.gateways[0].url);
    expect(await valueOf(component.gatewayUrl)).toBe('http://llm-gateway-litellm.llm.svc.cluster.local:4000/v1');

    const endpoints = await valueOf(component.modelEndpoints);
    expect(Object.keys(endpoints).sort()).toEqual(stack.workers.map((w) => w.modelName).sort());
    for (const worker of stack.workers) expect(endpoints[worker.modelName]).toBe(worker.endpoint);
    expect(endpoints['llama-3.1-70b-instruct']).toBe('http://llm-llama-70b.llm.svc.cluster.local:8000/v1');

    // $/hour = the nodes billed after packing replicas (summary()), never more than Σ plan $/hour × replicas.
    const cost = await valueOf(component.hourlyCostUsd);
    const unpacked = stack.workers.reduce((sum, w) => ({ min: sum.min + w.plan.hourlyCostUsd! * w.minReplicas, max: sum.max + w.plan.hourlyCostUsd! * w.maxReplicas }), { min: 0, max: 0 });
    expect(stack.workers.every((w) => w.plan.hourlyCostUsd !== undefined)).toBe(true);
    expect(cost.min).toBeCloseTo(stack.summary().hourlyCostUsd.min, 3);
    expect(cost.max).toBeCloseTo(stack.summary().hourlyCostUsd.max, 3);
    expect(cost.min).toBeLessThanOrEqual(unpacked.min + 1e-6);
    expect(cost.max).toBeLessThanOrEqual(unpacked.max + 1e-6);
    expect(cost.max).toBeGreaterThan(cost.min); // llama-8b scales 1..4

    expect(await valueOf(component.manifests)).toEqual(objects);
  });

  test('the Namespace comes first and every object of the namespace depends on it; workloads wait for their ConfigMaps', async () => {
    const { objects } = synth('llm', props, buildEksStack);
    const component = new LlmStackComponent('llm', { ...props, build: buildEksStack });
    await settle(component);

    const namespace = resourceName(
      'llm',
      objects.find((o) => o.kind === 'Namespace')!,
    );
    const k8sRequests = requests.filter((r) => r.type.startsWith('kubernetes:'));
    const dependencies = new Map(k8sRequests.map((r) => [r.name, r.dependencies.map(nameOf)]));
    expect(k8sRequests[0].name).toBe(namespace);
    expect(await valueOf(component.resources[0].urn)).toMatch(/kubernetes:core\/v1:Namespace::llm-namespace-cluster-llm$/);

    for (const object of objects) {
      const deps = dependencies.get(resourceName('llm', object))!;
      expect(deps).toBeDefined();
      // Only objects of the stack's namespace wait for it; kube-system agents and cluster-scoped objects do not.
      expect(deps.includes(namespace)).toBe(object.metadata.namespace === 'llm');
    }
    expect(dependencies.get('llm-deployment-llm-llm-gateway-litellm')).toEqual(expect.arrayContaining([namespace, 'llm-configmap-llm-llm-gateway-litellm-config']));
    expect(dependencies.get('llm-daemonset-kube-system-llm-l4-nvidia-device-plugin')).toEqual(['llm-configmap-kube-system-llm-l4-nvidia-device-plugin-config']);
    expect(dependencies.get('llm-deployment-llm-llm-llama-8b')).toContain(namespace);
    // The engine receives a dependency only after registering it.
    const order = new Map(k8sRequests.map((r, i) => [r.name, i]));
    for (const [name, deps] of dependencies) for (const dep of deps) expect(order.get(dep)!).toBeLessThan(order.get(name)!);
  });

  test('the example program (Pulumi.yaml main) runs under mocks with its provider on every child', async () => {
    pulumi.runtime.setAllConfig({ 'llm-constructs:kubeconfig': 'apiVersion: v1\nkind: Config\n' }, ['llm-constructs:kubeconfig']);
    const { stack, objects } = synth('llm', props, buildEksStack);
    const program = await import('../examples/pulumi/index');
    const [gatewayUrl, hourlyCost, modelEndpoints] = await Promise.all([valueOf(program.gatewayUrl), valueOf(program.hourlyCost), valueOf(program.modelEndpoints)]);
    await until(() => kubernetes().length === objects.length);
    await drain();

    expect(gatewayUrl).toBe(stack.gateways[0].url);
    expect(hourlyCost).toEqual(stack.summary().hourlyCostUsd);
    expect(modelEndpoints).toEqual(Object.fromEntries(stack.workers.map((w) => [w.modelName, w.endpoint])));
    expect(
      kubernetes()
        .map((r) => key(r.inputs))
        .sort(),
    ).toEqual(objects.map(key).sort());

    const provider = registered.find((r) => r.type === 'pulumi:providers:kubernetes');
    expect(provider?.name).toBe('k8s');
    // The kubeconfig reaches the provider, still marked secret (the mock sees the secret envelope).
    expect(provider?.inputs.kubeconfig).toEqual(expect.objectContaining({ value: 'apiVersion: v1\nkind: Config\n' }));
    for (const resource of kubernetes()) expect(resource.provider).toMatch(/::pulumi:providers:kubernetes::k8s::k8s_id$/);
    // The example passes team: the labels reach the registered objects.
    expect(kubernetes().find((r) => r.inputs.kind === 'Namespace')?.inputs.metadata.labels.team).toBe('ml-platform');
  });
});

describe('LlmStackComponent: other trees', () => {
  test('ServiceAccounts, PVCs and LeaderWorkerSets: same objects as cdk8s, workloads after what they mount', async () => {
    const props = { namespace: 'serving', costCenter: 'cc-1' };
    const { stack, objects } = synth('mix', props, buildMixedStack);
    const component = new LlmStackComponent('mix', { ...props, build: buildMixedStack });
    await settle(component);

    expect(
      kubernetes()
        .map((r) => key(r.inputs))
        .sort(),
    ).toEqual(objects.map(key).sort());
    expect(kubernetes().find((r) => r.inputs.kind === 'LeaderWorkerSet')?.type).toBe('kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet');
    const dependencies = new Map(requests.map((r) => [r.name, r.dependencies.map(nameOf)]));
    expect(dependencies.get('mix-deployment-serving-mix-mistral')?.sort()).toEqual(['mix-namespace-cluster-serving', 'mix-persistentvolumeclaim-serving-mix-mistral-cache']);
    expect(dependencies.get('mix-daemonset-kube-system-mix-inf2-neuron-device-plugin')).toEqual(['mix-serviceaccount-kube-system-mix-inf2-neuron-device-plugin']);
    expect(dependencies.get('mix-leaderworkerset-serving-mix-llama-405b')).toEqual(['mix-namespace-cluster-serving']);
    expect(dependencies.get('mix-clusterrole-cluster-mix-inf2-neuron-device-plugin')).toEqual([]);

    expect(await valueOf(component.gatewayUrl)).toBeUndefined();
    const endpoint = (id: string) => stack.workers.find((w) => w.node.id === id)!.endpoint;
    expect(await valueOf(component.modelEndpoints)).toEqual({
      'mistral-7b-instruct-v0.3': endpoint('mistral-inf2'),
      'llama-3.1-405b-instruct': endpoint('llama-405b'),
      'mistral-awq': endpoint('mistral'),
    });
    expect(endpoint('llama-405b')).toMatch(/^http:\/\/mix-llama-405b\.serving\.svc\.cluster\.local:\d+/);
    expect(await valueOf(component.hourlyCostUsd)).toEqual(stack.summary().hourlyCostUsd);
  });

  test('a tree that fails the LlmStack checks throws the construct error and registers nothing', async () => {
    const build = (stack: LlmStack) => {
      new LlmWorker(stack, 'lonely', { model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4', concurrency: 4, hfTokenSecret: { name: 'hf-token', key: 'token' } });
    };
    expect(() => new LlmStackComponent('bad', { namespace: 'bad', build })).toThrow(/\[bad\] LlmStack bad: bad\/lonely is behind no InferenceGateway and not internal/);
    expect(() => new LlmStackComponent('bad', { namespace: 'Not_A_Label', build: () => undefined })).toThrow(/namespace/);
    await drain();
    expect(registered).toEqual([]);
  });

  test('a built-in kind without a Pulumi class fails loudly, naming it, and registers nothing', async () => {
    const build = (stack: LlmStack) => {
      new ApiObject(stack, 'stray', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray' } });
    };
    expect(() => new LlmStackComponent('odd', { namespace: 'odd', build })).toThrow(/built-in kind v1 Pod \(object odd\/stray\)/);
    await drain();
    expect(registered).toEqual([]);
  });

  test('a CR of any group is a CustomResource with all its top-level fields', async () => {
    const build = (stack: LlmStack) => {
      new ApiObject(stack, 'route', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { rules: [] } });
      new ApiObject(stack, 'odd', { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, data: { a: '1' }, extra: true } as any);
    };
    const component = new LlmStackComponent('crs', { namespace: 'crs', build });
    await settle(component);
    expect(kubernetes().find((r) => r.inputs.kind === 'HTTPRoute')).toMatchObject({ type: 'kubernetes:gateway.networking.k8s.io/v1:HTTPRoute', inputs: { spec: { rules: [] } } });
    expect(kubernetes().find((r) => r.inputs.kind === 'Thing')?.inputs).toMatchObject({ data: { a: '1' }, extra: true, metadata: { name: 't', namespace: 'crs' } });
  });
});

describe('planRegistrations (pure)', () => {
  const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const obj = (kind: string, name: string, namespace?: string, rest: object = {}): KubeObject => ({
    apiVersion: kind === 'LeaderWorkerSet' ? 'leaderworkerset.x-k8s.io/v1' : 'v1',
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    ...rest,
  });
  const podSpec = {
    serviceAccountName: 'runner',
    volumes: [{ configMap: { name: 'cfg' } }, { persistentVolumeClaim: { claimName: 'cache' } }, { projected: { sources: [{ secret: { name: 'proj' } }] } }],
    containers: [{ envFrom: [{ secretRef: { name: 'keys' } }], env: [{ valueFrom: { configMapKeyRef: { name: 'env-cfg', key: 'k' } } }] }],
  };

  test('a pod spec references ConfigMaps, Secrets, PVCs and its ServiceAccount by name', () => {
    expect([...podSpecReferences(podSpec)].sort()).toEqual(['ConfigMap/cfg', 'ConfigMap/env-cfg', 'PersistentVolumeClaim/cache', 'Secret/keys', 'Secret/proj', 'ServiceAccount/runner']);
  });

  test('dependencies come first, whatever the synthesized order; only objects the tree creates, in the same namespace', () => {
    const lws = obj('LeaderWorkerSet', 'big', 'a', { spec: { leaderWorkerTemplate: { leaderTemplate: { spec: podSpec }, workerTemplate: { spec: podSpec } } } });
    const objects = [
      lws,
      obj('ConfigMap', 'cfg', 'a'),
      obj('ConfigMap', 'cfg', 'b'),
      obj('Secret', 'keys', 'a'),
      obj('ServiceAccount', 'runner', 'a'),
      obj('PersistentVolumeClaim', 'cache', 'a'),
      ns('a'),
      obj('ClusterThing', 'x'),
    ];
    const plan = planRegistrations('p', objects);
    const index = new Map(plan.map((r, i) => [r.name, i]));
    expect(
      plan
        .find((r) => r.object === lws)
        ?.dependsOn.slice()
        .sort(),
    ).toEqual(['p-configmap-a-cfg', 'p-namespace-cluster-a', 'p-persistentvolumeclaim-a-cache', 'p-secret-a-keys', 'p-serviceaccount-a-runner']);
    expect(plan.find((r) => r.name === 'p-configmap-b-cfg')?.dependsOn).toEqual([]); // namespace b is not created here
    expect(plan.find((r) => r.name === 'p-clusterthing-cluster-x')?.dependsOn).toEqual([]);
    for (const r of plan) for (const d of r.dependsOn) expect(index.get(d)!).toBeLessThan(index.get(r.name)!);
    expect(plan[0].name).toBe('p-namespace-cluster-a');
  });

  test('two objects with one resource name are an error naming both', () => {
    expect(() => planRegistrations('p', [obj('ConfigMap', 'x', 'a'), obj('ConfigMap', 'x', 'a')])).toThrow(
      /v1 ConfigMap a\/x and v1 ConfigMap a\/x would both be registered as Pulumi resource 'p-configmap-a-x'/,
    );
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the registrations');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
