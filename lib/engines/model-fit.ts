import { ValidationError } from '../errors';
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

/** Warnings for a plan the engine will likely fail to start: a gated repo downloaded without a token. */
export function recipeWarnings(plan: ModelPlan, options: EngineOptions): string[] {
  const downloadsFromHub = !options.checkpoint && !plan.quantization.startsWith('gguf-') && plan.engine !== 'ollama';
  if (plan.model.gated && downloadsFromHub && !options.hfTokenSecret) {
    return [
      `${plan.model.id} is gated on the Hugging Face Hub: without hfTokenSecret (a Secret with the token of an account that accepted its license) the download fails with 401/403 and the pod crash-loops`,
    ];
  }
  return [];
}
