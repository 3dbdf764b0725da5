/**
 * Figures copied from test/fixtures/catalog-facts/catalog-facts.md for the tests to check the code against (not derived
 * from the code). One table per fact, shared by every test that needs it.
 */

// Facts C, "KV bytes/token (bf16)" column: whole model, before TP sharding (per text token for the
// Vision models; MLA latent for DeepSeek-V3).
export const KV_BYTES_PER_TOKEN_FACTS: Readonly<Record<string, number>> = {
  'mistralai/Mistral-7B-v0.3': 131_072,
  'mistralai/Mixtral-8x7B-v0.1': 131_072,
  'mistralai/Mixtral-8x22B-v0.1': 229_376,
  'mistralai/Codestral-22B-v0.1': 229_376,
  'meta-llama/Llama-3.1-8B': 131_072,
  'meta-llama/Llama-3.1-70B': 327_680,
  'meta-llama/Llama-3.1-405B': 516_096,
  'meta-llama/Llama-3.2-1B': 32_768,
  'meta-llama/Llama-3.2-3B': 114_688,
  'meta-llama/Llama-3.2-11B-Vision': 131_072,
  'meta-llama/Llama-3.2-90B-Vision': 327_680,
  'meta-llama/Llama-3.3-70B-Instruct': 327_680,
  'Qwen/Qwen2.5-7B': 57_344,
  'Qwen/Qwen2.5-32B': 262_144,
  'Qwen/Qwen2.5-72B': 327_680,
  'google/gemma-2-9b': 344_064,
  'google/gemma-2-27b': 376_832,
  'microsoft/Phi-3-mini-4k-instruct': 393_216,
  'openai-community/gpt2': 36_864,
  'deepseek-ai/DeepSeek-V3': 70_272,
};
