/**
 * The Pod Security Standards evaluator of LlmStack (lib/constructs/stack/pod-security.ts), case by case
 * against https://kubernetes.io/docs/concepts/security/pod-security-standards/ (the `latest` version,
 * which is what the stack's `enforce-version` label pins). Each case starts from a pod spec that passes
 * every Restricted control and changes ONE field, so a case fails for the control it names and no other.
 *
 * Levels: `privileged` = violates a Baseline control; `baseline` = passes Baseline, violates a Restricted
 * control; `restricted` = passes every control.
 */
import { Chart, Testing } from 'cdk8s';
import { GpuNodePool, LlmWorker } from '../lib';
import { namespaceSecurityLevel, podSecurityLevel, podTemplatesOf, type PodSecurityLevel } from '../lib/constructs/stack/pod-security';

/** A pod spec that passes every Restricted control: the base every case changes one field of. */
function restrictedSpec(): any {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [{ name: 'fetch', image: 'busybox:1.36', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    containers: [
      {
        name: 'server',
        image: 'vllm/vllm-openai:v0.6.3',
        ports: [{ name: 'http', containerPort: 8000 }],
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
      },
    ],
    volumes: [{ name: 'cache', emptyDir: {} }],
  };
}

type Mutation = (spec: any) => void;

/** The restricted spec with one change applied (a deep copy each time). */
function withChange(change: Mutation): any {
  const spec = structuredClone(restrictedSpec());
  change(spec);
  return spec;
}

const server = (spec: any) => spec.containers[0];
const init = (spec: any) => spec.initContainers[0];
const ephemeral = (spec: any, securityContext: any) => {
  spec.ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36', securityContext }];
};
const restrictedContainerContext = () => ({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });

it('the base spec passes every Restricted control', () => {
  expect(podSecurityLevel(restrictedSpec())).toBe('restricted');
});

// ---------------------------------------------------------------------------------------------------
// Baseline controls: any violation leaves only the Privileged level
// ---------------------------------------------------------------------------------------------------

describe('Baseline controls (a violation -> privileged)', () => {
  const cases: Array<[string, Mutation]> = [
    // Host Namespaces: spec.hostNetwork / hostPID / hostIPC, allowed undefined or false.
    ['hostNetwork: true', (s) => (s.hostNetwork = true)],
    ['hostPID: true', (s) => (s.hostPID = true)],
    ['hostIPC: true', (s) => (s.hostIPC = true)],
    // Privileged Containers: containers, initContainers, ephemeralContainers[*].securityContext.privileged.
    ['privileged container', (s) => (server(s).securityContext.privileged = true)],
    ['privileged init container', (s) => (init(s).securityContext.privileged = true)],
    ['privileged ephemeral container', (s) => ephemeral(s, { ...restrictedContainerContext(), privileged: true })],
    // Capabilities: nothing beyond AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD,
    // NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT.
    ['capabilities.add SYS_ADMIN', (s) => (server(s).securityContext.capabilities.add = ['SYS_ADMIN'])],
    ['capabilities.add NET_ADMIN on an init container', (s) => (init(s).securityContext.capabilities.add = ['NET_ADMIN'])],
    // NET_RAW is in the container runtimes' default set, but not in the Baseline list.
    ['capabilities.add NET_RAW', (s) => (server(s).securityContext.capabilities.add = ['NET_RAW'])],
    ['capabilities.add CHOWN and SYS_PTRACE', (s) => (server(s).securityContext.capabilities.add = ['CHOWN', 'SYS_PTRACE'])],
    // HostPath Volumes: spec.volumes[*].hostPath undefined.
    ['hostPath volume', (s) => s.volumes.push({ name: 'host', hostPath: { path: '/var/lib/kubelet/pod-resources', type: 'Directory' } })],
    // Host Ports: containers/initContainers/ephemeralContainers[*].ports[*].hostPort, allowed undefined or 0.
    ['hostPort 8000', (s) => (server(s).ports[0].hostPort = 8000)],
    ['hostPort on an init container', (s) => (init(s).ports = [{ containerPort: 9000, hostPort: 9000 }])],
    // Seccomp: seccompProfile.type must not be Unconfined (pod or container level).
    ['pod seccompProfile Unconfined', (s) => (s.securityContext.seccompProfile = { type: 'Unconfined' })],
    ['container seccompProfile Unconfined', (s) => (server(s).securityContext.seccompProfile = { type: 'Unconfined' })],
    // /proc Mount Type: procMount undefined or Default.
    ['procMount Unmasked', (s) => (server(s).securityContext.procMount = 'Unmasked')],
    // HostProcess: windowsOptions.hostProcess undefined or false (pod or container level).
    ['pod windowsOptions.hostProcess', (s) => (s.securityContext.windowsOptions = { hostProcess: true })],
    ['container windowsOptions.hostProcess', (s) => (server(s).securityContext.windowsOptions = { hostProcess: true })],
    // AppArmor: appArmorProfile.type undefined, RuntimeDefault or Localhost.
    ['pod appArmorProfile Unconfined', (s) => (s.securityContext.appArmorProfile = { type: 'Unconfined' })],
    ['container appArmorProfile Unconfined', (s) => (server(s).securityContext.appArmorProfile = { type: 'Unconfined' })],
    // SELinux: type undefined or container_t / container_init_t / container_kvm_t / container_engine_t; no user or role.
    ['seLinuxOptions.type spc_t', (s) => (s.securityContext.seLinuxOptions = { type: 'spc_t' })],
    ['seLinuxOptions.user', (s) => (server(s).securityContext.seLinuxOptions = { user: 'system_u' })],
    ['seLinuxOptions.role', (s) => (server(s).securityContext.seLinuxOptions = { role: 'system_r' })],
    // Sysctls: only the safe (namespaced) set.
    ['unsafe sysctl kernel.msgmax', (s) => (s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }])],
  ];

  it.each(cases)('%s', (_name, change) => {
    expect(podSecurityLevel(withChange(change))).toBe<PodSecurityLevel>('privileged');
  });

  it('AppArmor annotation `unconfined` on the pod template (metadata) -> privileged', () => {
    const metadata = { annotations: { 'container.apparmor.security.beta.kubernetes.io/server': 'unconfined' } };
    expect(podSecurityLevel(restrictedSpec(), metadata)).toBe('privileged');
    expect(namespaceSecurityLevel([{ metadata, spec: restrictedSpec() }])).toBe('privileged');
  });
});

