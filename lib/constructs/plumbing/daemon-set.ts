import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { ValidationError } from '../../errors';
import { PRIVILEGES_ANNOTATION } from '../privileges';
import { plumbingLabels, plumbingName, plumbingNamespace, selectorLabels, type PlumbingTarget } from './target';

/** Node agents must survive node pressure: the priority class every upstream manifest uses. */
const NODE_CRITICAL = 'system-node-critical';

export interface AgentDaemonSet {
  /** Suffix of the object name and value of `app.kubernetes.io/name`, e.g. `dcgm-exporter`. */
  readonly component: string;
  readonly containers: k8s.Container[];
  readonly volumes: k8s.Volume[];
  /** Pods get an API token for this ServiceAccount; without one no token is mounted. */
  readonly serviceAccountName?: string;
  readonly podAnnotations?: Record<string, string>;
  /** What the agent keeps beyond the restricted baseline (root, capabilities, host paths) and why. */
  readonly privileges: string;
}

/**
 * One DaemonSet of GPU plumbing: only on the target's nodes (its required node affinity), tolerating
 * its taints, node-critical, no API token unless the agent calls the API, RuntimeDefault seccomp.
 */
export function daemonSet(scope: Construct, target: PlumbingTarget, agent: AgentDaemonSet): k8s.KubeDaemonSet {
  checkTarget(target);
  for (const container of agent.containers) checkResources(agent.component, container);
  const selector = selectorLabels(target, agent.component);
  return new k8s.KubeDaemonSet(scope, agent.component, {
    metadata: { name: plumbingName(target, agent.component), namespace: plumbingNamespace(target), labels: plumbingLabels(target, agent.component) },
    spec: {
      selector: { matchLabels: selector },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
      template: {
        metadata: { labels: plumbingLabels(target, agent.component), annotations: { ...agent.podAnnotations, [PRIVILEGES_ANNOTATION]: agent.privileges } },
        spec: {
          affinity: { nodeAffinity: target.nodeAffinity },
          tolerations: [...target.tolerations],
          priorityClassName: NODE_CRITICAL,
          runtimeClassName: target.runtimeClassName,
          serviceAccountName: agent.serviceAccountName,
          automountServiceAccountToken: agent.serviceAccountName !== undefined,
          enableServiceLinks: false,
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          containers: agent.containers,
          volumes: agent.volumes,
        },
      },
    },
  });
}

/** Requests and limits for a node agent (every container gets both). */
export function agentResources(requests: { cpu: string; memory: string }, limits: { cpu: string; memory: string }): k8s.ResourceRequirements {
  const q = (r: { cpu: string; memory: string }) => ({ cpu: k8s.Quantity.fromString(r.cpu), memory: k8s.Quantity.fromString(r.memory) });
  return { requests: q(requests), limits: q(limits) };
}

/**
 * Container security: no privilege escalation, every capability dropped except `add` (each caller
 * names why it keeps one). Agents run as root, as upstream does: they own root-owned host paths.
 */
export function agentSecurityContext(options: { readonly add?: readonly string[]; readonly readOnlyRootFilesystem: boolean }): k8s.SecurityContext {
  const add = options.add && options.add.length > 0 ? [...options.add] : undefined;
  return { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add }, readOnlyRootFilesystem: options.readOnlyRootFilesystem };
}

export function hostPathVolume(name: string, path: string, type?: 'Directory' | 'DirectoryOrCreate'): k8s.Volume {
  return { name, hostPath: { path, type } };
}

/** A DaemonSet without a required node affinity would run on every node of the cluster. */
function checkTarget(target: PlumbingTarget): void {
  const terms = target.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) {
    throw new ValidationError('missing-node-affinity', `target '${target.name}' has no required node affinity: its plumbing would run on every node`, {
      field: 'nodeAffinity',
      suggestions: [
        "nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: ['<pool>'] }] }] } }",
      ],
    });
  }
}

function checkResources(component: string, container: k8s.Container): void {
  const { requests, limits } = container.resources ?? {};
  for (const key of ['cpu', 'memory']) {
    if (!requests?.[key] || !limits?.[key]) throw new Error(`${component}/${container.name}: missing ${key} request or limit`);
  }
}
