import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { ValidationError } from '../../errors';
import { clusterScoped } from '../cluster-scoped';
import { InferenceGateway } from '../gateway/inference-gateway';
import { denyAllIngress } from '../gateway/network-policies';
import { LlmWorker } from '../llm-worker';
import { checkDnsLabel } from '../names';
import { namespaceSecurityLevel, podTemplatesOf } from './pod-security';
import { formatSummary, summarize, type StackSummary } from './summary';

export interface LlmStackProps {
  /** The namespace the stack creates and deploys into. */
  readonly namespace: string;
  /** Owning team: a label on every object and pod, a tag on every EC2 instance of its pools. */
  readonly team?: string;
  /** Cost center, as `team`. */
  readonly costCenter?: string;
  /** More cost-allocation labels (and tags), e.g. `{ project: 'search' }`. */
  readonly labels?: Readonly<Record<string, string>>;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** cdk8s' Chart answers `instanceof` for any chart (Symbol.hasInstance): stacks carry their own mark. */
const STACK = Symbol.for('llm-constructs.LlmStack');

/**
 * A cdk8s Chart for one LLM serving stack: its Namespace (Pod Security labels at the strictest level its
 * pods pass), common and cost-allocation labels on every object and pod, a namespace-wide default-deny
 * ingress policy, and whole-tree checks at synth: unique model and Service names, every worker
 * reachable, pool capacities.
 */
export class LlmStack extends Chart {
  /** True for an LlmStack (`instanceof LlmStack` is true for every cdk8s Chart). */
  public static isLlmStack(value: unknown): value is LlmStack {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STACK] === true;
  }

  /** Labels (and EC2 tags) for cost allocation: `team`, `cost-center` and the free-form ones. */
  public readonly costAllocationTags: Readonly<Record<string, string>>;
  private readonly namespaceObject: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: LlmStackProps) {
    if (typeof props !== 'object' || props === null || typeof props.namespace !== 'string') {
      throw new ValidationError('invalid-stack', `LlmStack ${id}: props.namespace must name the stack's namespace`, { field: 'namespace', suggestions: ["{ namespace: 'llm' }"] });
    }
    checkDnsLabel(props.namespace, 'namespace');
    const costAllocationTags = costLabels(id, props);
    super(scope, id, {
      namespace: props.namespace,
      labels: { 'app.kubernetes.io/part-of': id, 'app.kubernetes.io/managed-by': 'llm-constructs', ...costAllocationTags },
    });
    this.costAllocationTags = costAllocationTags;
    Object.defineProperty(this, STACK, { value: true });
    this.namespaceObject = clusterScoped(new k8s.KubeNamespace(this, 'namespace', { metadata: { name: props.namespace } }));
    // Nothing reaches a pod of the stack unless a policy allows it: gateways and internal workers open paths.
    denyAllIngress(this, 'default-deny', 'default-deny-ingress', {}, {});
    this.node.addValidation({ validate: () => this.treeErrors() });
  }

  /** Every LlmWorker of the stack. */
  public get workers(): LlmWorker[] {
    return this.node.findAll().filter((c): c is LlmWorker => c instanceof LlmWorker);
  }

  /** Every InferenceGateway of the stack. */
  public get gateways(): InferenceGateway[] {
    return this.node.findAll().filter((c): c is InferenceGateway => c instanceof InferenceGateway);
  }

  /** Per model: engine, accelerators per replica, replicas, instance type, $/hour; and totals. */
  public summary(): StackSummary {
    return summarize(this.workers);
  }

  /** The summary as a table (what `npm run synth` prints). */
  public formatSummary(): string {
    return formatSummary(`LlmStack ${this.node.id} (namespace ${this.namespace})`, this.summary());
  }

  /** Adds the stack's labels to every pod template, and the Pod Security labels its pods pass to the Namespace. */
  public override toJson(): any[] {
    const objects = super.toJson();
    const templates = objects.flatMap(podTemplatesOf);
    const podLabels = this.labels;
    for (const template of templates) template.metadata = { ...template.metadata, labels: { ...podLabels, ...template.metadata?.labels } };
    // Pod Security applies per namespace: only the stack namespace's own pods count (node agents live in kube-system).
    const own = objects.filter((o) => o.metadata?.namespace === this.namespace).flatMap(podTemplatesOf);
    const level = namespaceSecurityLevel(own.map((t) => t.spec));
    const namespace = objects.find((o) => o.kind === 'Namespace' && o.metadata?.name === this.namespace);
    if (namespace) {
      namespace.metadata.labels = {
        ...namespace.metadata.labels,
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/enforce-version': 'latest',
        // Show what would have to change to reach the strictest level.
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      };
    }
    return objects;
  }

  /** The stack's Namespace object. */
  public get namespaceApiObject(): k8s.KubeNamespace {
    return this.namespaceObject;
  }

  private treeErrors(): string[] {
    const workers = this.workers;
    const errors: string[] = [];
    const duplicates = (key: (w: LlmWorker) => string, what: string) => {
      const byKey = new Map<string, string[]>();
      for (const w of workers) byKey.set(key(w), [...(byKey.get(key(w)) ?? []), w.node.path]);
      for (const [value, paths] of byKey) if (paths.length > 1) errors.push(`LlmStack ${this.node.id}: ${what} '${value}' is claimed by ${paths.join(' and ')}`);
    };
    duplicates((w) => w.modelName, 'served model name');
    duplicates((w) => w.service, 'Service name');
    const unreachable = workers.filter((w) => w.gateways.length === 0 && !w.internal);
    if (unreachable.length > 0) {
      errors.push(
        `LlmStack ${this.node.id}: ${unreachable.map((w) => w.node.path).join(', ')} ${unreachable.length > 1 ? 'are' : 'is'} behind no InferenceGateway and not internal: ` +
          'the stack denies all ingress by default, so nothing could call it. Add it to a gateway\'s workers, or set internal: true.',
      );
    }
    return errors;
  }
}

/** `team`, `cost-center` and the free-form labels, checked as label values (EC2 tags take them too). */
function costLabels(id: string, props: LlmStackProps): Record<string, string> {
  const labels: Record<string, string> = {
    ...(props.team !== undefined ? { team: props.team } : {}),
    ...(props.costCenter !== undefined ? { 'cost-center': props.costCenter } : {}),
    ...props.labels,
  };
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      throw new ValidationError('invalid-label', `LlmStack ${id}: label ${key}=${JSON.stringify(value)} is not a valid Kubernetes label value (≤ 63 of A-Z a-z 0-9 - _ ., alphanumeric at both ends)`, {
        field: key === 'team' ? 'team' : key === 'cost-center' ? 'costCenter' : `labels.${key}`,
        suggestions: [`${key}: '${String(value).replace(/[^A-Za-z0-9-_.]/g, '-').slice(0, 63)}'`],
      });
    }
  }
  return labels;
}
