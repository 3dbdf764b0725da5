/**
 * The NetworkPolicy ingress evaluator in ./support/network-policy.ts, checked case by case against the
 * examples and statements of the Kubernetes docs:
 * - https://kubernetes.io/docs/concepts/services-networking/network-policies/ ([concept])
 * - https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/ ([api])
 * - https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/ ([labels])
 * Every case states both who gets in and who does not, so each can fail.
 */
import {
  allowedSources,
  effectivePolicyTypes,
  type Endpoint,
  type ExternalEndpoint,
  ingressAllowed,
  ipBlockContains,
  isIsolatedForIngress,
  labelSelectorMatches,
  type LabelSelector,
  type NetworkPolicyObject,
  type PodEndpoint,
  withNamespace,
} from './support/network-policy';

function policy(name: string, namespace: string | undefined, spec: Record<string, unknown>): NetworkPolicyObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: namespace === undefined ? { name } : { name, namespace },
    spec,
  } as NetworkPolicyObject;
}

function pod(namespace: string, labels: Record<string, string>, extra: Partial<Omit<PodEndpoint, 'kind' | 'namespace' | 'labels'>> = {}): PodEndpoint {
  return { kind: 'pod', namespace, labels, ...extra };
}

function external(ip: string): ExternalEndpoint {
  return { kind: 'external', ip };
}

type Case = readonly [description: string, expected: boolean, source: Endpoint];

// --- Docs' examples, verbatim apart from an explicit namespace where the example has none. ---

/** [concept] "Default deny all ingress traffic" (network-policy-default-deny-ingress.yaml). */
const defaultDenyIngress = policy('default-deny-ingress', undefined, { podSelector: {}, policyTypes: ['Ingress'] });

/** [concept] "Allow all ingress traffic" (network-policy-allow-all-ingress.yaml). */
const allowAllIngress = policy('allow-all-ingress', undefined, { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] });

