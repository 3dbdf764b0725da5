/**
 * Vision towers and projectors of the multimodal wrappers modelFromConfig reads, counted tensor by
 * tensor after the transformers modules named below. An encoder not listed here is an error that
 * asks for `totalParams` (the Hub's safetensors total), never a guess.
 */
import { encoderLayerParams } from './blocks';
import type { ConfigSection } from './read';

/** SigLIP (`siglip_vision_model`, Gemma 3): conv patch embedding, learned positions, encoder, post-LayerNorm, optional pooling head. */
function siglip(v: ConfigSection): number {
  const h = v.int('hidden_size');
  const i = v.int('intermediate_size');
  const patch = v.int('patch_size');
  const positions = (v.int('image_size') / patch) ** 2;
  const channels = v.optInt('num_channels') ?? 3;
  let params = channels * patch * patch * h + h + positions * h + v.int('num_hidden_layers') * encoderLayerParams(h, i) + 2 * h;
  if (v.bool('vision_use_head', true)) params += h + (3 * h * h + 3 * h) + (h * h + h) + 2 * h + (h * i + i + i * h + h);
  return params;
}

/** Llama 4 (`llama4_vision_model`): linear patch embedding, class token, positions, encoder, pixel-shuffle adapter MLP. */
function llama4Vision(v: ConfigSection): number {
  const h = v.int('hidden_size');
  const i = v.int('intermediate_size');
  const patch = v.int('patch_size');
  const channels = v.optInt('num_channels') ?? 3;
  const positions = (v.int('image_size') / patch) ** 2 + 1;
  const ratio = Number(v.raw('pixel_shuffle_ratio') ?? 0.5);
  const adapterIn = Math.round(h / (ratio * ratio));
  const projectorIn = v.int('projector_input_dim');
  const projectorOut = v.int('projector_output_dim');
  return (
    channels * patch * patch * h +
    h +
    positions * h +
    2 * 2 * h + // patch, class token, positions, pre/post LayerNorm
    v.int('num_hidden_layers') * encoderLayerParams(h, i) +
    adapterIn * projectorIn +
    projectorIn * projectorOut // vision_adapter.mlp fc1, fc2 (no bias)
  );
}

/** Pixtral (`pixtral`, Mistral Small 3.x): conv patches, RMSNorm, RoPE encoder with gated MLPs, no biases. */
function pixtral(v: ConfigSection): number {
  const h = v.int('hidden_size');
  const i = v.int('intermediate_size');
  const patch = v.int('patch_size');
  const channels = v.optInt('num_channels') ?? 3;
  const layer = 4 * h * h + 3 * h * i + 2 * h;
  return channels * patch * patch * h + h + v.int('num_hidden_layers') * layer;
}

const TOWERS: Readonly<Record<string, (v: ConfigSection) => number>> = {
  siglip_vision_model: siglip,
  llama4_vision_model: llama4Vision,
  pixtral: pixtral,
};

/** Projector between the vision tower and the text model, by wrapper `model_type`. */
function projector(root: ConfigSection, v: ConfigSection, textHidden: number): number {
  const h = v.int('hidden_size');
  switch (root.str('model_type')) {
    case 'gemma3': // Gemma3MultiModalProjector: mm_input_projection_weight + mm_soft_emb_norm
      return h * textHidden + h;
    case 'llama4': // Llama4MultiModalProjector.linear_1 (vision_output_dim -> text hidden, no bias)
      return v.int('vision_output_dim') * textHidden;
    case 'mistral3': {
      // Mistral3MultiModalProjector: RMSNorm, patch merger (h * s^2 -> h), linear_1, linear_2
      const merge = root.optInt('spatial_merge_size') ?? 2;
      const bias = root.bool('multimodal_projector_bias', false);
      return h + h * merge * merge * h + (h * textHidden + (bias ? textHidden : 0)) + (textHidden * textHidden + (bias ? textHidden : 0));
    }
    default:
      return root.fail('model_type', "a multimodal wrapper modelFromConfig counts ('gemma3', 'llama4', 'mistral3'), or pass options.totalParams");
  }
}

/** Parameters of the vision tower plus its projector. */
export function visionParams(root: ConfigSection, vision: ConfigSection, textHidden: number): number {
  const type = vision.str('model_type');
  const tower = type === undefined ? undefined : TOWERS[type];
  if (!tower) {
    vision.fail('model_type', `a vision encoder modelFromConfig counts (${Object.keys(TOWERS).join(', ')}), or pass options.totalParams (the Hub's safetensors total)`);
  }
  return tower(vision) + projector(root, vision, textHidden);
}
