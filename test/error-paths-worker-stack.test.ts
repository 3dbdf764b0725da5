/** Errors of worker steps outside the planner (name, autoscaling, cache) and of the stack carry the construct path as data. */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { LlmStack, LlmWorker, ValidationError } from '../lib';

const chart = () => new Chart(new App(), 'stack');

test('an invalid object name: the prop named, the worker path, a valid suggestion', () => {
  const build = () => new LlmWorker(chart(), 'chat', { model: 'meta-llama/Llama-3.1-8B-Instruct', name: 'Chat_Server' });
  expect(build).toThrow(ValidationError);
  expect(build).toThrow(expect.objectContaining({ code: 'invalid-name', field: 'name', path: 'stack/chat', suggestions: ["name: 'chat-server'"] }));
});

test('an id that is no DNS label names `id`, since the name was derived from it', () => {
  const build = () => new LlmWorker(chart(), 'Chat', { model: 'meta-llama/Llama-3.1-8B-Instruct' });
  expect(build).toThrow(expect.objectContaining({ code: 'invalid-name', field: 'id', path: 'stack/Chat' }));
});

test('bad autoscaling bounds: the nested field and the worker path', () => {
  const build = () => new LlmWorker(chart(), 'chat', { model: 'meta-llama/Llama-3.1-8B-Instruct', autoscaling: { minReplicas: 3, maxReplicas: 2 } });
  expect(build).toThrow(expect.objectContaining({ code: 'invalid-autoscaling', field: 'autoscaling.minReplicas', path: 'stack/chat', message: expect.stringMatching(/^LlmWorker chat: /) }));
});

test('a cache smaller than the download: the worker path', () => {
  const build = () => new LlmWorker(chart(), 'chat', { model: 'meta-llama/Llama-3.1-8B-Instruct', modelCache: { type: 'emptyDir', sizeGiB: 1 } });
  expect(build).toThrow(expect.objectContaining({ code: 'cache-too-small', path: 'stack/chat' }));
});

test('a FastChat worker registered with two controllers: the worker path', () => {
  const worker = new LlmWorker(chart(), 'chat', {
    model: 'mistralai/Mistral-7B-Instruct-v0.3',
    engine: 'fastchat-vllm',
    image: 'registry.example/fastchat-vllm:0.2.36',
    accelerator: 'A10G',
    controllerUrl: 'http://a:21001',
  });
  expect(() => worker.attachGateway({ name: 'gw', fastChatControllerUrl: 'http://b:21001' })).toThrow(expect.objectContaining({ code: 'controller-conflict', path: 'stack/chat' }));
});

describe('a stack checks its props before it exists: errors carry the path it would have', () => {
  test.each([
    ['namespace', { namespace: 'LLM' }, 'invalid-name'],
    ['labels.team', { namespace: 'llm', labels: { team: 'ML Platform' } }, 'invalid-label'],
    ['labels.kubernetes.io/x', { namespace: 'llm', labels: { 'kubernetes.io/x': 'y' } }, 'reserved-label'],
    ['images.registry', { namespace: 'llm', images: { registry: 'https://mirror/' } }, 'invalid-images'],
  ])('%s', (field, props, code) => {
    const build = () => new LlmStack(new App(), 'prod', props as never);
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(expect.objectContaining({ code, field, path: 'prod', message: expect.stringMatching(/^LlmStack prod: /) }));
  });

  test('nested under a construct, the path includes its parent', () => {
    const team = new Construct(new App(), 'team');
    expect(() => new LlmStack(team, 'prod', { namespace: 'Bad' })).toThrow(expect.objectContaining({ path: 'team/prod' }));
  });
});