/** [concept] the "test-network-policy" example (networkpolicy.yaml). */
const testNetworkPolicy = policy('test-network-policy', 'default', {
  podSelector: { matchLabels: { role: 'db' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [
    {
      from: [
        { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
        { namespaceSelector: { matchLabels: { project: 'myproject' } } },
        { podSelector: { matchLabels: { role: 'frontend' } } },
      ],
      ports: [{ protocol: 'TCP', port: 6379 }],
    },
  ],
  egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
});

const db = pod('default', { role: 'db' }, { ip: '10.244.0.10' });
const cache = pod('default', { role: 'cache' });
const frontendHere = pod('default', { role: 'frontend' });
const frontendElsewhere = pod('staging', { role: 'frontend' });
const anyPodInMyproject = pod('proj-a', { app: 'whatever' }, { namespaceLabels: { project: 'myproject' } });
const anyPodElsewhere = pod('staging', { app: 'whatever' });

describe('isolation', () => {
  it('with no policies at all, a pod accepts everything', () => {
    for (const source of [frontendHere, frontendElsewhere, external('8.8.8.8')]) expect(ingressAllowed([], db, 6379, source)).toBe(true);
    expect(isIsolatedForIngress([], db)).toBe(false);
  });

  describe('default deny all ingress ([concept] podSelector {} + policyTypes [Ingress], no ingress rules)', () => {
    const policies = withNamespace([defaultDenyIngress], 'default');
    it.each<Case>([
      ['a pod in the same namespace', false, frontendHere],
      ['a pod in another namespace', false, frontendElsewhere],
      ['an external client', false, external('203.0.113.7')],
    ])('denies %s', (_d, expected, source) => {
      expect(ingressAllowed(policies, db, 6379, source)).toBe(expected);
      expect(ingressAllowed(policies, cache, 1, source)).toBe(expected);
    });

    it('does not isolate pods in another namespace (a policy acts only in its own namespace)', () => {
      const target = pod('staging', { role: 'db' });
      expect(isIsolatedForIngress(policies, target)).toBe(false);
      expect(ingressAllowed(policies, target, 6379, external('203.0.113.7'))).toBe(true);
      // ... and the same policy placed in 'staging' does.
      expect(ingressAllowed(withNamespace([defaultDenyIngress], 'staging'), target, 6379, external('203.0.113.7'))).toBe(false);
    });
  });

  describe('allow all ingress ([concept] ingress: [{}])', () => {
    it.each([
      ['alone', [allowAllIngress]],
      ['next to default deny (policies are additive)', [defaultDenyIngress, allowAllIngress]],
    ])('%s: isolates, yet admits every source on every port and protocol', (_d, list) => {
      const policies = withNamespace(list, 'default');
      expect(isIsolatedForIngress(policies, db)).toBe(true);
      for (const source of [frontendHere, frontendElsewhere, anyPodInMyproject, external('198.51.100.1')]) {
        expect(ingressAllowed(policies, db, 1, source)).toBe(true);
        expect(ingressAllowed(policies, db, 65535, source, 'UDP')).toBe(true);
      }
    });

    it('ingress: [] (no rules) is a deny, not an allow-all', () => {
      const policies = [policy('empty-rules', 'default', { podSelector: {}, policyTypes: ['Ingress'], ingress: [] })];
      expect(ingressAllowed(policies, db, 6379, frontendHere)).toBe(false);
    });
  });

  describe('policyTypes defaulting ([concept] "by default Ingress will always be set and Egress will be set if the NetworkPolicy has any egress rules")', () => {
    it.each<[string, string[], Record<string, unknown>]>([
      ['no policyTypes, no rules', ['Ingress'], { podSelector: {} }],
      ['no policyTypes, ingress rules only', ['Ingress'], { podSelector: {}, ingress: [{}] }],
      ['no policyTypes, egress rules only', ['Ingress', 'Egress'], { podSelector: {}, egress: [{}] }],
      ['no policyTypes, empty egress list', ['Ingress'], { podSelector: {}, egress: [] }],
      ['explicit [Egress]', ['Egress'], { podSelector: {}, policyTypes: ['Egress'] }],
    ])('%s -> %j', (_d, expected, spec) => {
      expect(effectivePolicyTypes(policy('p', 'default', spec))).toEqual(expected);
    });

    it('an egress-only-looking policy WITHOUT policyTypes still isolates ingress (and allows none)', () => {
      const policies = [policy('egress-rules', 'default', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }] })];
      expect(isIsolatedForIngress(policies, db)).toBe(true);
      expect(ingressAllowed(policies, db, 6379, frontendHere)).toBe(false);
    });

    it('policyTypes [Egress] does not isolate ingress, and its ingress rules are ignored', () => {
      const egressOnly = policy('egress-only', 'default', { podSelector: {}, policyTypes: ['Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }] }] });
      expect(isIsolatedForIngress([egressOnly], db)).toBe(false);
      expect(ingressAllowed([egressOnly], db, 6379, frontendElsewhere)).toBe(true);
      // Next to a default deny, its ingress rule does NOT open anything.
      const policies = [egressOnly, ...withNamespace([defaultDenyIngress], 'default')];
      expect(ingressAllowed(policies, db, 6379, frontendHere)).toBe(false);
    });
  });

  it('only pods matched by the policy podSelector are isolated', () => {
    expect(isIsolatedForIngress([testNetworkPolicy], db)).toBe(true);
    expect(isIsolatedForIngress([testNetworkPolicy], cache)).toBe(false);
    expect(ingressAllowed([testNetworkPolicy], cache, 9999, external('8.8.8.8'))).toBe(true);
  });
});

describe("the docs' test-network-policy (role=db in 'default', TCP 6379)", () => {
  // [concept] "allows connections to all pods in the default namespace with the label role=db on TCP port
  // 6379 from: any pod in the default namespace with the label role=frontend; any pod in a namespace with
  // the label project=myproject; IP addresses in the ranges 172.17.0.0-172.17.0.255 and
  // 172.17.2.0-172.17.255.255 (ie, all of 172.17.0.0/16 except 172.17.1.0/24)"
  it.each<Case>([
    ['role=frontend in the policy namespace', true, frontendHere],
    ['role=frontend in ANOTHER namespace (podSelector alone = own namespace)', false, frontendElsewhere],
    ['any pod in a project=myproject namespace', true, anyPodInMyproject],
    ['a non-frontend pod in a non-myproject namespace', false, anyPodElsewhere],
    ['a non-frontend pod in the policy namespace', false, cache],
    ['172.17.0.0 (first address of the cidr)', true, external('172.17.0.0')],
    ['172.17.0.255', true, external('172.17.0.255')],
    ['172.17.1.0 (first address of except)', false, external('172.17.1.0')],
    ['172.17.1.255 (last address of except)', false, external('172.17.1.255')],
    ['172.17.2.0', true, external('172.17.2.0')],
    ['172.17.255.255 (last address of the cidr)', true, external('172.17.255.255')],
    ['172.16.255.255 (just below the cidr)', false, external('172.16.255.255')],
    ['172.18.0.0 (just above the cidr)', false, external('172.18.0.0')],
    ['a pod with no selector match whose IP is in the ipBlock', true, pod('staging', { app: 'x' }, { ip: '172.17.3.4' })],
    ['a pod with no selector match whose IP is in except', false, pod('staging', { app: 'x' }, { ip: '172.17.1.4' })],
    ['a pod with no selector match and no known IP', false, pod('staging', { app: 'x' })],
  ])('%s -> %s', (_d, expected, source) => {
    expect(ingressAllowed([testNetworkPolicy], db, 6379, source)).toBe(expected);
  });

  it.each<[string, number, string]>([
    ['another TCP port', 6380, 'TCP'],
    ['the right port over UDP (protocol defaults to TCP, must match)', 6379, 'UDP'],
  ])('denies even allowed sources on %s', (_d, port, protocol) => {
    for (const source of [frontendHere, anyPodInMyproject, external('172.17.0.1')]) {
      expect(ingressAllowed([testNetworkPolicy], db, port, source, protocol)).toBe(false);
    }
  });

  it('allowedSources returns exactly the admitted candidates, in order, as the same objects', () => {
    const candidates: Endpoint[] = [frontendHere, frontendElsewhere, anyPodInMyproject, external('172.17.1.9'), external('172.17.9.1'), cache];
    const allowed = allowedSources([testNetworkPolicy], db, 6379, candidates);
    expect(allowed).toEqual([frontendHere, anyPodInMyproject, external('172.17.9.1')]);
    expect(allowed[0]).toBe(frontendHere);
  });
});

describe('namespaceSelector AND podSelector in one peer vs two peers ([concept] user=alice / role=client)', () => {
  const and = policy('and', 'default', {
    podSelector: { matchLabels: { role: 'db' } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }] }],
  });
  const or = policy('or', 'default', {
    podSelector: { matchLabels: { role: 'db' } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } }] }],
  });
  const alice = { user: 'alice' };
  const sources: Record<string, Endpoint> = {
    'client in an alice namespace': pod('alice-ns', { role: 'client' }, { namespaceLabels: alice }),
    'non-client in an alice namespace': pod('alice-ns', { role: 'server' }, { namespaceLabels: alice }),
    'client in the policy namespace (not alice)': pod('default', { role: 'client' }),
    'client in another non-alice namespace': pod('bob-ns', { role: 'client' }, { namespaceLabels: { user: 'bob' } }),
    'external address': external('10.0.0.1'),
  };
  // [concept] one element: "Pods with the label role=client in namespaces with the label user=alice";
  // two elements: "Pods in the local Namespace with the label role=client, or ... any Pod in any namespace
  // with the label user=alice".
  it.each<[string, boolean, boolean]>([
    ['client in an alice namespace', true, true],
    ['non-client in an alice namespace', false, true],
    ['client in the policy namespace (not alice)', false, true],
    ['client in another non-alice namespace', false, false],
    ['external address', false, false],
  ])('%s: one peer (AND) -> %s, two peers (OR) -> %s', (name, viaAnd, viaOr) => {
    expect(ingressAllowed([and], db, 5432, sources[name]!)).toBe(viaAnd);
    expect(ingressAllowed([or], db, 5432, sources[name]!)).toBe(viaOr);
  });
});

