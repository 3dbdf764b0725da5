/**
 * Every example chart of examples/workers.ts, synthesized in memory: valid against upstream schemas,
 * pinned, sized and locked down the way a reviewer would demand of a manifest going to production.
 */
import { Chart, Testing } from 'cdk8s';
import { GB } from '../lib/catalog/units';
import { LlmWorker } from '../lib';
import { allExamples } from '../examples';
import { PRIVILEGES_ANNOTATION } from '../lib/constructs/privileges';
import { validateObject, validateWithEsmModels, validatorFor, type K8sObject } from './support/schemas';

type Obj = K8sObject & { spec?: any };

interface Pod {
  /** `Deployment/<name>`, `LeaderWorkerSet/<name> leader` or `... worker`. */
  readonly where: string;
  readonly owner: Obj;
  readonly role: 'deployment' | 'leader' | 'worker' | 'agent';
  readonly template: { metadata?: { labels?: Record<string, string> }; spec: any };
}

function podsOf(objects: Obj[]): Pod[] {
  return objects.flatMap((o): Pod[] => {
    const where = `${o.kind}/${o.metadata?.name}`;
    if (o.kind === 'Deployment') return [{ where, owner: o, role: 'deployment', template: o.spec.template }];
    if (o.kind === 'DaemonSet') return [{ where, owner: o, role: 'agent', template: o.spec.template }];
    if (o.kind === 'LeaderWorkerSet') {
      const t = o.spec.leaderWorkerTemplate;
      return [
        { where: `${where} leader`, owner: o, role: 'leader', template: t.leaderTemplate },
        { where: `${where} worker`, owner: o, role: 'worker', template: t.workerTemplate ?? t.leaderTemplate },
      ];
    }
    return [];
  });
}

function containersOf(pod: Pod): any[] {
  return [...(pod.template.spec.initContainers ?? []), ...pod.template.spec.containers];
}

/** The LlmWorker that emitted `owner` (same object name). */
function workerOf(chart: Chart, owner: Obj): LlmWorker {
  const workers = chart.node.findAll().filter((c): c is LlmWorker => c instanceof LlmWorker);
  const found = workers.find((w) => w.serviceName === owner.metadata?.name);
  if (!found) throw new Error(`no LlmWorker in ${chart.node.id} emitted ${owner.kind}/${owner.metadata?.name}`);
  return found;
}

/**
 * An image pinned to a tag or a digest: `repo:tag`, `repo@sha256:...` or `repo:tag@sha256:...`; never
 * untagged (= latest) and never `:latest`. A `:` before the last `/` is a registry port, not a tag.
 */
function isPinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return false;
  const tag = image.slice(colon + 1);
  return /^[\w][\w.-]{0,127}$/.test(tag) && tag !== 'latest';
}

function hasAll(resources: Record<string, unknown> | undefined, names: string[]): boolean {
  return names.every((n) => resources?.[n] !== undefined && resources?.[n] !== null);
}

/** Secret-like env names (HF_TOKEN, *_API_KEY...), not token counts such as MAX_TOTAL_TOKENS. */
const SECRET_NAME = /(^|_)(token|key|secret|password)(_|$)/i;

const app = Testing.app();
const charts = allExamples(app);
const cases = charts.map((chart) => [chart.node.id, chart] as const);

it('the examples cover every chart they return, each with at least one LlmWorker', () => {
  expect(charts.length).toBeGreaterThan(0);
  expect(new Set(charts.map((c) => c.node.id)).size).toBe(charts.length);
  for (const chart of charts) {
    expect(chart.node.findAll().filter((c) => c instanceof LlmWorker).length).toBeGreaterThan(0);
  }
});

it('the Karpenter objects of every example (NodePool, EC2NodeClass) validate against the Karpenter v1.14.1 CRD schemas', () => {
  const objects = charts.flatMap((chart) => Testing.synth(chart) as Obj[]);
  expect(objects.filter((o) => o.kind === 'NodePool').length).toBeGreaterThan(0);
  expect(objects.filter((o) => o.kind === 'EC2NodeClass').length).toBeGreaterThan(0);
  expect(validateWithEsmModels(objects)).toEqual([]);
});

