/**
 * GPU plumbing: every object validates against upstream schemas, and the semantics hold across
 * objects (DaemonSets land only on the target's nodes, selectors select, names resolve, the config
 * file the containers point at is the one the ConfigMap holds).
 */
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { ValidationError } from '../lib/errors';
import { DEFAULT_PLUMBING_NAMESPACE, dcgmExporter, neuronDevicePlugin, nvidiaDevicePlugin, nvidiaRuntimeClass, type GpuSharing, type PlumbingTarget } from '../lib/constructs/plumbing';
import { validateObject, type K8sObject } from './support/schemas';

type Obj = K8sObject & { spec?: any; data?: Record<string, string>; [key: string]: any };

const TARGET: PlumbingTarget = {
  name: 'llm-a10g',
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: ['llm-a10g'] }] }],
    },
  },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  labels: { 'app.kubernetes.io/part-of': 'llm-a10g' },
};

const NEURON_TARGET: PlumbingTarget = {
  ...TARGET,
  name: 'llm-inf2',
  tolerations: [{ key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' }],
};

/** Synthesizes what `build` adds to a fresh chart; every object must validate. */
function synth(build: (chart: Chart) => void, chart: Chart = Testing.chart()): Obj[] {
  build(chart);
  const objects = Testing.synth(chart) as Obj[];
  for (const o of objects) validateObject(o);
  return objects;
}

function ofKind(objects: Obj[], kind: string): Obj[] {
  return objects.filter((o) => o.kind === kind);
}

function named(objects: Obj[], kind: string, name: string): Obj {
  const found = ofKind(objects, kind).filter((o) => o.metadata?.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

function env(container: any, name: string): string | undefined {
  return container.env?.find((e: any) => e.name === name)?.value;
}

/** The file a container reads through CONFIG_FILE, resolved through its mounts to a ConfigMap key. */
function configFileOf(objects: Obj[], daemonSet: Obj, container: any): string {
  const path = env(container, 'CONFIG_FILE');
  expect(path).toBeDefined();
  const mount = container.volumeMounts.find((m: any) => path!.startsWith(`${m.mountPath}/`));
  expect(mount).toBeDefined();
  const volume = daemonSet.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
  expect(volume?.configMap?.name).toBeDefined();
  const configMap = named(objects, 'ConfigMap', volume.configMap.name);
  expect(configMap.metadata?.namespace).toBe(daemonSet.metadata?.namespace);
  const data = configMap.data?.[path!.slice(mount.mountPath.length + 1)];
  expect(data).toBeDefined();
  return data!;
}

function isPinned(image: string): boolean {
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') && image.slice(colon + 1) !== 'latest' && image.slice(colon + 1).length > 0;
}

/** What every DaemonSet of GPU plumbing must be, whatever emitted it. */
function expectNodeAgent(ds: Obj, target: PlumbingTarget): void {
  const pod = ds.spec.template.spec;
  expect(pod.affinity.nodeAffinity).toEqual(target.nodeAffinity);
  for (const toleration of target.tolerations) expect(pod.tolerations).toContainEqual(toleration);
  expect(pod.priorityClassName).toBe('system-node-critical');
  // The selector selects the pod template.
  expect(ds.spec.template.metadata.labels).toMatchObject(ds.spec.selector.matchLabels);
  expect(ds.metadata?.labels).toMatchObject(target.labels ?? {});
  // A token only for a pod that names its ServiceAccount.
  expect(pod.automountServiceAccountToken).toBe(pod.serviceAccountName !== undefined);
  const mountable = new Set(pod.volumes.map((v: any) => v.name));
  for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
    expect(isPinned(c.image)).toBe(true);
    for (const key of ['cpu', 'memory']) {
      expect(c.resources.requests[key]).toBeDefined();
      expect(c.resources.limits[key]).toBeDefined();
    }
    expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
    expect(c.securityContext.privileged).toBeUndefined();
    for (const m of c.volumeMounts ?? []) expect(mountable.has(m.name)).toBe(true);
  }
}

function allDaemonSets(objects: Obj[], target: PlumbingTarget): void {
  const daemonSets = ofKind(objects, 'DaemonSet');
  expect(daemonSets.length).toBeGreaterThan(0);
  for (const ds of daemonSets) expectNodeAgent(ds, target);
}

// ---------------------------------------------------------------------------------------------------

describe('nvidiaDevicePlugin', () => {
  const pluginOf = (objects: Obj[]) => named(objects, 'DaemonSet', 'llm-a10g-nvidia-device-plugin');
  const gfdOf = (objects: Obj[]) => named(objects, 'DaemonSet', 'llm-a10g-gpu-feature-discovery');
  const only = (ds: Obj) => {
    expect(ds.spec.template.spec.containers).toHaveLength(1);
    return ds.spec.template.spec.containers[0];
  };

  test('device plugin and GPU Feature Discovery on the pool nodes only, sharing nothing by default', () => {
    const objects = synth((c) => nvidiaDevicePlugin(c, TARGET));
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'DaemonSet', 'DaemonSet']);
    allDaemonSets(objects, TARGET);

    const plugin = only(pluginOf(objects));
    expect(plugin.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/var/lib/kubelet/device-plugins' }));
    expect(pluginOf(objects).spec.template.spec.volumes).toContainEqual({ name: 'device-plugin', hostPath: { path: '/var/lib/kubelet/device-plugins', type: 'Directory' } });
    expect(plugin.securityContext.capabilities.add).toBeUndefined();

    const config = parse(configFileOf(objects, pluginOf(objects), plugin));
    expect(config).toMatchObject({ version: 'v1', flags: { migStrategy: 'none', failOnInitError: true } });
    expect(config.sharing).toBeUndefined();
  });

  test('GPU Feature Discovery writes the NFD features.d file, without an API token', () => {
    const objects = synth((c) => nvidiaDevicePlugin(c, TARGET));
    const gfd = gfdOf(objects);
    const container = only(gfd);
    expect(container.command).toEqual(['gpu-feature-discovery']);
    expect(env(container, 'GFD_USE_NODE_FEATURE_API')).toBe('false');
    const out = container.volumeMounts.find((m: any) => m.mountPath === '/etc/kubernetes/node-feature-discovery/features.d');
    const volume = gfd.spec.template.spec.volumes.find((v: any) => v.name === out.name);
    expect(volume.hostPath.path).toBe('/etc/kubernetes/node-feature-discovery/features.d');
    expect(gfd.spec.template.spec.automountServiceAccountToken).toBe(false);
    // Full PCI config space for vGPU detection: one capability instead of upstream's privileged.
    expect(container.securityContext.capabilities.add).toEqual(['SYS_ADMIN']);
  });

  test('time-slicing: the ConfigMap holds the replicas and both agents read it', () => {
    const objects = synth((c) => nvidiaDevicePlugin(c, TARGET, { sharing: { timeSlicing: { replicas: 4 } } }));
    allDaemonSets(objects, TARGET);
    for (const ds of [pluginOf(objects), gfdOf(objects)]) {
      const config = parse(configFileOf(objects, ds, only(ds)));
      expect(config.sharing.timeSlicing.resources).toEqual([{ name: 'nvidia.com/gpu', replicas: 4 }]);
      expect(config.sharing.timeSlicing.failRequestsGreaterThanOne).toBe(true);
      expect(config.flags.migStrategy).toBe('none');
      expect(ds.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  test('a changed config rolls the pods', () => {
    const hash = (sharing?: GpuSharing) => pluginOf(synth((c) => nvidiaDevicePlugin(c, TARGET, { sharing }))).spec.template.metadata.annotations['checksum/config'];
    expect(hash({ timeSlicing: { replicas: 4 } })).not.toBe(hash({ timeSlicing: { replicas: 8 } }));
    expect(hash()).toBe(hash());
  });

  test.each(['single', 'mixed'] as const)('MIG %s reaches the device plugin and GFD', (strategy) => {
    const objects = synth((c) => nvidiaDevicePlugin(c, TARGET, { sharing: { mig: { strategy } } }));
    allDaemonSets(objects, TARGET);
    for (const ds of [pluginOf(objects), gfdOf(objects)]) {
      const container = only(ds);
      expect(parse(configFileOf(objects, ds, container)).flags.migStrategy).toBe(strategy);
      // No environment variable that would override the file (flag > env > file).
      expect(env(container, 'MIG_STRATEGY')).toBeUndefined();
      expect(env(container, 'NVIDIA_MIG_MONITOR_DEVICES')).toBe('all');
      expect(container.securityContext.capabilities.add).toEqual(['SYS_ADMIN']);
    }
  });

  test('featureDiscovery: false leaves GFD out', () => {
    const objects = synth((c) => nvidiaDevicePlugin(c, TARGET, { featureDiscovery: false }));
    expect(ofKind(objects, 'DaemonSet').map((o) => o.metadata?.name)).toEqual(['llm-a10g-nvidia-device-plugin']);
  });

  test.each([1, 0, -2, 2.5, Number.NaN])('time-slicing replicas %p is refused', (replicas) => {
    const error = catchError(() => nvidiaDevicePlugin(Testing.chart(), TARGET, { sharing: { timeSlicing: { replicas } } }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe('sharing.timeSlicing.replicas');
    expect(error.suggestions.length).toBeGreaterThan(0);
  });

  test.each(['none', 'all', undefined])('MIG strategy %p is refused', (strategy) => {
    const sharing = { mig: { strategy } } as unknown as GpuSharing;
    const error = catchError(() => nvidiaDevicePlugin(Testing.chart(), TARGET, { sharing }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe('sharing.mig.strategy');
  });

  test('sharing with both time-slicing and MIG is refused', () => {
    const sharing = { timeSlicing: { replicas: 2 }, mig: { strategy: 'single' } } as unknown as GpuSharing;
    expect(catchError(() => nvidiaDevicePlugin(Testing.chart(), TARGET, { sharing })).field).toBe('sharing');
  });
});

describe('dcgmExporter', () => {
  const objects = synth((c) => dcgmExporter(c, TARGET));
  const ds = named(objects, 'DaemonSet', 'llm-a10g-dcgm-exporter');
  const service = named(objects, 'Service', 'llm-a10g-dcgm-exporter');
  const monitor = named(objects, 'ServiceMonitor', 'llm-a10g-dcgm-exporter');
  const container = ds.spec.template.spec.containers[0];

  test('a node agent on the pool nodes, with per-pod attribution and profiling metrics', () => {
    allDaemonSets(objects, TARGET);
    expect(env(container, 'DCGM_EXPORTER_KUBERNETES')).toBe('true');
    const mount = container.volumeMounts.find((m: any) => m.mountPath === '/var/lib/kubelet/pod-resources');
    expect(mount.readOnly).toBe(true);
    expect(ds.spec.template.spec.volumes.find((v: any) => v.name === mount.name).hostPath.path).toBe('/var/lib/kubelet/pod-resources');
    expect(container.securityContext.capabilities.add).toEqual(['SYS_ADMIN']);
    expect(ds.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test('the Service selects the exporter pods and targets the metrics port', () => {
    expect(ds.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    const [port] = service.spec.ports;
    expect(port.port).toBe(9400);
    expect(container.ports).toContainEqual(expect.objectContaining({ name: port.targetPort, containerPort: 9400 }));
    expect(container.livenessProbe.httpGet.port).toBe('metrics');
  });

  test('the ServiceMonitor selects the Service and names one of its ports', () => {
    expect(service.metadata?.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(monitor.metadata?.namespace).toBe(service.metadata?.namespace);
    const portNames = service.spec.ports.map((p: any) => p.name);
    for (const endpoint of monitor.spec.endpoints) {
      expect(portNames).toContain(endpoint.port);
      expect(endpoint.path).toBe('/metrics');
    }
  });
});

describe('nvidiaRuntimeClass', () => {
  test('emitted once per chart, cluster-scoped, handler nvidia', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'gpu' });
    const objects = synth((c) => {
      nvidiaRuntimeClass(c);
      nvidiaRuntimeClass(c);
      // Two pools, each asking from its own scope.
      nvidiaRuntimeClass(new Construct(c, 'pool-a'));
      nvidiaRuntimeClass(new Construct(c, 'pool-b'));
    }, chart);
    const classes = ofKind(objects, 'RuntimeClass');
    expect(classes).toHaveLength(1);
    expect(classes[0]).toMatchObject({ apiVersion: 'node.k8s.io/v1', metadata: { name: 'nvidia' }, handler: 'nvidia' });
    expect(classes[0].metadata?.namespace).toBeUndefined();
  });
});

describe('neuronDevicePlugin', () => {
  const objects = synth((c) => neuronDevicePlugin(c, NEURON_TARGET), new Chart(Testing.app(), 'test', { namespace: 'accelerators' }));
  const ds = named(objects, 'DaemonSet', 'llm-inf2-neuron-device-plugin');

  test('a node agent on the pool nodes, with an API token for its own account', () => {
    allDaemonSets(objects, NEURON_TARGET);
    const pod = ds.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(true);
    const account = named(objects, 'ServiceAccount', pod.serviceAccountName);
    expect(account.metadata?.namespace).toBe(ds.metadata?.namespace);
    expect(account.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/var/lib/kubelet/device-plugins' }));
  });

  test('the ClusterRoleBinding grants the ClusterRole to the account the DaemonSet uses', () => {
    const [binding] = ofKind(objects, 'ClusterRoleBinding');
    const role = named(objects, 'ClusterRole', binding.roleRef.name);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata?.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: ds.spec.template.spec.serviceAccountName, namespace: ds.metadata?.namespace }]);
    for (const clusterScoped of [binding, role]) expect(clusterScoped.metadata?.namespace).toBeUndefined();
    // Least privilege: reads and node/pod updates only, nothing on secrets and no wildcards.
    const rules = role.rules as Array<{ resources: string[]; verbs: string[] }>;
    expect(rules.flatMap((r) => r.resources)).not.toContain('secrets');
    expect(rules.flatMap((r) => [...r.resources, ...r.verbs])).not.toContain('*');
  });
});

describe('targets and namespaces', () => {
  test('namespaced plumbing goes to kube-system (or the target namespace), never the workloads namespace', () => {
    // Host-path node agents cannot pass the Pod Security level of the model servers' namespace.
    const inChart = synth((c) => dcgmExporter(c, TARGET), new Chart(Testing.app(), 'test', { namespace: 'llm' }));
    expect(new Set(inChart.map((o) => o.metadata?.namespace))).toEqual(new Set([DEFAULT_PLUMBING_NAMESPACE]));
    const chosen = synth((c) => dcgmExporter(c, { ...TARGET, namespace: 'gpu-operator' }), new Chart(Testing.app(), 'test', { namespace: 'llm' }));
    expect(new Set(chosen.map((o) => o.metadata?.namespace))).toEqual(new Set(['gpu-operator']));
  });

  test('a target without required node affinity is refused (it would select every node)', () => {
    const error = catchError(() => dcgmExporter(Testing.chart(), { ...TARGET, nodeAffinity: {} }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe('nodeAffinity');
  });

  test.each(['LLM_A10G', 'a'.repeat(60)])('target name %p is refused', (name) => {
    const error = catchError(() => nvidiaDevicePlugin(Testing.chart(), { ...TARGET, name }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe('name');
  });

  test('a runtime class reaches every agent pod; none by default', () => {
    const runtimeOf = (target: PlumbingTarget) => {
      const objects = synth((c) => {
        nvidiaDevicePlugin(c, target);
        dcgmExporter(c, target);
      });
      return ofKind(objects, 'DaemonSet').map((ds) => ds.spec.template.spec.runtimeClassName);
    };
    expect(runtimeOf({ ...TARGET, runtimeClassName: 'nvidia' })).toEqual(['nvidia', 'nvidia', 'nvidia']);
    expect(runtimeOf(TARGET)).toEqual([undefined, undefined, undefined]);
  });

  test('two pools in one chart get distinct objects', () => {
    const objects = synth((c) => {
      nvidiaDevicePlugin(new Construct(c, 'a10g'), TARGET);
      nvidiaDevicePlugin(new Construct(c, 'l4'), { ...TARGET, name: 'llm-l4' });
    });
    expect(new Set(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).size).toBe(6);
  });
});

function catchError(fn: () => void): ValidationError {
  try {
    fn();
  } catch (error) {
    return error as ValidationError;
  }
  throw new Error('expected an error');
}