describe('absent vs empty selectors in a peer', () => {
  const cases: ReadonlyArray<readonly [string, Record<string, unknown>, boolean, boolean, boolean]> = [
    // peer, same-namespace pod, other-namespace pod, external
    ['podSelector {} alone: every pod of the policy namespace', { podSelector: {} }, true, false, false],
    ['namespaceSelector {} alone: every pod of every namespace ([api] "if present but empty, it selects all namespaces")', { namespaceSelector: {} }, true, true, false],
    ['namespaceSelector {} + podSelector: matching pods in every namespace', { namespaceSelector: {}, podSelector: { matchLabels: { role: 'frontend' } } }, true, true, false],
    ['namespaceSelector by kubernetes.io/metadata.name', { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'staging' } } }, false, true, false],
  ];
  it.each(cases)('%s', (_d, peer, sameNs, otherNs, ext) => {
    const policies = [policy('p', 'default', { podSelector: {}, ingress: [{ from: [peer] }] })];
    expect(ingressAllowed(policies, db, 80, frontendHere)).toBe(sameNs);
    expect(ingressAllowed(policies, db, 80, frontendElsewhere)).toBe(otherNs);
    expect(ingressAllowed(policies, db, 80, external('192.0.2.1'))).toBe(ext);
  });

  it.each([
    ['absent from', { ports: [{ port: 80 }] }],
    ['empty from list', { from: [], ports: [{ port: 80 }] }],
  ])('%s allows every source ([api] "If this field is empty or missing, this rule matches all sources")', (_d, rule) => {
    const policies = [policy('p', 'default', { podSelector: {}, ingress: [rule] })];
    for (const source of [frontendHere, frontendElsewhere, external('192.0.2.1')]) {
      expect(ingressAllowed(policies, db, 80, source)).toBe(true);
      expect(ingressAllowed(policies, db, 81, source)).toBe(false);
    }
  });

  it.each([
    ['absent ports', { from: [{ podSelector: {} }] }],
    ['empty ports list', { from: [{ podSelector: {} }], ports: [] }],
  ])('%s allows every port and protocol ([api] "If this field is empty or missing, this rule matches all ports")', (_d, rule) => {
    const policies = [policy('p', 'default', { podSelector: {}, ingress: [rule] })];
    expect(ingressAllowed(policies, db, 1, frontendHere)).toBe(true);
    expect(ingressAllowed(policies, db, 65535, frontendHere, 'SCTP')).toBe(true);
    expect(ingressAllowed(policies, db, 1, frontendElsewhere)).toBe(false);
  });
});