describe.each(cases)('example %s', (_id, chart) => {
  const objects = Testing.synth(chart) as Obj[];
  const pods = podsOf(objects);

  it('emits at least one workload', () => {
    expect(pods.length).toBeGreaterThan(0);
  });

  it('every object validates against its upstream schema', () => {
    for (const o of objects) expect(() => validateObject(o)).not.toThrow();
  });

  it('no (apiVersion, kind) is emitted without a validator', () => {
    const unchecked = objects.filter((o) => validatorFor(o.apiVersion, o.kind) === undefined).map((o) => `${o.apiVersion} ${o.kind}`);
    expect(unchecked).toEqual([]);
  });

  // CHANGE DETECTOR ONLY: the snapshot proves nothing about correctness (the other tests do). It makes
  // every change of the synthesized YAML visible in review; update it with `jest -u` once the diff is
  // understood and intended.
  it('matches the snapshot (change detector only)', () => {
    expect(objects).toMatchSnapshot();
  });

  it('every container has cpu+memory requests and limits, a pinned image and an imagePullPolicy', () => {
    for (const pod of pods) {
      for (const c of containersOf(pod)) {
        const where = `${pod.where} container ${c.name}`;
        expect({ where, ok: hasAll(c.resources?.requests, ['cpu', 'memory']) }).toEqual({ where, ok: true });
        expect({ where, ok: hasAll(c.resources?.limits, ['cpu', 'memory']) }).toEqual({ where, ok: true });
        expect({ where, image: c.image, pinned: isPinned(String(c.image)) }).toEqual({ where, image: c.image, pinned: true });
        expect({ where, policy: ['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy) }).toEqual({ where, policy: true });
      }
    }
  });

  it('model servers have startup and readiness probes; the startup budget loads the weights at >= 1 GB/s', () => {
    // Model servers are the LlmWorker pods (gateways and node agents are checked below).
    const servers = pods.filter((p) => p.role !== 'worker' && p.template.metadata?.labels?.['app.kubernetes.io/name'] === 'llm-worker');
    expect(servers.length).toBeGreaterThan(0);
    for (const pod of servers) {
      const server = pod.template.spec.containers.find((c: any) => c.name === 'server');
      expect(server).toBeDefined();
      expect(server.startupProbe).toBeDefined();
      expect(server.readinessProbe).toBeDefined();
      const plan = workerOf(chart, pod.owner).plan;
      const budgetSeconds = server.startupProbe.periodSeconds * server.startupProbe.failureThreshold;
      // No disk or network delivers weights faster than 1 GB/s to a pod: a smaller budget kills every
      // cold start. The library's own estimate is larger still; this is the floor it may never go under.
      const floorSeconds = plan.memory.totalWeightsBytes / GB;
      expect({ where: pod.where, budgetSeconds, ok: budgetSeconds >= floorSeconds }).toEqual({ where: pod.where, budgetSeconds, ok: true });
    }
  });

  it('every long-running Deployment container (gateways included) has a readiness probe', () => {
    for (const pod of pods.filter((p) => p.role === 'deployment')) {
      for (const c of pod.template.spec.containers) {
        expect({ where: `${pod.where} ${c.name}`, readiness: c.readinessProbe !== undefined }).toEqual({ where: `${pod.where} ${c.name}`, readiness: true });
      }
    }
  });

  it('secrets by reference only: no literal secret-like env value, no token in args', () => {
    for (const pod of pods) {
      for (const c of containersOf(pod)) {
        for (const e of c.env ?? []) {
          if (SECRET_NAME.test(e.name)) {
            expect({ where: `${pod.where} ${c.name} env ${e.name}`, literal: e.value }).toEqual({ where: `${pod.where} ${c.name} env ${e.name}`, literal: undefined });
            expect(e.valueFrom).toBeDefined();
          }
        }
        for (const a of c.args ?? []) expect(String(a)).not.toContain('hf_');
      }
    }
  });

  it('pod security: no service-account token, RuntimeDefault seccomp, no escalation, all capabilities dropped', () => {
    for (const pod of pods) {
      const spec = pod.template.spec;
      // An API token is an exception too (the Neuron device plugin updates node status): documented.
      const reason: string = (pod.template.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[PRIVILEGES_ANNOTATION] ?? '';
      const automount = spec.automountServiceAccountToken === true && /token/.test(reason) ? 'documented' : spec.automountServiceAccountToken;
      expect({ where: pod.where, automount }).toEqual({ where: pod.where, automount: spec.automountServiceAccountToken === true ? 'documented' : false });
      for (const c of containersOf(pod)) {
        const where = `${pod.where} container ${c.name}`;
        const seccomp = c.securityContext?.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type;
        expect({ where, seccomp }).toEqual({ where, seccomp: 'RuntimeDefault' });
        expect({ where, allowPrivilegeEscalation: c.securityContext?.allowPrivilegeEscalation }).toEqual({ where, allowPrivilegeEscalation: false });
        expect({ where, drop: c.securityContext?.capabilities?.drop ?? [] }).toEqual({ where, drop: expect.arrayContaining(['ALL']) });
        expect(c.securityContext?.privileged).not.toBe(true);
        // An added capability is an exception: the pod must say which and why (PRIVILEGES_ANNOTATION).
        if ((c.securityContext?.capabilities?.add ?? []).length > 0) {
          const reason = (pod.template.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[PRIVILEGES_ANNOTATION] ?? '';
          for (const cap of c.securityContext.capabilities.add) expect({ where, cap, documented: reason.includes(cap) }).toEqual({ where, cap, documented: true });
        }
      }
    }
  });

  it('runs as non-root, or the engine documents why it needs root', () => {
    for (const pod of pods) {
      const spec = pod.template.spec;
      for (const c of containersOf(pod)) {
        const where = `${pod.where} container ${c.name}`;
        const nonRoot = c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
        const uid = c.securityContext?.runAsUser ?? spec.securityContext?.runAsUser;
        if (nonRoot === true) {
          // runAsNonRoot with UID 0 is refused by the kubelet.
          expect({ where, uid }).not.toEqual({ where, uid: 0 });
        } else {
          // Root is an exception: the pod says why (engines: their recipe's rootReason; node agents: their privileges).
          const reason: string = (pod.template.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[PRIVILEGES_ANNOTATION] ?? '';
          expect({ where, rootDocumented: /root/.test(reason) }).toEqual({ where, rootDocumented: true });
        }
      }
    }
  });
});
