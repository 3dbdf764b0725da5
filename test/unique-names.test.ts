/**
 * Object names are unique across the whole app (any Chart): Kubernetes identifies an object by its
 * kind, namespace (none for cluster-scoped kinds) and name, so two with the same identity would
 * overwrite each other on apply. Synth fails and names both construct paths.
 */
import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { GpuNodePool, LlmWorker, type LlmWorkerProps } from '../lib';

const MISTRAL: LlmWorkerProps = { model: 'mistralai/Mistral-7B-Instruct-v0.3', accelerator: 'A10G' };
const KARPENTER = { type: 'karpenter' as const, clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' };

function synthError(app: App): string {
  try {
    app.synthYaml();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('synth succeeded');
}

test("issue 11: two LlmWorker(…, 'chat') under different parents of one plain Chart", () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { namespace: 'llm' });
  new LlmWorker(new Construct(chart, 'team-a'), 'chat', MISTRAL);
  new LlmWorker(new Construct(chart, 'team-b'), 'chat', MISTRAL);
  const message = synthError(app);
  expect(message).toMatch(/Deployment 'c-chat' in namespace 'llm' is emitted by both c\/team-a\/chat\/\S+ and c\/team-b\/chat\/\S+/);
  expect(message).toMatch(/Service 'c-chat' in namespace 'llm'/);
  expect(() => Testing.synth(chart)).toThrow(/c\/team-a\/chat.*c\/team-b\/chat/);
});

test('the same name in two Charts of one namespace collides; in two namespaces it does not', () => {
  const same = Testing.app();
  new LlmWorker(new Chart(same, 'one', { namespace: 'llm' }), 'w', { ...MISTRAL, name: 'chat' });
  new LlmWorker(new Chart(same, 'two', { namespace: 'llm' }), 'w', { ...MISTRAL, name: 'chat' });
  expect(synthError(same)).toMatch(/Deployment 'chat' in namespace 'llm' is emitted by both one\/w\/\S+ and two\/w\/\S+/);

  const apart = Testing.app();
  new LlmWorker(new Chart(apart, 'one', { namespace: 'team-a' }), 'w', { ...MISTRAL, name: 'chat' });
  new LlmWorker(new Chart(apart, 'two', { namespace: 'team-b' }), 'w', { ...MISTRAL, name: 'chat' });
  expect(() => apart.synthYaml()).not.toThrow();
});

test('cluster-scoped kinds collide across namespaces (Karpenter NodePool, EC2NodeClass)', () => {
  const app = Testing.app();
  new GpuNodePool(new Chart(app, 'one', { namespace: 'team-a' }), 'pool', { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: 8, name: 'gpu' });
  new GpuNodePool(new Chart(app, 'two', { namespace: 'team-b' }), 'pool', { accelerator: 'A10G', provisioner: KARPENTER, maxAccelerators: 8, name: 'gpu' });
  const message = synthError(app);
  expect(message).toMatch(/NodePool 'gpu' is emitted by both one\/pool\/\S+ and two\/pool\/\S+/);
  expect(message).toMatch(/EC2NodeClass 'gpu' is emitted by both/);
  expect(message).not.toMatch(/NodePool 'gpu' in namespace/);
});

test('distinct names synthesize', () => {
  const app = Testing.app();
  const chart = new Chart(app, 'c', { namespace: 'llm' });
  new LlmWorker(new Construct(chart, 'team-a'), 'chat', MISTRAL);
  new LlmWorker(new Construct(chart, 'team-b'), 'chat', { ...MISTRAL, name: 'chat-b' });
  expect(() => app.synthYaml()).not.toThrow();
});