describe('ports', () => {
  const fromAnywhere = (ports: unknown[]) => [policy('p', 'default', { podSelector: {}, ingress: [{ ports }] })];
  const web = pod(
    'default',
    { app: 'web' },
    {
      ports: [
        { name: 'http', containerPort: 8080 },
        { name: 'dns', containerPort: 5353, protocol: 'UDP' },
        { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      ],
    },
  );
  const client = external('192.0.2.10');

  it.each<[string, unknown[], number, string, boolean]>([
    ['named port resolves to its containerPort', [{ port: 'http' }], 8080, 'TCP', true],
    ['named port does not match another port number', [{ port: 'http' }], 80, 'TCP', false],
    ['named port the target does not define matches nothing', [{ port: 'grpc' }], 8080, 'TCP', false],
    ['named UDP port with protocol UDP', [{ port: 'dns', protocol: 'UDP' }], 5353, 'UDP', true],
    ['named UDP port with the default protocol (TCP)', [{ port: 'dns' }], 5353, 'TCP', false],
    ['named TCP port, UDP traffic', [{ port: 'metrics' }], 9090, 'UDP', false],
    ['protocol only: every port of that protocol', [{ protocol: 'UDP' }], 12345, 'UDP', true],
    ['protocol only: not another protocol', [{ protocol: 'UDP' }], 12345, 'TCP', false],
    ['endPort range, low end', [{ protocol: 'TCP', port: 32000, endPort: 32768 }], 32000, 'TCP', true],
    ['endPort range, middle', [{ protocol: 'TCP', port: 32000, endPort: 32768 }], 32500, 'TCP', true],
    ['endPort range, high end (inclusive)', [{ protocol: 'TCP', port: 32000, endPort: 32768 }], 32768, 'TCP', true],
    ['endPort range, one below', [{ protocol: 'TCP', port: 32000, endPort: 32768 }], 31999, 'TCP', false],
    ['endPort range, one above', [{ protocol: 'TCP', port: 32000, endPort: 32768 }], 32769, 'TCP', false],
    ['endPort range, other protocol', [{ protocol: 'TCP', port: 32000, endPort: 32768 }], 32100, 'UDP', false],
    ['several entries are ORed', [{ port: 80 }, { port: 'http' }], 8080, 'TCP', true],
  ])('%s', (_d, ports, port, protocol, expected) => {
    expect(ingressAllowed(fromAnywhere(ports), web, port, client, protocol)).toBe(expected);
  });

  it('rejects what API validation rejects', () => {
    expect(() => ingressAllowed(fromAnywhere([{ port: 'http', endPort: 9000 }]), web, 8080, client)).toThrow(/endPort/);
    expect(() => ingressAllowed(fromAnywhere([{ endPort: 9000 }]), web, 8080, client)).toThrow(/endPort/);
    expect(() => ingressAllowed(fromAnywhere([{ port: 9000, endPort: 8000 }]), web, 8080, client)).toThrow(/endPort/);
    expect(() => ingressAllowed(fromAnywhere([{ port: '8080' }]), web, 8080, client)).toThrow(/digits/);
  });
});

describe('label selectors ([labels])', () => {
  const labels = { app: 'vllm', tier: 'gpu' };
  it.each<[string, boolean, LabelSelector | undefined]>([
    ['undefined (spec.podSelector defaults to empty)', true, undefined],
    ['{}', true, {}],
    ['matchLabels subset', true, { matchLabels: { app: 'vllm' } }],
    ['matchLabels, wrong value', false, { matchLabels: { app: 'sglang' } }],
    ['matchLabels, missing key', false, { matchLabels: { zone: 'a' } }],
    ['In, listed', true, { matchExpressions: [{ key: 'app', operator: 'In', values: ['sglang', 'vllm'] }] }],
    ['In, not listed', false, { matchExpressions: [{ key: 'app', operator: 'In', values: ['sglang'] }] }],
    ['In, key absent', false, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
    ['NotIn, listed', false, { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['vllm'] }] }],
    ['NotIn, not listed', true, { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['sglang'] }] }],
    ['NotIn, key absent (matches)', true, { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }],
    ['Exists, present', true, { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }],
    ['Exists, absent', false, { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }],
    ['DoesNotExist, absent', true, { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }],
    ['DoesNotExist, present', false, { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }],
    ['matchLabels AND matchExpressions, both hold', true, { matchLabels: { app: 'vllm' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }],
    ['matchLabels AND matchExpressions, one fails', false, { matchLabels: { app: 'vllm' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }],
  ])('%s -> %s', (_d, expected, selector) => {
    expect(labelSelectorMatches(selector, labels)).toBe(expected);
  });

  it.each<[string, LabelSelector]>([
    ['unknown operator', { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }],
    ['In without values', { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }],
    ['Exists with values', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }],
  ])('throws on %s', (_d, selector) => {
    expect(() => labelSelectorMatches(selector, labels)).toThrow();
  });

  it('matchExpressions work in spec.podSelector and in peers', () => {
    const policies = [
      policy('p', 'default', {
        podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['db', 'cache'] }] },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
                podSelector: { matchExpressions: [{ key: 'debug', operator: 'DoesNotExist' }] },
              },
            ],
          },
        ],
      }),
    ];
    expect(isIsolatedForIngress(policies, db)).toBe(true);
    expect(isIsolatedForIngress(policies, frontendHere)).toBe(false);
    expect(ingressAllowed(policies, db, 80, pod('dev', { app: 'a' }, { namespaceLabels: { env: 'dev' } }))).toBe(true);
    expect(ingressAllowed(policies, db, 80, pod('nolabel', { app: 'a' }))).toBe(true); // NotIn: key absent matches
    expect(ingressAllowed(policies, db, 80, pod('prod', { app: 'a' }, { namespaceLabels: { env: 'prod' } }))).toBe(false);
    expect(ingressAllowed(policies, db, 80, pod('dev', { app: 'a', debug: 'true' }, { namespaceLabels: { env: 'dev' } }))).toBe(false);
  });
});

