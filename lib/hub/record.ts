/**
 * From what the Hub answered to the record `model add` writes. Pure: the record is checked by building
 * its architecture (modelFromConfig) before anything is written.
 */
import { modelFromConfig } from '../catalog/from-config';
import { MODEL_RECORD_KIND, modelFromRecord, type ModelRecord } from '../catalog/model-records';
import type { ModelArchitecture } from '../catalog/types';
import type { HubModel } from './client';

/** Hub `pipeline_tag`s of models served by TEI (embeddings, rerankers): no KV cache, no lm_head. */
const EMBEDDING_TAGS = ['feature-extraction', 'sentence-similarity', 'text-ranking', 'text-classification'];

/** safetensors dtype keys -> checkpoint dtype, for configs without torch_dtype (gpt-oss). */
const SAFETENSORS_DTYPES: Readonly<Record<string, ModelArchitecture['dtype']>> = { BF16: 'bfloat16', F16: 'float16', F32: 'float32' };

function configDtype(config: Readonly<Record<string, unknown>>): string | undefined {
  const text = config.text_config as Record<string, unknown> | undefined;
  for (const value of [config.torch_dtype, config.dtype, text?.torch_dtype, text?.dtype]) if (typeof value === 'string') return value;
  return undefined;
}

/** The checkpoint's 16/32-bit dtype: config.json's, else the float dtype holding most parameters. */
function dtypeOf(model: HubModel): ModelArchitecture['dtype'] | undefined {
  const fromConfig = configDtype(model.config);
  if (fromConfig === 'bfloat16' || fromConfig === 'float16' || fromConfig === 'float32') return fromConfig;
  const floats = Object.entries(model.safetensors?.parameters ?? {}).filter(([k]) => SAFETENSORS_DTYPES[k] !== undefined);
  floats.sort((a, b) => b[1] - a[1]);
  return floats.length > 0 ? SAFETENSORS_DTYPES[floats[0][0]] : undefined;
}

export function buildModelRecord(model: HubModel, fetchedAt: Date): ModelRecord {
  const tagged = model.pipelineTag !== undefined && EMBEDDING_TAGS.includes(model.pipelineTag);
  const dtype = dtypeOf(model);
  // Counted from the config (no safetensors, or a packed 4-bit checkpoint whose U8/I32 elements hold 2-8 weights each).
  const arch = modelFromConfig(model.id, model.config, { ...(tagged ? { embedding: true } : {}), dtype });
  const embedding = arch.embedding === true;
  const computed = arch.totalParams;
  const hubTotal = model.safetensors?.total;
  const packed = hubTotal !== undefined && model.config.quantization_config !== undefined && hubTotal < computed * 0.9;
  const [totalParams, totalParamsBasis] =
    hubTotal === undefined
      ? [computed, 'computed from config.json (the repository publishes no safetensors metadata)']
      : packed
        ? [computed, `computed from config.json: the Hub's safetensors.total ${hubTotal} counts packed quantized elements`]
        : [hubTotal, "the Hub's safetensors.total"];
  const record: ModelRecord = {
    kind: MODEL_RECORD_KIND,
    version: 1,
    id: model.id,
    revision: model.sha,
    requestedRevision: model.requestedRevision,
    fetchedAt: fetchedAt.toISOString(),
    sources: { api: model.apiUrl, config: model.configUrl },
    ...(model.safetensors ? { safetensors: model.safetensors } : {}),
    totalParams,
    totalParamsBasis,
    dtype: dtype ?? arch.dtype,
    embedding,
    ...(model.pipelineTag ? { pipelineTag: model.pipelineTag } : {}),
    config: model.config,
  };
  modelFromRecord(record); // throws a SizingError naming the field when the architecture cannot be read
  return record;
}
