/**
 * A small evaluator of Kubernetes NetworkPolicy INGRESS semantics (networking.k8s.io/v1), so tests can
 * ask "who can reach this pod on this port?" of synthesized NetworkPolicy objects instead of asserting
 * on their text.
 *
 * Sources (cited briefly at each rule below):
 * - [concept] https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * - [api]     https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
 * - [labels]  https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/
 *             and https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/
 *
 * Deliberately NOT modelled (the docs list them as exceptions the plugin applies on top of policies):
 * - "a pod cannot block access to itself" [concept] - endpoints here carry no identity;
 * - "traffic to and from the node where a Pod is running is always allowed" [concept] - no node endpoint;
 * - source-IP rewriting by load balancers / SNAT before policy processing, which the docs call
 *   undefined and plugin-dependent [concept, ipBlock].
 *
 * Inputs that the API server's validation would reject (endPort with a named port, ipBlock combined with a
 * selector, an empty peer, an unknown selector operator, ...) THROW instead of being guessed at, and so
 * does a NetworkPolicy without `metadata.namespace` (see `withNamespace`): a helper that silently guesses
 * would make a test pass for the wrong reason.
 */

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  /** Defaults to TCP, as in the Pod API. */
  readonly protocol?: string;
}

export interface PodEndpoint {
  readonly kind: 'pod';
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Labels of the pod's Namespace. `kubernetes.io/metadata.name: <namespace>` is always merged in: the
   * control plane sets that immutable label on every namespace [concept, "Targeting a Namespace by its name"].
   */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Pod IP; only `ipBlock` peers look at it. */
  readonly ip?: string;
  /** The target's container ports: what named ports in a policy resolve against. */
  readonly ports?: ReadonlyArray<ContainerPort>;
}

export interface ExternalEndpoint {
  readonly kind: 'external';
  readonly ip: string;
}

export type Endpoint = PodEndpoint | ExternalEndpoint;

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface IPBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

interface NetworkPolicyPort {
  readonly protocol?: string;
  readonly port?: number | string;
  readonly endPort?: number;
}

interface NetworkPolicyIngressRule {
  readonly from?: readonly NetworkPolicyPeer[];
  readonly ports?: readonly NetworkPolicyPort[];
}

interface NetworkPolicySpec {
  readonly podSelector?: LabelSelector;
  readonly policyTypes?: readonly string[];
  readonly ingress?: readonly NetworkPolicyIngressRule[];
  readonly egress?: readonly unknown[];
}

export interface NetworkPolicyObject {
  readonly apiVersion: string;
  readonly kind: 'NetworkPolicy';
  readonly metadata: { readonly name?: string; readonly namespace?: string };
  readonly spec?: NetworkPolicySpec;
}

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

// ---------------------------------------------------------------------------------------------------
// Label selectors
// ---------------------------------------------------------------------------------------------------

/**
 * Standard label-selector semantics [labels]: matchLabels and matchExpressions are ANDed; a
 * matchLabels pair is an `In` with one value; In = key present with a listed value; NotIn = key absent
 * OR value not listed; Exists / DoesNotExist test the key only. An empty selector `{}` matches
 * everything.
 *
 * `undefined` also matches everything here: that is right for `spec.podSelector` (optional, "defaults to
 * an empty selector" [api]), but NOT for the selectors of a NetworkPolicyPeer, where absence changes the
 * meaning (absent namespaceSelector = "the policy's own namespace"). Peers are resolved in `peerMatches`,
 * which never passes an absent selector here. (The generic API rule "a null selector matches no objects"
 * [labels] never applies to NetworkPolicy, whose fields give absence their own meaning.)
 */
