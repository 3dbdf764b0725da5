/**
 * What a live cluster would do with synthesized objects, for the issue-13 tests: who reaches a pod (computed
 * with the NetworkPolicy evaluator), which nodes a required node affinity admits (Kubernetes node-affinity
 * semantics), and the pods of a workload.
 */
import { Chart, Testing } from 'cdk8s';
import { ingressAllowed, withNamespace, type Endpoint, type PodEndpoint } from './network-policy';

export type Obj = {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  [key: string]: any;
};

export function synth(chart: Chart): Obj[] {
  return withNamespace(Testing.synth(chart) as Obj[], chart.namespace ?? 'default');
}

/** Pod templates of Deployments, DaemonSets and LeaderWorkerSets (leader and worker), with their owner. */
export function podTemplates(objects: readonly Obj[]): Array<{ owner: Obj; role: string; template: any }> {
  return objects.flatMap((o) => {
    if (o.kind === 'Deployment' || o.kind === 'DaemonSet') return [{ owner: o, role: o.kind, template: o.spec.template }];
    if (o.kind === 'LeaderWorkerSet') {
      const t = o.spec.leaderWorkerTemplate;
      return [
        { owner: o, role: 'leader', template: t.leaderTemplate },
        { owner: o, role: 'worker', template: t.workerTemplate },
      ];
    }
    return [];
  });
}

/** A pod of `namespace` with `labels`, in a namespace with the given labels. */
export function pod(namespace: string, labels: Record<string, string>, namespaceLabels: Record<string, string> = {}): PodEndpoint {
  return { kind: 'pod', namespace, labels, namespaceLabels };
}

/** The pods a template runs as: its labels, plus LeaderWorkerSet's per-pod index label for a group's pods. */
export function podOf(owner: Obj, role: string, template: any): PodEndpoint {
  const labels = { ...template.metadata?.labels };
  if (owner.kind === 'LeaderWorkerSet') labels['leaderworkerset.sigs.k8s.io/worker-index'] = role === 'leader' ? '0' : '1';
  return pod(owner.metadata?.namespace ?? 'default', labels);
}

/** Whether `source` may open a TCP connection to `target` on `port` under the NetworkPolicies of `objects`. */
export function reaches(objects: readonly Obj[], source: Endpoint, target: PodEndpoint, port: number): boolean {
  return ingressAllowed(
    objects.filter((o) => o.kind === 'NetworkPolicy'),
    target,
    port,
    source,
  );
}

/**
 * Required node affinity (Kubernetes API, NodeSelector): the terms are ORed, the expressions of a term ANDed;
 * `In` needs the key with a listed value, `NotIn` its absence or another value, `Exists`/`DoesNotExist` the key.
 */
export function nodeAdmits(template: any, nodeLabels: Record<string, string>): boolean {
  const terms: any[] = template.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const selector: Record<string, string> = template.spec.nodeSelector ?? {};
  const selectorOk = Object.entries(selector).every(([k, v]) => nodeLabels[k] === v);
  if (terms.length === 0) return selectorOk;
  const matches = (e: any): boolean => {
    const has = Object.prototype.hasOwnProperty.call(nodeLabels, e.key);
    switch (e.operator) {
      case 'In':
        return has && e.values.includes(nodeLabels[e.key]);
      case 'NotIn':
        return !has || !e.values.includes(nodeLabels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        throw new Error(`operator ${e.operator} not modelled`);
    }
  };
  return selectorOk && terms.some((term) => (term.matchExpressions ?? []).every(matches));
}

/**
 * The kubelet's expansion of `$(VAR)` in a container's command and args (kubernetes
 * third_party/forked/golang/expansion/expand.go): `$$` is an escaped `$`; `$(NAME)` becomes the value of a
 * defined variable and stays as written otherwise (up to the first `)`); any other `$` is kept.
 */
export function kubeletExpand(text: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$' || i + 1 >= text.length) {
      out += text[i];
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = text.indexOf(')', i + 2);
      if (close < 0) {
        out += text.slice(i);
        break;
      }
      const name = text.slice(i + 2, close);
      out += Object.prototype.hasOwnProperty.call(env, name) ? env[name] : `$(${name})`;
      i = close;
    } else {
      out += '$';
    }
  }
  return out;
}
