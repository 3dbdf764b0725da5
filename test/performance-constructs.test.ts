/**
 * `workload` on the constructs: replicas and autoscaling bounds from the SLO sizing, the queue-depth
 * target from the predicted per-replica rate, and the stack summary's predictions. Objects are
 * schema-validated (kubernetes-models).
 */
import { Chart, Testing } from 'cdk8s';
import { AutoscaledTriton, LlmStack, LlmWorker } from '../lib/constructs';
import { planModel } from '../lib/performance/plan';
import { workloadScaling } from '../lib/performance/scaling';
import { validateObject } from './support/schemas';

const LLAMA_8B = 'meta-llama/Llama-3.1-8B-Instruct';
const WORKLOAD = { inputTokens: 2000, outputTokens: 300, requestsPerSecond: 20, slo: { ttftMs: 1000, tpotMs: 33 } };
type Obj = { kind: string; apiVersion: string; metadata?: { name?: string }; spec?: any };

function synth(build: (stack: LlmStack) => void): { stack: LlmStack; objects: Obj[] } {
  const app = Testing.app();
  const stack = new LlmStack(app, 'llm', { namespace: 'llm' });
  build(stack);
  return { stack, objects: Testing.synth(stack) as Obj[] };
}

describe('LlmWorker with a workload', () => {
  it('runs the replicas that meet the SLO, on the hardware the search chose', () => {
    const expected = planModel({ model: LLAMA_8B, instanceType: 'p5.4xlarge', workload: WORKLOAD });
    let worker!: LlmWorker;
    const { objects } = synth((stack) => {
      worker = new LlmWorker(stack, 'llama', { model: LLAMA_8B, instanceType: 'p5.4xlarge', workload: WORKLOAD, internal: true });
    });
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    expect(worker.plan.replicas).toBe(expected.replicas);
    expect(deployment.spec.replicas).toBe(expected.replicas);
    expect(worker.maxReplicas).toBe(expected.replicas);
    for (const o of objects.filter((o) => ['Deployment', 'Service', 'PodDisruptionBudget'].includes(o.kind))) expect(() => validateObject(o as never)).not.toThrow();
  });

  it('an explicit replicas count wins over the workload', () => {
    const { objects } = synth((stack) => {
      new LlmWorker(stack, 'llama', { model: LLAMA_8B, instanceType: 'p5.4xlarge', workload: WORKLOAD, replicas: 7, internal: true });
    });
    expect(objects.find((o) => o.kind === 'Deployment')!.spec.replicas).toBe(7);
  });

  it('autoscales from 1 to the SLO replicas, holding the queue depth one replica drains within the TTFT target', () => {
    let worker!: LlmWorker;
    const { objects } = synth((stack) => {
      worker = new LlmWorker(stack, 'llama', { model: LLAMA_8B, instanceType: 'p5.4xlarge', workload: WORKLOAD, autoscaling: {}, internal: true });
    });
    const scaling = workloadScaling(worker.plan, WORKLOAD)!;
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler')!;
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.maxReplicas).toBe(worker.plan.replicas);
    // rate x (TTFT target - predicted TTFT): the requests that can wait and still start in time.
    const p = worker.plan.performance!;
    expect(scaling.queueDepthTarget).toBe(Math.max(1, Math.floor((p.requestsPerSecond * (1000 - p.ttftMs)) / 1000)));
    expect(JSON.stringify(hpa.spec.metrics)).toContain(`"averageValue":"${scaling.queueDepthTarget}"`);
    expect(() => validateObject(hpa as never)).not.toThrow();
  });

  it('the stack summary adds predicted TTFT, TPOT and $/1M tokens per model', () => {
    const { stack } = synth((s) => {
      new LlmWorker(s, 'llama', { model: LLAMA_8B, instanceType: 'p5.4xlarge', workload: WORKLOAD, internal: true });
      new LlmWorker(s, 'plain', { model: LLAMA_8B, accelerator: 'L4', internal: true, servedModelName: 'plain' });
    });
    const [llama, plain] = stack.summary().models;
    expect(llama.performance!.ttftMs).toBeLessThanOrEqual(1000);
    expect(llama.performance!.tpotMs).toBeLessThanOrEqual(33);
    expect(llama.performance!.costPerMillionTokensUsd).toBeGreaterThan(0);
    expect(plain.performance).toBeUndefined();
    expect(stack.formatSummary()).toMatch(/predicted per replica[\s\S]*llama-3\.1-8b-instruct\s+\d+ ms\s+[\d.]+ ms\s+\$[\d.]+/);
  });
});

describe('AutoscaledTriton with a workload', () => {
  it('takes maxReplicas from the SLO sizing (TensorRT-LLM factors of the calibration)', () => {
    const chart = new Chart(Testing.app(), 'c');
    const triton = new AutoscaledTriton(chart, 'triton', {
      model: LLAMA_8B,
      instanceType: 'p5.4xlarge',
      workload: { inputTokens: 1000, outputTokens: 200, requestsPerSecond: 10, slo: { tpotMs: 40 } },
    });
    const objects = Testing.synth(chart) as Obj[];
    expect(triton.plan.replicas).toBeGreaterThanOrEqual(1);
    expect(triton.worker.maxReplicas).toBe(triton.plan.replicas);
    expect(triton.worker.minReplicas).toBe(1);
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler')!;
    expect(hpa.spec.maxReplicas).toBe(triton.plan.replicas);
  });
});