export function labelSelectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined) return true;
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(labels, key);
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!has(key) || labels[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const { key, operator } = requirement;
    const values = requirement.values ?? [];
    switch (operator) {
      case 'In':
      case 'NotIn': {
        // [labels] "If the operator is In or NotIn, the values array must be non-empty."
        if (values.length === 0) throw new Error(`label selector: operator ${operator} on '${key}' needs a non-empty values list`);
        const listed = has(key) && values.includes(labels[key]!);
        if (operator === 'In' ? !listed : listed) return false;
        break;
      }
      case 'Exists':
      case 'DoesNotExist':
        // [labels] "If the operator is Exists or DoesNotExist, the values array must be empty."
        if (values.length !== 0) throw new Error(`label selector: operator ${operator} on '${key}' takes no values`);
        if (operator === 'Exists' ? !has(key) : has(key)) return false;
        break;
      default:
        throw new Error(`label selector: unknown operator '${operator}' (valid: In, NotIn, Exists, DoesNotExist)`);
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// IP / CIDR math (IPv4 and IPv6)
// ---------------------------------------------------------------------------------------------------

interface ParsedIp {
  readonly family: 4 | 6;
  readonly value: bigint;
}

interface ParsedCidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let body = text;
  // An embedded dotted IPv4 tail ("::ffff:10.0.0.1") supplies the last two 16-bit groups.
  let tail: number[] = [];
  if (body.includes('.')) {
    const lastColon = body.lastIndexOf(':');
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (lastColon < 0 || v4 === undefined) return undefined;
    tail = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    body = body.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): string[] => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const explicit = head.length + rest.length + tail.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  let value = 0n;
  for (const group of [...head, ...Array<string>(8 - explicit).fill('0'), ...rest]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  for (const group of tail) value = (value << 16n) | BigInt(group);
  return value;
}

export function parseIp(text: string): ParsedIp {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : undefined;
  if (v6 !== undefined) return { family: 6, value: v6 };
  throw new Error(`not an IP address: '${text}'`);
}

function bits(family: 4 | 6): number {
  return family === 4 ? 32 : 128;
}

function mask(family: 4 | 6, prefix: number): bigint {
  const width = BigInt(bits(family));
  return ((1n << width) - 1n) ^ ((1n << (width - BigInt(prefix))) - 1n);
}

/** "192.168.1.1/24" is accepted as written in the API docs' examples [api, IPBlock]: host bits are masked off. */
export function parseCidr(text: string): ParsedCidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new Error(`ipBlock: '${text}' is not a CIDR (missing /prefix)`);
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  const prefix = Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText) || prefix > bits(ip.family)) throw new Error(`ipBlock: bad prefix length in '${text}'`);
  return { family: ip.family, network: ip.value & mask(ip.family, prefix), prefix };
}

function cidrContains(cidr: ParsedCidr, ip: ParsedIp): boolean {
  return cidr.family === ip.family && (ip.value & mask(cidr.family, cidr.prefix)) === cidr.network;
}

function parseIpBlock(block: IPBlock): { readonly cidr: ParsedCidr; readonly excepts: ParsedCidr[] } {
  const cidr = parseCidr(block.cidr);
  const excepts = (block.except ?? []).map(parseCidr);
  for (const [i, except] of excepts.entries()) {
    // [api IPBlock] "Except values will be rejected if they are outside the cidr range."
    if (except.family !== cidr.family || except.prefix < cidr.prefix || !cidrContains(cidr, { family: except.family, value: except.network })) {
      throw new Error(`ipBlock: except entry ${block.except![i]} is outside cidr ${block.cidr}`);
    }
  }
  return { cidr, excepts };
}

/** True iff `ip` is inside `cidr` and outside every `except` entry [api IPBlock]. */
export function ipBlockContains(block: IPBlock, ipText: string): boolean {
  const { cidr, excepts } = parseIpBlock(block);
  const ip = parseIp(ipText);
  return cidrContains(cidr, ip) && !excepts.some((except) => cidrContains(except, ip));
}

// ---------------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------------

function isNetworkPolicy(object: object): object is NetworkPolicyObject {
  return (object as { kind?: unknown }).kind === 'NetworkPolicy';
}

/**
 * The NetworkPolicies among `objects` (other kinds are ignored, so a whole synthesized manifest can be
 * passed). Throws on a NetworkPolicy that is not networking.k8s.io/v1 or has no namespace.
 */
export function networkPolicies(objects: readonly object[]): NetworkPolicyObject[] {
  const policies = objects.filter(isNetworkPolicy);
  for (const policy of policies) {
    const name = policy.metadata?.name ?? '<unnamed>';
    if (policy.apiVersion !== 'networking.k8s.io/v1') throw new Error(`NetworkPolicy ${name}: apiVersion ${policy.apiVersion} is not networking.k8s.io/v1`);
    if (!policy.metadata?.namespace) {
      throw new Error(
        `NetworkPolicy ${name} has no metadata.namespace: a policy only acts in its own namespace, so say which one ` + `(e.g. withNamespace(objects, 'ns'), as 'kubectl apply -n ns' would)`,
      );
    }
    validateSpec(policy.spec ?? {}, name);
  }
  return policies;
}

