/** Construct errors carry the construct path as data (`error.path`): callers need not parse the message. */
import { App, Chart } from 'cdk8s';
import { GpuNodePool, LlmWorker, SizingError, ValidationError, type GpuNodePoolProps } from '../lib';

/** A fresh chart per call: each expectation builds the construct again. */
const stack = () => new Chart(new App(), 'stack');

test('a bad pool prop: a ValidationError naming the field, with the pool path', () => {
  const build = () => new GpuNodePool(stack(), 'gpus', { accelerator: 'L4', provisioner: { type: 'karpenter', clusterName: 'c', nodeRole: 'r' }, maxAccelerators: 0 });
  expect(build).toThrow(ValidationError);
  expect(build).toThrow(expect.objectContaining({ field: 'maxAccelerators', path: 'stack/gpus' }));
});

test("a sizing error inside a pool (unknown accelerator) becomes the pool's, with its path", () => {
  const build = () => new GpuNodePool(stack(), 'gpus', { accelerator: 'NOPE', provisioner: { type: 'karpenter', clusterName: 'c', nodeRole: 'r' }, maxAccelerators: 4 } as GpuNodePoolProps);
  expect(build).toThrow(ValidationError);
  expect(build).toThrow(expect.objectContaining({ path: 'stack/gpus', message: expect.stringMatching(/^GpuNodePool gpus: /) }));
});

test("a worker that does not fit: the planner's SizingError, with the worker path", () => {
  const build = () => new LlmWorker(stack(), 'big', { model: 'meta-llama/Llama-3.1-405B', accelerator: 'T4', instanceType: 'g4dn.xlarge' });
  expect(build).toThrow(SizingError);
  expect(build).toThrow(expect.objectContaining({ path: 'stack/big' }));
});

test('a bad worker prop: a ValidationError with the worker path', () => {
  const build = () => new LlmWorker(stack(), 'chat', { model: 'meta-llama/Llama-3.1-8B-Instruct', extraArgs: 'oops' as unknown as string[] });
  expect(build).toThrow(ValidationError);
  expect(build).toThrow(expect.objectContaining({ field: 'extraArgs', path: 'stack/chat' }));
});
