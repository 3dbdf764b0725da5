import { Chart, Testing } from 'cdk8s';
import { allExamples } from '../examples';
import { InferenceGateway, LlmStack } from '../lib';
import { namespaceSecurityLevel, podSecurityLevel, podTemplatesOf } from '../lib/constructs/stack/pod-security';
import type { K8sObject } from './support/schemas';

/**
 * Security posture over every example (the per-container checks, pinned images, probes, secrets by
 * reference and documented privileges live in examples.test.ts): network isolation, API keys at the
 * gateway, Pod Security labels that the namespace's pods pass.
 */

const charts = allExamples(Testing.app());
const synthOf = new Map<Chart, any[]>(charts.map((c) => [c, Testing.synth(c) as any[]]));

describe.each(charts.filter(LlmStack.isLlmStack).map((c) => [c.node.id, c] as const))('stack %s', (_id, stack) => {
  const objects = synthOf.get(stack)!;

  test('its namespace has a default-deny ingress policy (selects every pod, allows nothing)', () => {
    const denyAll = objects.filter(
      (o) =>
        o.kind === 'NetworkPolicy' &&
        o.metadata.namespace === stack.namespace &&
        Object.keys(o.spec.podSelector ?? {}).length === 0 &&
        o.spec.policyTypes.includes('Ingress') &&
        (o.spec.ingress ?? []).length === 0,
    );
    expect(denyAll.length).toBe(1);
  });

  test('the Namespace enforces the strictest Pod Security level its own pods pass, and they pass it', () => {
    const ns = objects.find((o) => o.kind === 'Namespace');
    const own = objects
      .filter((o) => o.metadata?.namespace === stack.namespace)
      .flatMap(podTemplatesOf)
      .map((t) => t.spec);
    const enforced = ns.metadata.labels['pod-security.kubernetes.io/enforce'];
    expect(enforced).toBe(namespaceSecurityLevel(own));
    const order = ['restricted', 'baseline', 'privileged'];
    for (const spec of own) expect(order.indexOf(podSecurityLevel(spec))).toBeLessThanOrEqual(order.indexOf(enforced));
  });
});

describe.each(charts.map((c) => [c.node.id, c] as const))('example %s', (_id, chart) => {
  const objects: K8sObject[] = synthOf.get(chart)!;

  test('no NetworkPolicy opens a port to every source (an empty or absent `from`), except a replica to its own pods', () => {
    for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy') as any[]) {
      for (const rule of policy.spec.ingress ?? []) {
        expect({ policy: policy.metadata.name, from: (rule.from ?? []).length > 0 }).toEqual({ policy: policy.metadata.name, from: true });
        const wholeInternet = (rule.from ?? []).some((peer: any) => peer.ipBlock?.cidr === '0.0.0.0/0');
        if (wholeInternet) {
          // Only a public Service the user asked for without source ranges may be open to any address.
          const external = objects.find((o: any) => o.kind === 'Service' && ['NodePort', 'LoadBalancer'].includes(o.spec?.type)) as any;
          expect({ policy: policy.metadata.name, publicServiceWithoutRanges: external !== undefined && !external.spec.loadBalancerSourceRanges }).toEqual({
            policy: policy.metadata.name,
            publicServiceWithoutRanges: true,
          });
        }
      }
    }
  });

  test('every gateway requires an API key, or was explicitly opted out', () => {
    for (const gateway of chart.node.findAll().filter((c): c is InferenceGateway => c instanceof InferenceGateway)) {
      const doors = (objects as any[]).filter((o) => o.kind === 'Deployment' && o.metadata.labels?.['llm-constructs.io/gateway'] === gateway.name);
      const keyed = doors.some((d) =>
        d.spec.template.spec.containers.some(
          (c: any) => (c.env ?? []).some((e: any) => /API_KEY|MASTER_KEY/.test(e.name) && e.valueFrom?.secretKeyRef) && (c.env ?? []).every((e: any) => !/KEY/.test(e.name) || e.valueFrom),
        ),
      );
      // Without a key only by an explicit allowUnauthenticated (warned at synth).
      expect({ gateway: gateway.name, keyed: gateway.requiresApiKey ? keyed : 'opted out' }).toEqual({ gateway: gateway.name, keyed: gateway.requiresApiKey ? true : 'opted out' });
      if (gateway.requiresApiKey) expect(doors.length).toBeGreaterThan(0);
    }
  });
});
