/** Construct errors carry the construct path as data (`error.path`): callers need not parse the message. */
import { App, Chart } from 'cdk8s';
import { GpuNodePool, LlmWorker, SizingError, ValidationError, type GpuNodePoolProps } from '../lib';

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

test('a bad pool prop: a ValidationError naming the field, with the pool path', () => {
  const chart = new Chart(new App(), 'stack');
  const error = errorOf(() => new GpuNodePool(chart, 'gpus', { accelerator: 'L4', karpenter: { clusterName: 'c', nodeRole: 'r' }, maxAccelerators: 0 }));
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe('maxAccelerators');
  expect((error as ValidationError).path).toBe('stack/gpus');
});

test('a sizing error inside a pool (unknown accelerator) becomes the pool\'s, with its path', () => {
  const chart = new Chart(new App(), 'stack');
  const error = errorOf(() => new GpuNodePool(chart, 'gpus', { accelerator: 'NOPE', karpenter: { clusterName: 'c', nodeRole: 'r' }, maxAccelerators: 4 } as GpuNodePoolProps));
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).path).toBe('stack/gpus');
  expect((error as ValidationError).message.startsWith('GpuNodePool gpus: ')).toBe(true);
});

test('a worker that does not fit: the planner\'s SizingError, with the worker path', () => {
  const chart = new Chart(new App(), 'stack');
  const error = errorOf(() => new LlmWorker(chart, 'big', { model: 'meta-llama/Llama-3.1-405B', accelerator: 'T4', instanceType: 'g4dn.xlarge' }));
  expect(error).toBeInstanceOf(SizingError);
  expect((error as SizingError).path).toBe('stack/big');
});

test('a bad worker prop: a ValidationError with the worker path', () => {
  const chart = new Chart(new App(), 'stack');
  const error = errorOf(() => new LlmWorker(chart, 'chat', { model: 'meta-llama/Llama-3.1-8B-Instruct', extraArgs: 'oops' as unknown as string[] }));
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe('extraArgs');
  expect((error as ValidationError).path).toBe('stack/chat');
});
