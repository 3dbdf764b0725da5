import type { ModelArchitecture } from '../catalog/types';

/**
 * Why `model` cannot be split over `tensorParallel` ranks, or undefined when it can. vLLM's rules
 * (facts D5), which TGI and TensorRT-LLM share:
 * - attention heads % TP == 0 (vllm/config/model.py, verify_with_parallel_config);
 * - KV heads: TP >= KV heads needs TP % KV heads == 0 (each KV head replicated), otherwise
 *   KV heads % TP == 0 (QKVParallelLinear). MLA models cache one latent per layer: no KV-head rule.
 */
export function tensorParallelIncompatibility(model: ModelArchitecture, tensorParallel: number): string | undefined {
  if (model.attentionHeads % tensorParallel !== 0) {
    return `${model.id} has ${model.attentionHeads} attention heads, which ${tensorParallel} does not divide`;
  }
  if (model.mla) return undefined;
  const kv = model.kvHeads;
  if (tensorParallel >= kv ? tensorParallel % kv !== 0 : kv % tensorParallel !== 0) {
    return `${model.id} has ${kv} KV heads: tensor parallel must divide them or be a multiple of them`;
  }
  return undefined;
}

/** Tensor-parallel sizes from 1 to `max` that the model allows, ascending. */
export function validTensorParallelSizes(model: ModelArchitecture, max: number): number[] {
  const sizes: number[] = [];
  for (let tp = 1; tp <= max; tp++) {
    if (tensorParallelIncompatibility(model, tp) === undefined) sizes.push(tp);
  }
  return sizes;
}

/** KV heads one rank holds: `max(1, kvHeads / TP)`, replicated when TP > KV heads; MLA: one latent. */
export function kvHeadsPerRank(model: ModelArchitecture, tensorParallel: number): number {
  if (model.mla) return 1;
  return Math.max(1, Math.floor(model.kvHeads / tensorParallel));
}
