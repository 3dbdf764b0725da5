/**
 * A model on an engine that cannot serve it, and a gated model without a token: clear errors and
 * warnings at synth instead of pods that crash-loop (issue 13).
 */
import { Chart, Testing } from 'cdk8s';
import { lookupModel } from '../lib/catalog/models';
import { LlmWorker, type LlmWorkerProps } from '../lib/constructs';
import { ValidationError } from '../lib/errors';
import { BGE_BASE_EN_V15 } from '../examples/workers';

function synthWarnings(props: LlmWorkerProps): string[] {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'llm' });
    new LlmWorker(chart, 'w', props);
    Testing.synth(chart);
    return warn.mock.calls.map((c) => String(c[0]));
  } finally {
    warn.mockRestore();
  }
}

function constructionError(props: LlmWorkerProps): unknown {
  try {
    new LlmWorker(new Chart(Testing.app(), 'c'), 'w', props);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the model must suit the engine', () => {
  test('a chat model on tei is a ValidationError naming engine, suggesting a chat engine', () => {
    const error = constructionError({ model: 'Qwen/Qwen2.5-7B-Instruct', engine: 'tei', accelerator: 'L4' });
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'engine', code: 'chat-model-on-embedding-engine' });
    expect((error as ValidationError).suggestions.join(' ')).toMatch(/vllm|tgi/);
  });

  test.each(['tgi', 'llama-cpp', 'ollama'] as const)('an embedding model on %s is a ValidationError suggesting tei', (engine) => {
    const error = constructionError({ model: BGE_BASE_EN_V15, engine, accelerator: 'L4', ggufFile: 'x.gguf', ollamaModel: 'bge' });
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'engine' });
    expect((error as ValidationError).suggestions.join(' ')).toMatch(/tei/);
  });

  test('an embedding model on tei or vllm (pooling runner) is fine', () => {
    expect(constructionError({ model: BGE_BASE_EN_V15, engine: 'tei', accelerator: 'L4' })).toBeUndefined();
    expect(constructionError({ model: BGE_BASE_EN_V15, engine: 'vllm', accelerator: 'L4' })).toBeUndefined();
  });
});

describe('gated models', () => {
  test('the catalog marks the gated repos (Llama, Gemma, Mistral) and not the open ones', () => {
    for (const id of ['meta-llama/Llama-3.1-8B-Instruct', 'meta-llama/Llama-3.3-70B-Instruct', 'google/gemma-2-9b-it', 'mistralai/Mistral-7B-Instruct-v0.3', 'mistralai/Codestral-22B-v0.1']) {
      expect({ id, gated: lookupModel(id).gated }).toEqual({ id, gated: true });
    }
    for (const id of ['Qwen/Qwen2.5-7B-Instruct', 'openai-community/gpt2', 'microsoft/Phi-3-mini-4k-instruct']) {
      expect({ id, gated: lookupModel(id).gated ?? false }).toEqual({ id, gated: false });
    }
  });

  test('a gated model without hfTokenSecret warns at synth; with it, or for an open model, no warning', () => {
    const gated = synthWarnings({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4' });
    expect(gated.some((w) => /gated/.test(w) && /hfTokenSecret/.test(w))).toBe(true);
    expect(synthWarnings({ model: 'meta-llama/Llama-3.1-8B-Instruct', accelerator: 'L4', hfTokenSecret: { name: 'hf', key: 'token' } }).filter((w) => /gated/.test(w))).toEqual([]);
    expect(synthWarnings({ model: 'Qwen/Qwen2.5-7B-Instruct', accelerator: 'L4' }).filter((w) => /gated/.test(w))).toEqual([]);
  });
});

describe('Neuron export host memory (issue 13 defect 12)', () => {
  test('Mistral-7B on inf2.xlarge (16 GiB host memory < 14.5 GB of bf16 weights + runtime) warns; on inf2.8xlarge it does not', () => {
    const small = synthWarnings({ model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi-neuron', instanceType: 'inf2.xlarge', hfTokenSecret: { name: 'hf', key: 'token' } });
    expect(small.some((w) => /host memory/.test(w) && /inf2\.xlarge/.test(w))).toBe(true);
    const large = synthWarnings({ model: 'mistralai/Mistral-7B-Instruct-v0.3', engine: 'tgi-neuron', instanceType: 'inf2.8xlarge', hfTokenSecret: { name: 'hf', key: 'token' } });
    expect(large.filter((w) => /host memory/.test(w))).toEqual([]);
  });
});