describe('ipBlock', () => {
  it.each<[string, string, readonly string[], boolean]>([
    ['10.1.2.3', '10.0.0.0/8', [], true],
    ['11.0.0.0', '10.0.0.0/8', [], false],
    ['192.168.1.77', '192.168.1.1/24', [], true], // host bits in the cidr, as in the API docs' example
    ['192.168.2.1', '192.168.1.1/24', [], false],
    ['10.0.0.1', '0.0.0.0/0', ['10.0.0.0/8'], false],
    ['8.8.8.8', '0.0.0.0/0', ['10.0.0.0/8'], true],
    ['203.0.113.9', '203.0.113.9/32', [], true],
    ['203.0.113.10', '203.0.113.9/32', [], false],
    ['2001:db8::1', '2001:db8::/64', [], true],
    ['2001:db8:0:1::1', '2001:db8::/64', [], false],
    ['2001:db8::ff', '2001:db8::/64', ['2001:db8::/120'], false],
    ['::ffff:10.0.0.1', '::ffff:0.0.0.0/96', [], true],
    ['10.0.0.1', '2001:db8::/64', [], false], // families never match each other
  ])('%s in %s except %j -> %s', (ip, cidr, except, expected) => {
    expect(ipBlockContains({ cidr, except }, ip)).toBe(expected);
  });

  it('rejects an except outside the cidr and malformed addresses', () => {
    expect(() => ipBlockContains({ cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] }, '10.0.0.1')).toThrow(/outside/);
    expect(() => ipBlockContains({ cidr: '10.0.0.0/33' }, '10.0.0.1')).toThrow();
    expect(() => ipBlockContains({ cidr: '10.0.0.0/8' }, '10.0.0.256')).toThrow();
  });
});