// ---------------------------------------------------------------------------------------------------
// Restricted controls: passes Baseline, so Baseline is the strictest level that admits it
// ---------------------------------------------------------------------------------------------------

describe('Restricted controls (a violation of these only -> baseline)', () => {
  const cases: Array<[string, Mutation]> = [
    // Privilege Escalation: allowPrivilegeEscalation must be false (undefined is not allowed).
    ['allowPrivilegeEscalation unset', (s) => delete server(s).securityContext.allowPrivilegeEscalation],
    ['allowPrivilegeEscalation true', (s) => (server(s).securityContext.allowPrivilegeEscalation = true)],
    ['allowPrivilegeEscalation unset on an init container', (s) => delete init(s).securityContext.allowPrivilegeEscalation],
    ['ephemeral container without a security context', (s) => ephemeral(s, undefined)],
    // Running as Non-root: runAsNonRoot true (containers may leave it undefined when the pod sets true).
    ['runAsNonRoot unset everywhere', (s) => delete s.securityContext.runAsNonRoot],
    ['runAsNonRoot false on the pod', (s) => (s.securityContext.runAsNonRoot = false)],
    ['runAsNonRoot false on a container (overrides the pod)', (s) => (server(s).securityContext.runAsNonRoot = false)],
    // Running as Non-root user: runAsUser any non-zero value or undefined.
    ['runAsUser 0 on the pod', (s) => (s.securityContext.runAsUser = 0)],
    ['runAsUser 0 on a container', (s) => (server(s).securityContext.runAsUser = 0)],
    ['runAsUser 0 on an init container', (s) => (init(s).securityContext.runAsUser = 0)],
    // Seccomp: RuntimeDefault or Localhost, explicitly; absence is prohibited.
    ['seccompProfile missing', (s) => delete s.securityContext.seccompProfile],
    [
      'seccompProfile on the server only (init container unset, pod unset)',
      (s) => {
        delete s.securityContext.seccompProfile;
        server(s).securityContext.seccompProfile = { type: 'RuntimeDefault' };
      },
    ],
    // Capabilities: drop must include ALL; add only NET_BIND_SERVICE.
    ['capabilities.drop missing', (s) => delete server(s).securityContext.capabilities],
    ['capabilities.drop without ALL', (s) => (server(s).securityContext.capabilities.drop = ['NET_RAW'])],
    ['capabilities.add CHOWN (a Baseline capability)', (s) => (server(s).securityContext.capabilities.add = ['CHOWN'])],
    ['capabilities.add NET_BIND_SERVICE and SETUID', (s) => (server(s).securityContext.capabilities.add = ['NET_BIND_SERVICE', 'SETUID'])],
    // Volume Types: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret.
    ['nfs volume', (s) => s.volumes.push({ name: 'models', nfs: { server: '10.0.0.5', path: '/models' } })],
    ['awsElasticBlockStore volume', (s) => s.volumes.push({ name: 'ebs', awsElasticBlockStore: { volumeID: 'vol-0123' } })],
    ['gitRepo volume', (s) => s.volumes.push({ name: 'repo', gitRepo: { repository: 'https://example.com/r.git' } })],
    ['iscsi volume', (s) => s.volumes.push({ name: 'disk', iscsi: { targetPortal: '10.0.0.6:3260', iqn: 'iqn.2001-04.com.example:disk', lun: 0 } })],
  ];

  it.each(cases)('%s', (_name, change) => {
    expect(podSecurityLevel(withChange(change))).toBe<PodSecurityLevel>('baseline');
  });

  it('a pod as most images run it (no security context at all) is Baseline', () => {
    expect(podSecurityLevel({ containers: [{ name: 'app', image: 'nginx:1.27' }] })).toBe('baseline');
  });
});

