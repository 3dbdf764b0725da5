import { App, Chart } from 'cdk8s';
import { LlmWorker, type ModelArchitecture } from '../lib';

/** BAAI/bge-base-en-v1.5, a BERT-base embedding model (https://huggingface.co/BAAI/bge-base-en-v1.5/blob/main/config.json). */
export const BGE_BASE_EN_V15: ModelArchitecture = {
  id: 'BAAI/bge-base-en-v1.5',
  totalParams: 109_482_240, // BERT-base with pooler (safetensors: 109M)
  layers: 12,
  hiddenSize: 768,
  intermediateSize: 3072,
  attentionHeads: 12,
  kvHeads: 12,
  headDim: 64,
  vocabSize: 30522,
  maxContextLength: 512,
  dtype: 'float32',
  tiedEmbeddings: true,
  embedding: true,
  sources: ['https://huggingface.co/BAAI/bge-base-en-v1.5/blob/main/config.json'],
};

const hfToken = { name: 'hf-token', key: 'token' };

/** One chart per model server, each written to dist/<chart>.k8s.yaml by `npm run synth`. */
export function workerExamples(app: App): Chart[] {
  const chart = (id: string) => new Chart(app, id, { namespace: 'llm' });

  const vllm = chart('vllm-mistral-a10g');
  new LlmWorker(vllm, 'mistral', {
    model: 'mistralai/Mistral-7B-Instruct-v0.3',
    engine: 'vllm',
    accelerator: 'A10G',
    maxContextLength: 8192,
    concurrency: 16,
    quantization: 'awq',
    checkpoint: 'solidrust/Mistral-7B-Instruct-v0.3-AWQ', // an AWQ export of the model (4-bit, group 128)
    replicas: 2,
    hfTokenSecret: hfToken,
    modelCache: { type: 'pvc', storageClassName: 'efs-sc', accessMode: 'ReadWriteMany' }, // shared by both replicas
  });

  const tgi = chart('tgi-mistral-t4');
  new LlmWorker(tgi, 'mistral', {
    model: 'mistralai/Mistral-7B-Instruct-v0.3',
    engine: 'tgi',
    quantization: 'eetq',
    instanceType: 'g4dn.xlarge',
    maxContextLength: 4096,
    concurrency: 4,
    hfTokenSecret: hfToken,
  });

  const neuron = chart('tgi-neuron-mistral-inf2');
  new LlmWorker(neuron, 'mistral', {
    model: 'mistralai/Mistral-7B-Instruct-v0.3',
    engine: 'tgi-neuron',
    instanceType: 'inf2.xlarge',
    maxContextLength: 4096,
    concurrency: 4,
    hfTokenSecret: hfToken,
  });

  const llama70b = chart('vllm-llama70b-a100');
  new LlmWorker(llama70b, 'llama-70b', {
    model: 'meta-llama/Llama-3.1-70B-Instruct',
    accelerator: 'A100-80GB',
    maxContextLength: 8192,
    concurrency: 32,
    hfTokenSecret: hfToken,
    modelCache: { type: 'pvc', storageClassName: 'gp3' },
    prefetch: { timeoutSeconds: 3600, retries: 3 }, // 141 GB: download before the server starts
  });

  const llamaCpp = chart('llama-cpp-llama8b');
  new LlmWorker(llamaCpp, 'llama-8b', {
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    engine: 'llama-cpp',
    quantization: 'gguf-q4_k_m',
    ggufRepo: 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF',
    ggufFile: 'Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf',
    accelerator: 'L4',
    concurrency: 4,
  });

  const ollama = chart('ollama-llama8b');
  new LlmWorker(ollama, 'llama-8b', {
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    engine: 'ollama',
    ollamaModel: 'llama3.1:8b', // Ollama library tag (Q4_K_M)
    servedModelName: 'llama-3.1-8b-instruct',
    accelerator: 'T4',
    concurrency: 2,
    modelCache: { type: 'pvc' },
  });

  const tei = chart('tei-bge-embeddings');
  new LlmWorker(tei, 'bge', {
    model: BGE_BASE_EN_V15,
    engine: 'tei',
    accelerator: 'L4',
    replicas: 2,
  });

  const multiNode = chart('vllm-llama405b-p5');
  new LlmWorker(multiNode, 'llama-405b', {
    model: 'meta-llama/Llama-3.1-405B-Instruct',
    instanceType: 'p5.48xlarge',
    maxContextLength: 16384,
    concurrency: 8,
    hfTokenSecret: hfToken,
    modelCache: { type: 'emptyDir' }, // node-local NVMe (30 TB on p5.48xlarge)
  });

  return [vllm, tgi, neuron, llama70b, llamaCpp, ollama, tei, multiNode];
}