describe('input handling', () => {
  it('a NetworkPolicy without metadata.namespace is an error until it is placed with withNamespace', () => {
    expect(() => ingressAllowed([defaultDenyIngress], db, 6379, frontendHere)).toThrow(/namespace/);
    expect(ingressAllowed(withNamespace([defaultDenyIngress], 'default'), db, 6379, frontendHere)).toBe(false);
    // withNamespace keeps an explicit namespace.
    expect(withNamespace([testNetworkPolicy], 'elsewhere')[0]!.metadata.namespace).toBe('default');
  });

  it('ignores objects of other kinds, so a whole synthesized manifest can be passed', () => {
    const manifest = [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }, testNetworkPolicy];
    expect(ingressAllowed(manifest, db, 6379, frontendElsewhere)).toBe(false);
    expect(ingressAllowed(manifest.slice(0, 1), db, 6379, frontendElsewhere)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a peer with ipBlock together with a selector', { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }],
    ['an empty peer', {}],
  ])('rejects %s', (_d, peer) => {
    const policies = [policy('bad', 'default', { podSelector: {}, ingress: [{ from: [peer] }] })];
    expect(() => ingressAllowed(policies, db, 80, frontendHere)).toThrow();
  });

  it('rejects an invalid selector even where evaluation would short-circuit past it', () => {
    const policies = [
      policy('bad-selector', 'default', {
        podSelector: { matchLabels: { role: 'nobody' }, matchExpressions: [{ key: 'role', operator: 'Matches', values: ['x'] }] },
      }),
    ];
    expect(() => ingressAllowed(policies, db, 80, frontendHere)).toThrow(/unknown operator/);
  });

  it('rejects a namespaceLabels that contradicts the namespace name', () => {
    const liar = pod('default', {}, { namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' } });
    const policies = [policy('p', 'default', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })];
    expect(() => ingressAllowed(policies, db, 80, liar)).toThrow(/kubernetes.io\/metadata.name/);
  });
});
