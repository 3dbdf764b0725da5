import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { clusterScoped } from '../cluster-scoped';
import { InferenceGateway } from '../gateway/inference-gateway';
import { denyAllIngress } from '../gateway/network-policies';
import { LlmWorker } from '../llm-worker';
import { modelNameErrors } from '../model-names';
import { checkDnsLabel } from '../names';
import { describe } from '../../describe';
import { namespaceSecurityLevel, podTemplatesOf } from './pod-security';
import { formatSummary, summarize, type StackSummary } from './summary';
import { applyImages, checkImages, type StackImages } from './images';
import { rejectUnknownProps } from '../../unknown-props';
import { LLM_STACK_SPEC } from '../props-specs';
import { checkNamesAppWide } from '../unique-names';
import { invalidBeforeMade, type ConstructError } from '../validation';

export interface LlmStackProps {
  /** The namespace the stack creates and deploys into. */
  readonly namespace: string;
  /** Owning team: a label on every object and pod, a tag on every EC2 instance of its pools. @default no team label */
  readonly team?: string;
  /** Cost center, as `team`. @default no cost-center label */
  readonly costCenter?: string;
  /** More cost-allocation labels (and tags), e.g. `{ project: 'search' }`. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Pull every container image of the stack (init containers and node agents included) from this mirror,
   * keeping each image's repository path and tag, with these pull secrets on every pod.
   * @default the upstream registries
   */
  readonly images?: StackImages;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Label prefixes owned by Kubernetes and by the constructs (selector labels): not for cost labels. */
const RESERVED_PREFIX = /(^|\.)(kubernetes\.io|k8s\.io|llm-constructs\.io)$/;
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
  private readonly images?: StackImages;

