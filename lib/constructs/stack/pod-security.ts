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

/* eslint-disable @typescript-eslint/no-explicit-any */
function containersOf(spec: any): any[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

function violatesBaseline(spec: any): boolean {
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) return true;
  if ((spec.volumes ?? []).some((v: any) => v.hostPath !== undefined)) return true;
  if (spec.securityContext?.seccompProfile?.type === 'Unconfined') return true;
  return containersOf(spec).some((c) => {
    const sc = c.securityContext ?? {};
    return (
      sc.privileged === true ||
      (sc.capabilities?.add ?? []).some((cap: string) => !BASELINE_CAPABILITIES.has(cap)) ||
      (c.ports ?? []).some((p: any) => p.hostPort !== undefined && p.hostPort !== 0) ||
      sc.seccompProfile?.type === 'Unconfined' ||
      (sc.procMount !== undefined && sc.procMount !== 'Default')
    );
  });
}

function violatesRestricted(spec: any): boolean {
  if ((spec.volumes ?? []).some((v: any) => !RESTRICTED_VOLUMES.some((type) => v[type] !== undefined))) return true;
  const pod = spec.securityContext ?? {};
  if (pod.runAsUser === 0) return true;
  return containersOf(spec).some((c) => {
    const sc = c.securityContext ?? {};
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    return (
      sc.allowPrivilegeEscalation !== false ||
      nonRoot !== true ||
      sc.runAsUser === 0 ||
      (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') ||
      !(sc.capabilities?.drop ?? []).includes('ALL') ||
      (sc.capabilities?.add ?? []).some((cap: string) => cap !== 'NET_BIND_SERVICE')
    );
  });
}

/** The strictest level that admits this pod spec. */
export function podSecurityLevel(spec: any): PodSecurityLevel {
  if (violatesBaseline(spec)) return 'privileged';
  return violatesRestricted(spec) ? 'baseline' : 'restricted';
}

/** The strictest level that admits every one of these pod specs. */
export function namespaceSecurityLevel(specs: readonly any[]): PodSecurityLevel {
  const order: PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];
  return specs.map(podSecurityLevel).reduce((worst, level) => (order.indexOf(level) > order.indexOf(worst) ? level : worst), 'restricted' as PodSecurityLevel);
}

const WORKLOADS = new Set(['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job']);

/** Pod templates of a synthesized workload (Deployment, DaemonSet, StatefulSet, Job, LeaderWorkerSet). */
export function podTemplatesOf(object: any): any[] {
  const spec = object?.spec;
  if (!spec) return [];
  if (WORKLOADS.has(object.kind) && spec.template?.spec) return [spec.template];
  if (object.kind === 'CronJob') return spec.jobTemplate?.spec?.template ? [spec.jobTemplate.spec.template] : [];
  const lws = object.kind === 'LeaderWorkerSet' ? spec.leaderWorkerTemplate : undefined;
  if (lws) return [lws.leaderTemplate, lws.workerTemplate].filter((t: any) => t?.spec);
  return [];
}
