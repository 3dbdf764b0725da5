import { GiB } from '../catalog/units';
import { ValidationError } from '../errors';
import { checkpointBytes } from '../sizing/quantization';
import type { ModelPlan } from '../sizing/types';
import type { EngineOptions } from './types';

/**
 * Whether the model suits the engine, checked before any manifest exists:
 * - TEI serves embedding (and reranking) models only; a chat model on it fails at load.
 * - An embedding model on a chat engine has nothing to generate. vLLM serves embedding models through its
 *   pooling runner (auto-selected from the architecture, vLLM docs/models/pooling_models.md), the other
 *   chat engines do not.
 */
export function assertModelFitsEngine(plan: ModelPlan): void {
  const embedding = plan.model.embedding === true;
  if (plan.engine === 'tei' && !embedding) {
    throw new ValidationError('chat-model-on-embedding-engine', `${plan.model.id} is a text-generation model; TEI (engine 'tei') serves embedding models only`, {
      field: 'engine',
      suggestions: ["engine: 'vllm' or 'tgi' to serve it for chat", 'model: an embedding model (a ModelArchitecture with embedding: true, e.g. BAAI/bge-base-en-v1.5)'],
    });
  }
  if (embedding && plan.engine !== 'tei' && plan.engine !== 'vllm') {
    throw new ValidationError('embedding-model-on-chat-engine', `${plan.model.id} is an embedding model; ${plan.engine} generates text and has no embeddings endpoint for it`, {
      field: 'engine',
      suggestions: ["engine: 'tei' (Text Embeddings Inference)", "engine: 'vllm' (pooling runner)"],
    });
  }
}

/** Host memory a Neuron export needs besides the 16-bit weights it loads on the CPU (Python, neuronx-cc). */
const NEURON_EXPORT_RUNTIME_BYTES = 4 * GiB;
/** Share of an instance's memory left to pods (kubelet and system reserves), as the host-resources sizing assumes. */
const ALLOCATABLE_SHARE = 0.85;

/** Warnings for a plan the engine will likely fail to start although its manifest is valid. */
export function recipeWarnings(plan: ModelPlan, options: EngineOptions): string[] {
  const warnings: string[] = [];
  const downloadsFromHub = !options.checkpoint && !plan.quantization.startsWith('gguf-') && plan.engine !== 'ollama';
  if (plan.model.gated && downloadsFromHub && !options.hfTokenSecret) {
    warnings.push(
      `${plan.model.id} is gated on the Hugging Face Hub: without hfTokenSecret (a Secret with the token of an account that accepted its license) the download fails with 401/403 and the pod crash-loops`,
    );
  }
  // TGI-neuron exports (compiles) a model the Neuron cache has no entry for, with the 16-bit weights in
  // host memory (backends/neuron/server/text_generation_server/model.py @ v3.3.6 fetch_model -> export).
  const instance = plan.instanceType;
  if (plan.engine === 'tgi-neuron' && instance) {
    const needed = checkpointBytes(plan.model, 'none') + NEURON_EXPORT_RUNTIME_BYTES;
    const available = instance.memoryMiB * 1024 * 1024 * ALLOCATABLE_SHARE;
    if (needed > available) {
      warnings.push(
        `exporting ${plan.model.id} for Neuron needs ~${Math.ceil(needed / GiB)} GiB of host memory and ${instance.name} leaves pods ~${Math.floor(available / GiB)} GiB: ` +
          'unless the Neuron cache has a compiled config for this shape (batch, sequence length, cores, dtype), the export is OOM-killed; ' +
          'export on a larger instance (inf2.8xlarge) and serve the exported checkpoint, or pick a larger instance type',
      );
    }
  }
  return warnings;
}
