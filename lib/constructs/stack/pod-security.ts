/**
 * The Kubernetes Pod Security Standards, evaluated on pod specs as synthesized (JSON): the strictest
 * level a namespace can enforce while admitting all of its pods.
 * Source: kubernetes.io/docs/concepts/security/pod-security-standards (baseline and restricted).
 */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** Capabilities the baseline level still allows to add. */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/** Volume types the restricted level allows. */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
/** Sysctls the baseline level allows (the "safe" set, as of the latest version). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
/** SELinux types the baseline level allows. */
const SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/* eslint-disable @typescript-eslint/no-explicit-any */
function containersOf(spec: any): any[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

/** Pod-level and container-level security contexts: controls that restrict both. */
function securityContextsOf(spec: any): any[] {
  return [spec.securityContext ?? {}, ...containersOf(spec).map((c) => c.securityContext ?? {})];
}

function violatesBaseline(spec: any, metadata: any): boolean {
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) return true;
  if ((spec.volumes ?? []).some((v: any) => v.hostPath != null)) return true;
  if ((spec.securityContext?.sysctls ?? []).some((s: any) => !SAFE_SYSCTLS.has(s.name))) return true;
  const annotations: Record<string, string> = metadata?.annotations ?? {};
  const appArmorAnnotation = (value: string) => value === 'runtime/default' || value.startsWith('localhost/');
  if (Object.entries(annotations).some(([key, value]) => key.startsWith(APPARMOR_ANNOTATION) && !appArmorAnnotation(value))) return true;
  const contexts = securityContextsOf(spec);
  if (
    contexts.some(
      (sc) =>
        sc.windowsOptions?.hostProcess === true ||
        sc.seccompProfile?.type === 'Unconfined' ||
        (sc.appArmorProfile?.type != null && sc.appArmorProfile.type !== 'RuntimeDefault' && sc.appArmorProfile.type !== 'Localhost') ||
        (sc.seLinuxOptions?.type != null && !SELINUX_TYPES.has(sc.seLinuxOptions.type)) ||
        sc.seLinuxOptions?.user != null ||
        sc.seLinuxOptions?.role != null,
    )
  ) {
    return true;
  }
  return containersOf(spec).some((c) => {
    const sc = c.securityContext ?? {};
    return (
      sc.privileged === true ||
      (sc.capabilities?.add ?? []).some((cap: string) => !BASELINE_CAPABILITIES.has(cap)) ||
      (c.ports ?? []).some((p: any) => p.hostPort != null && p.hostPort !== 0) ||
      (sc.procMount != null && sc.procMount !== 'Default')
    );
  });
}

function violatesRestricted(spec: any): boolean {
  if ((spec.volumes ?? []).some((v: any) => !RESTRICTED_VOLUMES.some((type) => v[type] != null))) return true;
  const pod = spec.securityContext ?? {};
  if (pod.runAsUser === 0) return true;
  // Privilege escalation, seccomp and capabilities are Linux-only controls (v1.25+): relaxed for Windows pods.
  const linux = spec.os?.name !== 'windows';
  return containersOf(spec).some((c) => {
    const sc = c.securityContext ?? {};
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    return (
      nonRoot !== true ||
      sc.runAsUser === 0 ||
      (linux &&
        (sc.allowPrivilegeEscalation !== false ||
          (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') ||
          !(sc.capabilities?.drop ?? []).includes('ALL') ||
          (sc.capabilities?.add ?? []).some((cap: string) => cap !== 'NET_BIND_SERVICE')))
    );
  });
}

/**
 * The strictest level that admits this pod spec. `metadata` (the pod template's) adds the AppArmor
 * annotations to the baseline checks.
 */
export function podSecurityLevel(spec: any, metadata?: any): PodSecurityLevel {
  if (violatesBaseline(spec, metadata)) return 'privileged';
  return violatesRestricted(spec) ? 'baseline' : 'restricted';
}

/** The strictest level that admits every one of these pod specs (or pod templates, `{ metadata, spec }`). */
export function namespaceSecurityLevel(specs: readonly any[]): PodSecurityLevel {
  const order: PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];
  return specs
    .map((s) => (isTemplate(s) ? podSecurityLevel(s.spec, s.metadata) : podSecurityLevel(s)))
    .reduce((worst, level) => (order.indexOf(level) > order.indexOf(worst) ? level : worst), 'restricted' as PodSecurityLevel);
}

/** A pod template (`{ metadata?, spec: { containers } }`) rather than a pod spec (`{ containers }`). */
function isTemplate(value: any): boolean {
  return typeof value?.spec === 'object' && value.spec !== null && Array.isArray(value.spec.containers) && !Array.isArray(value.containers);
}

const WORKLOADS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Job']);

/** Pod templates of a synthesized workload (Deployment, DaemonSet, StatefulSet, Job, CronJob, LeaderWorkerSet) or the Pod itself. */
export function podTemplatesOf(object: any): any[] {
  const spec = object?.spec;
  if (!spec) return [];
  if (object.kind === 'Pod' && (object.apiVersion ?? 'v1') === 'v1') return [object];
  if (WORKLOADS.has(object.kind) && spec.template?.spec) return [spec.template];
  if (object.kind === 'CronJob') return spec.jobTemplate?.spec?.template ? [spec.jobTemplate.spec.template] : [];
  const lws = object.kind === 'LeaderWorkerSet' ? spec.leaderWorkerTemplate : undefined;
  if (lws) return [lws.leaderTemplate, lws.workerTemplate].filter((t: any) => t?.spec);
  return [];
}