  constructor(scope: Construct, id: string, props: LlmStackProps) {
    // Checked before super(): the Chart cannot be made with a bad namespace, so errors compute the path it would have.
    const fail = invalidBeforeMade(scope, id, 'LlmStack');
    if (typeof props !== 'object' || props === null || Array.isArray(props)) {
      throw fail('invalid-stack', 'props', `props must be an object with the stack's namespace, got ${describe(props)}`, ["{ namespace: 'llm' }"]);
    }
    rejectUnknownProps(`LlmStack ${id}`, props, LLM_STACK_SPEC);
    if (typeof props.namespace !== 'string') {
      throw fail('invalid-stack', 'namespace', `namespace must name the stack's namespace, got ${describe(props.namespace)}`, ["{ namespace: 'llm' }"]);
    }
    checkDnsLabel(props.namespace, 'namespace', fail);
    const costAllocationTags = costLabels(fail, props);
    const images = checkImages(fail, props.images);
    super(scope, id, {
      namespace: props.namespace,
      labels: { ...costAllocationTags, 'app.kubernetes.io/part-of': id, 'app.kubernetes.io/managed-by': 'llm-constructs' },
    });
    this.costAllocationTags = costAllocationTags;
    this.images = images;
    Object.defineProperty(this, STACK, { value: true });
    this.namespaceObject = clusterScoped(new k8s.KubeNamespace(this, 'namespace', { metadata: { name: props.namespace } }));
    // Nothing reaches a pod of the stack unless a policy allows it: gateways and internal workers open paths.
    denyAllIngress(this, 'default-deny', 'default-deny-ingress', {}, {});
    this.node.addValidation({ validate: () => this.treeErrors() });
    checkNamesAppWide(this);
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
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the signature of cdk8s Chart.toJson()
  public override toJson(): any[] {
    const objects = super.toJson();
    if (this.images) applyImages(objects, this.images);
    const templates = objects.flatMap(podTemplatesOf);
    // The stack's part-of and managed-by win over a construct's own (a gateway says part-of: <gateway>):
    // `-l app.kubernetes.io/part-of=<stack>` must find every object and pod of the stack. Other keys of a
    // construct win (they may be selector labels); cost labels cannot collide (see costLabels).
    const common = { 'app.kubernetes.io/part-of': this.node.id, 'app.kubernetes.io/managed-by': 'llm-constructs' };
    const podLabels = this.labels;
    for (const object of objects) object.metadata = { ...object.metadata, labels: sortedKeys({ ...podLabels, ...object.metadata?.labels, ...common }) };
    for (const template of templates) template.metadata = { ...template.metadata, labels: sortedKeys({ ...podLabels, ...template.metadata?.labels, ...common }) };
    // Pod Security applies per namespace: only the stack namespace's own pods count (node agents live in kube-system).
    const own = objects.filter((o) => o.metadata?.namespace === this.namespace).flatMap(podTemplatesOf);
    const level = namespaceSecurityLevel(own);
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
    errors.push(...modelNameErrors(`LlmStack ${this.node.id}`, workers));
    duplicates((w) => w.serviceName, 'Service name');
    const unreachable = workers.filter((w) => w.gateways.length === 0 && !w.internal);
    if (unreachable.length > 0) {
      errors.push(
        `LlmStack ${this.node.id}: ${unreachable.map((w) => w.node.path).join(', ')} ${unreachable.length > 1 ? 'are' : 'is'} behind no InferenceGateway and not internal: ` +
          "the stack denies all ingress by default, so nothing could call it. Add it to a gateway's backends, or set internal: true.",
      );
    }
    return errors;
  }
}

/** Labels in key order, as cdk8s emits them. */
function sortedKeys(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `team`, `cost-center` and the free-form labels, checked as label values (EC2 tags take them too). */
function costLabels(fail: ConstructError, props: LlmStackProps): Record<string, string> {
  const extra: unknown = props.labels;
  if (extra !== undefined && (typeof extra !== 'object' || extra === null || Array.isArray(extra))) {
    throw fail('invalid-label', 'labels', `labels must be an object of key: value, got ${describe(extra)}`, ["labels: { project: 'search' }"]);
  }
  const labels: Record<string, string> = {
    ...(props.team !== undefined ? { team: props.team } : {}),
    ...(props.costCenter !== undefined ? { 'cost-center': props.costCenter } : {}),
    ...props.labels,
  };
  for (const [key, value] of Object.entries(labels)) {
    checkLabelKey(fail, key, value);
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      // The suggestion names the prop to set, with a value that passes this check.
      const valid = toLabelValue(String(value));
      const fromLabels = props.labels !== undefined && Object.prototype.hasOwnProperty.call(props.labels, key);
      const [field, suggestion] = fromLabels ? [`labels.${key}`, `labels: { '${key}': '${valid}' }`] : key === 'team' ? ['team', `team: '${valid}'`] : ['costCenter', `costCenter: '${valid}'`];
      throw fail('invalid-label', field, `label ${key}=${JSON.stringify(value)} is not a valid Kubernetes label value (≤ 63 of A-Z a-z 0-9 - _ ., alphanumeric at both ends)`, [suggestion]);
    }
  }
  return labels;
}

/** `ML Platform` -> `ML-Platform`: invalid characters become `-`, at most 63, alphanumeric at both ends. */
function toLabelValue(text: string): string {
  const trim = (t: string) => t.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return trim(trim(text.replace(/[^A-Za-z0-9-_.]/g, '-')).slice(0, 63)) || 'unset';
}

/** A free-form label key: `[prefix/]name` (prefix a DNS subdomain ≤ 253, name ≤ 63), outside the reserved prefixes. */
function checkLabelKey(fail: ConstructError, key: string, value: unknown): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  const field = `labels.${key}`;
  const valid = name.length <= 63 && LABEL_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
  const shown = typeof value === 'string' ? value : '...';
  if (!valid) {
    throw fail('invalid-label', field, `${JSON.stringify(key)} is not a valid Kubernetes label key ([prefix/]name: name ≤ 63 of A-Z a-z 0-9 - _ ., prefix a DNS subdomain)`, [
      `labels: { '${toLabelValue(name)}': '${shown}' }`,
    ]);
  }
  if (prefix !== undefined && RESERVED_PREFIX.test(prefix)) {
    throw fail('reserved-label', field, `label ${key} uses the prefix ${prefix}/, reserved for Kubernetes and for the labels llm-constructs sets itself`, [
      `labels: { '${name}': '${shown}' }`,
      `labels: { 'example.com/${name}': '${shown}' } (a prefix you own)`,
    ]);
  }
}