// ---------------------------------------------------------------------------------------------------
// Allowed values: still Restricted
// ---------------------------------------------------------------------------------------------------

describe('allowed values keep a pod Restricted', () => {
  const cases: Array<[string, Mutation]> = [
    ['seccomp Localhost', (s) => (s.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/vllm.json' })],
    [
      'seccomp on every container instead of the pod',
      (s) => {
        delete s.securityContext.seccompProfile;
        for (const c of [server(s), init(s)]) c.securityContext.seccompProfile = { type: 'RuntimeDefault' };
      },
    ],
    [
      'runAsNonRoot on every container instead of the pod',
      (s) => {
        delete s.securityContext.runAsNonRoot;
        for (const c of [server(s), init(s)]) c.securityContext.runAsNonRoot = true;
      },
    ],
    ['runAsUser unset (the image USER must then be non-root, checked by the kubelet)', (s) => delete s.securityContext.runAsUser],
    ['capabilities.add NET_BIND_SERVICE', (s) => (server(s).securityContext.capabilities.add = ['NET_BIND_SERVICE'])],
    ['capabilities.drop [ALL, NET_RAW]', (s) => (server(s).securityContext.capabilities.drop = ['NET_RAW', 'ALL'])],
    ['hostPort 0', (s) => (server(s).ports[0].hostPort = 0)],
    ['procMount Default', (s) => (server(s).securityContext.procMount = 'Default')],
    ['hostNetwork/hostPID/hostIPC false', (s) => Object.assign(s, { hostNetwork: false, hostPID: false, hostIPC: false })],
    ['privileged false', (s) => (server(s).securityContext.privileged = false)],
    ['hostProcess false', (s) => (s.securityContext.windowsOptions = { hostProcess: false })],
    [
      'appArmorProfile RuntimeDefault / Localhost',
      (s) => {
        s.securityContext.appArmorProfile = { type: 'RuntimeDefault' };
        server(s).securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-vllm' };
      },
    ],
    ['seLinuxOptions type container_t with a level', (s) => (s.securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c123,c456' })],
    [
      'safe sysctls',
      (s) =>
        (s.securityContext.sysctls = [
          { name: 'net.ipv4.tcp_syncookies', value: '1' },
          { name: 'net.ipv4.ip_local_port_range', value: '1024 65535' },
        ]),
    ],
    [
      'every Restricted volume type',
      (s) => {
        s.volumes = [
          { name: 'a', configMap: { name: 'cfg' } },
          { name: 'b', csi: { driver: 'secrets-store.csi.k8s.io' } },
          { name: 'c', downwardAPI: { items: [] } },
          { name: 'd', emptyDir: { medium: 'Memory' } },
          { name: 'e', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
          { name: 'f', persistentVolumeClaim: { claimName: 'models' } },
          { name: 'g', projected: { sources: [] } },
          { name: 'h', secret: { secretName: 'hf-token' } },
        ];
      },
    ],
    // Privilege Escalation, Seccomp and Capabilities are Linux-only (v1.25+): relaxed for spec.os.name windows.
    [
      'a Windows pod without the Linux-only fields',
      (s) => {
        s.os = { name: 'windows' };
        delete s.securityContext.seccompProfile;
        for (const c of [server(s), init(s)]) c.securityContext = {};
      },
    ],
  ];

  it.each(cases)('%s', (_name, change) => {
    expect(podSecurityLevel(withChange(change))).toBe<PodSecurityLevel>('restricted');
  });

  it('AppArmor annotations runtime/default and localhost/<profile> are allowed', () => {
    const metadata = { annotations: { 'container.apparmor.security.beta.kubernetes.io/server': 'runtime/default', 'container.apparmor.security.beta.kubernetes.io/fetch': 'localhost/k8s-fetch' } };
    expect(podSecurityLevel(restrictedSpec(), metadata)).toBe('restricted');
  });

  it('a Windows pod still needs runAsNonRoot (not a Linux-only control)', () => {
    const spec = withChange((s) => {
      s.os = { name: 'windows' };
      delete s.securityContext.runAsNonRoot;
    });
    expect(podSecurityLevel(spec)).toBe('baseline');
  });
});

// ---------------------------------------------------------------------------------------------------
// Namespaces: the strictest level that admits every pod
// ---------------------------------------------------------------------------------------------------

describe('namespaceSecurityLevel', () => {
  const restricted = restrictedSpec();
  const baseline = withChange((s) => delete s.securityContext.runAsNonRoot);
  const privileged = withChange((s) => (s.hostNetwork = true));

  it.each<[string, any[], PodSecurityLevel]>([
    ['no pods', [], 'restricted'],
    ['restricted pods only', [restricted, restricted], 'restricted'],
    ['one baseline pod among restricted ones', [restricted, baseline, restricted], 'baseline'],
    ['one privileged pod', [restricted, privileged, baseline], 'privileged'],
  ])('%s', (_name, specs, level) => {
    expect(namespaceSecurityLevel(specs)).toBe(level);
  });

  it('takes pod templates ({ metadata, spec }) as well as pod specs', () => {
    expect(namespaceSecurityLevel([{ metadata: { labels: { app: 'a' } }, spec: restricted }, { spec: baseline }])).toBe('baseline');
    expect(namespaceSecurityLevel([{ spec: restricted }])).toBe('restricted');
  });
});

// ---------------------------------------------------------------------------------------------------
// Which objects carry pods
// ---------------------------------------------------------------------------------------------------

describe('podTemplatesOf', () => {
  const template = { metadata: { labels: { app: 'x' } }, spec: restrictedSpec() };

  it.each(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Job'])('%s: spec.template', (kind) => {
    expect(podTemplatesOf({ apiVersion: 'apps/v1', kind, metadata: { name: 'x' }, spec: { template } })).toEqual([template]);
  });

  it('CronJob: spec.jobTemplate.spec.template', () => {
    expect(podTemplatesOf({ apiVersion: 'batch/v1', kind: 'CronJob', spec: { schedule: '@daily', jobTemplate: { spec: { template } } } })).toEqual([template]);
  });

  it('a bare Pod is its own template', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: restrictedSpec() };
    expect(podTemplatesOf(pod)).toEqual([pod]);
  });

  it('LeaderWorkerSet: the leader and the worker template', () => {
    const leader = { metadata: { labels: { role: 'leader' } }, spec: restrictedSpec() };
    const worker = { metadata: { labels: { role: 'worker' } }, spec: restrictedSpec() };
    const lws = { apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', spec: { leaderWorkerTemplate: { size: 2, leaderTemplate: leader, workerTemplate: worker } } };
    expect(podTemplatesOf(lws)).toEqual([leader, worker]);
    // leaderTemplate is optional in the CRD: then every pod of the group is a worker.
    const workersOnly = { ...lws, spec: { leaderWorkerTemplate: { size: 2, workerTemplate: worker } } };
    expect(podTemplatesOf(workersOnly)).toEqual([worker]);
  });

  it('objects without pods, even with a spec.template.spec (Karpenter NodePool), carry none', () => {
    const nodePool = {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      spec: { template: { metadata: { labels: { team: 'ml' } }, spec: { nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'gpu' }, requirements: [] } } },
    };
    expect(podTemplatesOf(nodePool)).toEqual([]);
    expect(podTemplatesOf({ apiVersion: 'v1', kind: 'Service', spec: { selector: { app: 'x' } } })).toEqual([]);
    expect(podTemplatesOf({ apiVersion: 'v1', kind: 'ConfigMap', data: {} })).toEqual([]);
    expect(podTemplatesOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'llm' } })).toEqual([]);
  });

  describe('on synthesized objects', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'ps', { namespace: 'llm' });
    const pool = new GpuNodePool(chart, 'gpu', {
      instanceTypes: ['p5.48xlarge'],
      provisioner: { type: 'karpenter', clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' },
      plumbing: { installDcgmExporter: true },
      maxAccelerators: 16,
    });
    // One replica of the 405B model spans two p5.48xlarge: a LeaderWorkerSet.
    new LlmWorker(chart, 'llama-405b', { model: 'meta-llama/Llama-3.1-405B-Instruct', nodePool: pool, maxContextLength: 16384, concurrency: 8, hfTokenSecret: { name: 'hf-token', key: 'token' } });
    const objects = Testing.synth(chart) as any[];
    const kinds = (kind: string) => objects.filter((o) => o.kind === kind);

    it('a Karpenter NodePool (spec.template.spec) yields no pod template', () => {
      expect(kinds('NodePool')).toHaveLength(1);
      expect(kinds('NodePool')[0].spec.template.spec).toBeDefined();
      expect(podTemplatesOf(kinds('NodePool')[0])).toEqual([]);
      expect(podTemplatesOf(kinds('EC2NodeClass')[0])).toEqual([]);
    });

    it('a multi-node worker LeaderWorkerSet yields its leader and worker templates (Restricted: vLLM runs as non-root)', () => {
      const [lws] = kinds('LeaderWorkerSet');
      expect(lws).toBeDefined();
      const templates = podTemplatesOf(lws);
      expect(templates).toEqual([lws.spec.leaderWorkerTemplate.leaderTemplate, lws.spec.leaderWorkerTemplate.workerTemplate]);
      expect(templates.map((t) => t.metadata.labels.role)).toEqual(['leader', 'worker']);
      expect(templates.map((t) => podSecurityLevel(t.spec, t.metadata))).toEqual(['restricted', 'restricted']);
    });

    it('node agents (DaemonSets with host paths, root, SYS_ADMIN) are Privileged', () => {
      const agents = kinds('DaemonSet');
      expect(agents.map((d) => d.metadata.name)).toEqual(expect.arrayContaining(['ps-gpu-dcgm-exporter']));
      const dcgm = agents.find((d) => d.metadata.name === 'ps-gpu-dcgm-exporter');
      expect(podTemplatesOf(dcgm)).toEqual([dcgm.spec.template]);
      expect(podSecurityLevel(dcgm.spec.template.spec, dcgm.spec.template.metadata)).toBe('privileged');
    });

    it('every pod-carrying object of the chart is found, and nothing else', () => {
      const carriers = objects.filter((o) => podTemplatesOf(o).length > 0).map((o) => o.kind);
      expect(new Set(carriers)).toEqual(new Set(['DaemonSet', 'LeaderWorkerSet']));
    });
  });
});