/** Rejects what API validation would reject, so a malformed policy fails loudly instead of being guessed at. */
function validateSpec(spec: NetworkPolicySpec, name: string): void {
  // Each requirement on its own, so an invalid one is reported even after an earlier one fails to match.
  const checkSelector = (selector: LabelSelector | undefined): void => (selector?.matchExpressions ?? []).forEach((requirement) => void labelSelectorMatches({ matchExpressions: [requirement] }, {}));
  checkSelector(spec.podSelector);
  for (const type of spec.policyTypes ?? []) {
    if (type !== 'Ingress' && type !== 'Egress') throw new Error(`NetworkPolicy ${name}: unknown policyType '${type}'`);
  }
  for (const rule of spec.ingress ?? []) {
    for (const entry of rule.ports ?? []) {
      const { port, endPort } = entry;
      // [api NetworkPolicyPort] endPort "cannot be defined if the port field is not defined or if the port
      // field is defined as a named (string) port. The endPort must be equal or greater than port."
      if (endPort !== undefined && typeof port !== 'number') throw new Error(`NetworkPolicy ${name}: endPort needs a numeric port`);
      if (endPort !== undefined && typeof port === 'number' && endPort < port) throw new Error(`NetworkPolicy ${name}: endPort ${endPort} < port ${port}`);
      if (typeof port === 'string' && /^\d+$/.test(port)) {
        throw new Error(`NetworkPolicy ${name}: port '${port}' is a string of digits; numeric ports must be JSON numbers (strings are port names)`);
      }
    }
    for (const peer of rule.from ?? []) {
      const { podSelector, namespaceSelector, ipBlock } = peer;
      if (ipBlock !== undefined) {
        // [api NetworkPolicyPeer] ipBlock: "If this field is set then neither of the other fields can be."
        if (podSelector !== undefined || namespaceSelector !== undefined) {
          throw new Error(`NetworkPolicy ${name}: a peer with ipBlock cannot also have podSelector/namespaceSelector`);
        }
        parseIpBlock(ipBlock);
      } else if (podSelector === undefined && namespaceSelector === undefined) {
        throw new Error(`NetworkPolicy ${name}: an empty 'from' peer ({}) is invalid; use an absent or empty 'from' list to allow all sources`);
      }
      checkSelector(podSelector);
      checkSelector(namespaceSelector);
    }
  }
}

/** Copies of `objects` with `metadata.namespace` set where it is absent, like `kubectl apply -n namespace`. */
export function withNamespace<T extends object>(objects: readonly T[], namespace: string): T[] {
  return objects.map((object) => {
    const metadata = (object as { metadata?: { namespace?: string } }).metadata;
    if (metadata?.namespace) return object;
    return { ...object, metadata: { ...metadata, namespace } };
  });
}

/**
 * [concept] "If no policyTypes are specified on a NetworkPolicy then by default Ingress will always be
 * set and Egress will be set if the NetworkPolicy has any egress rules." (The API server defaults an
 * empty list the same way as an absent one.)
 */
