/**
 * Encoder-only embedding and rerank models served by TEI (BERT, XLM-RoBERTa, NomicBERT): no KV cache,
 * no generation. Counts follow transformers `BertModel` / `XLMRobertaModel` (+ pooler or
 * classification head) and nomic-ai `NomicBertModel` (fused qkv, SwiGLU, rotary positions).
 */
import { encoderLayerParams } from './blocks';
import type { ConfigSection } from './read';

export interface EncoderLayout {
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly vocab: number;
  readonly intermediate: number;
  readonly maxContext: number;
  readonly params: number;
}

/** `architectures[0]` -> the head the checkpoint stores on top of the encoder. */
export const ENCODER_ARCHITECTURES = [
  'BertModel',
  'BertForMaskedLM',
  'BertForSequenceClassification',
  'XLMRobertaModel',
  'XLMRobertaForMaskedLM',
  'XLMRobertaForSequenceClassification',
  'NomicBertModel',
] as const;

function labels(root: ConfigSection): number {
  const id2label = root.raw('id2label');
  return id2label && typeof id2label === 'object' ? Object.keys(id2label).length : 2;
}

export function readEncoder(root: ConfigSection, architecture: string): EncoderLayout {
  if (architecture === 'NomicBertModel') {
    const h = root.int('n_embd');
    const i = root.int('n_inner');
    const qkvBias = root.bool('qkv_proj_bias', true);
    const fc1Bias = root.bool('mlp_fc1_bias', true);
    const fc2Bias = root.bool('mlp_fc2_bias', true);
    const layer = 3 * h * h + h * h + (qkvBias ? 4 * h : 0) + 2 * h * i + (fc1Bias ? 2 * i : 0) + i * h + (fc2Bias ? h : 0) + 2 * 2 * h;
    const vocab = root.int('vocab_size');
    const params = vocab * h + (root.optInt('type_vocab_size') ?? 0) * h + 2 * h + root.int('n_layer') * layer;
    return { hidden: h, layers: root.int('n_layer'), heads: root.int('n_head'), vocab, intermediate: i, maxContext: root.int('n_positions'), params };
  }
  const h = root.int('hidden_size');
  const i = root.int('intermediate_size');
  const vocab = root.int('vocab_size');
  const positions = root.int('max_position_embeddings');
  const embeddings = (vocab + positions + (root.optInt('type_vocab_size') ?? 2)) * h + 2 * h;
  let head = 0;
  if (architecture.endsWith('Model'))
    head = h * h + h; // pooler
  else if (architecture === 'BertForSequenceClassification') head = h * h + h + h * labels(root) + labels(root);
  else if (architecture === 'XLMRobertaForSequenceClassification')
    head = h * h + h + h * labels(root) + labels(root); // classifier.dense + out_proj
  else head = h * h + h + 2 * h + vocab; // MLM head: transform dense + LayerNorm + decoder bias (decoder tied)
  const layers = root.int('num_hidden_layers');
  // XLM-RoBERTa offsets positions by padding_idx + 1: 8194 positions hold 8192 tokens.
  const maxContext = architecture.startsWith('XLMRoberta') ? positions - 2 : positions;
  return { hidden: h, layers, heads: root.int('num_attention_heads'), vocab, intermediate: i, maxContext, params: embeddings + layers * encoderLayerParams(h, i) + head };
}