export function effectivePolicyTypes(policy: NetworkPolicyObject): string[] {
  const spec = policy.spec ?? {};
  if (spec.policyTypes !== undefined && spec.policyTypes.length > 0) return [...spec.policyTypes];
  return spec.egress !== undefined && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/**
 * Policies that "apply to the pod for ingress" [concept]: in the TARGET's namespace (a policy acts only on
 * pods of its own namespace; `podSelector` "selects the pods to which this NetworkPolicy object applies",
 * empty = all pods in the namespace [api]) and with Ingress among their policy types.
 */
export function ingressPoliciesFor(policies: readonly object[], target: PodEndpoint): NetworkPolicyObject[] {
  return networkPolicies(policies).filter(
    (policy) => policy.metadata.namespace === target.namespace && labelSelectorMatches(policy.spec?.podSelector, target.labels) && effectivePolicyTypes(policy).includes('Ingress'),
  );
}

/** [concept] "a pod is isolated for ingress if there is any NetworkPolicy that both selects the pod and has Ingress in its policyTypes". */
export function isIsolatedForIngress(policies: readonly object[], target: PodEndpoint): boolean {
  return ingressPoliciesFor(policies, target).length > 0;
}

function namespaceLabelsOf(pod: PodEndpoint): Record<string, string> {
  const given = pod.namespaceLabels ?? {};
  const name = given[NAMESPACE_NAME_LABEL];
  if (name !== undefined && name !== pod.namespace) {
    throw new Error(`pod in namespace '${pod.namespace}' claims namespace label ${NAMESPACE_NAME_LABEL}=${name}`);
  }
  return { ...given, [NAMESPACE_NAME_LABEL]: pod.namespace };
}

/**
 * One `from` entry against one source [api NetworkPolicyPeer; concept "Behavior of to and from selectors"]:
 * - ipBlock (exclusive with the selectors): the source IP is in `cidr` and in no `except`; pods match
 *   only through their `ip`, and pods without one never match;
 * - podSelector alone: pods matching it in the POLICY's own namespace;
 * - namespaceSelector alone: all pods in matching namespaces ("if present but empty, it selects all
 *   namespaces");
 * - both in ONE entry: pods matching podSelector in namespaces matching namespaceSelector (AND).
 * Selector peers never match an external endpoint.
 */
function peerMatches(peer: NetworkPolicyPeer, policyNamespace: string, source: Endpoint): boolean {
  const { podSelector, namespaceSelector, ipBlock } = peer;
  if (ipBlock !== undefined) return source.ip !== undefined && ipBlockContains(ipBlock, source.ip);
  if (source.kind !== 'pod') return false;
  if (namespaceSelector === undefined) {
    // [concept] podSelector "selects particular Pods in the same namespace as the NetworkPolicy".
    return source.namespace === policyNamespace && labelSelectorMatches(podSelector, source.labels);
  }
  return labelSelectorMatches(namespaceSelector, namespaceLabelsOf(source)) && (podSelector === undefined || labelSelectorMatches(podSelector, source.labels));
}

/**
 * One `ports` entry against (port, protocol) on the target [api NetworkPolicyPort]: protocol "defaults to
 * TCP"; absent `port` "matches all port names and numbers"; a number matches itself, or the inclusive
 * range up to `endPort`; a string is a NAMED port, resolved against the target's container ports with
 * the same name and protocol. `endPort` "cannot be defined if the port field is not defined or if the
 * port field is defined as a named (string) port" and "must be equal or greater than port".
 */
function portMatches(entry: NetworkPolicyPort, target: PodEndpoint, port: number, protocol: string): boolean {
  const { port: entryPort, endPort } = entry;
  if ((entry.protocol ?? 'TCP') !== protocol) return false;
  if (entryPort === undefined) return true;
  if (typeof entryPort === 'number') return endPort === undefined ? port === entryPort : port >= entryPort && port <= endPort;
  return (target.ports ?? []).some((p) => p.name === entryPort && (p.protocol ?? 'TCP') === protocol && p.containerPort === port);
}

/**
 * [api NetworkPolicyIngressRule] "The traffic must match both ports and from." `ports` "empty or missing"
 * = all ports; `from` "empty or missing" = all sources; otherwise at least one item must match (OR).
 */
function ruleAllows(rule: NetworkPolicyIngressRule, policy: NetworkPolicyObject, target: PodEndpoint, port: number, source: Endpoint, protocol: string): boolean {
  const ports = rule.ports ?? [];
  if (ports.length > 0 && !ports.some((entry) => portMatches(entry, target, port, protocol))) return false;
  const from = rule.from ?? [];
  return from.length === 0 || from.some((peer) => peerMatches(peer, policy.metadata.namespace!, source));
}

/**
 * May `source` open a connection to `target` on (`port`, `protocol`)?
 *
 * `port` is the port on the POD (container port / a Service's targetPort), not a Service port: policies
 * are evaluated against traffic arriving at the pod.
 *
 * [concept] A pod not isolated for ingress accepts everything. An isolated pod accepts only connections
 * allowed by "the ingress list of some NetworkPolicy that applies to the pod for ingress"; "the effects
 * of those ingress lists combine additively" (union; there are no deny rules).
 */
export function ingressAllowed(policies: readonly object[], target: PodEndpoint, port: number, source: Endpoint, protocol = 'TCP'): boolean {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port ${port} is not a valid port number`);
  const applicable = ingressPoliciesFor(policies, target);
  if (applicable.length === 0) return true;
  return applicable.some((policy) => (policy.spec?.ingress ?? []).some((rule) => ruleAllows(rule, policy, target, port, source, protocol)));
}

/** The candidates allowed to reach `target` on `port` (same objects, same order). */
export function allowedSources(policies: readonly object[], target: PodEndpoint, port: number, candidates: readonly Endpoint[], protocol = 'TCP'): Endpoint[] {
  return candidates.filter((candidate) => ingressAllowed(policies, target, port, candidate, protocol));
}
