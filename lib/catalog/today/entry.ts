/** One catalog-of-today model: its config.json (the fields modelFromConfig reads) and the published count. */
import { modelFromConfig } from '../from-config';
import type { ModelArchitecture } from '../types';

export interface TodayEntry {
  readonly id: string;
  /** The published parameter count (Hub safetensors total, or the vendor's figure) the entry is checked against. */
  readonly published: number;
  readonly publishedSource: string;
  /**
   * `published`: totalParams is the published count; `computed`: counted from the config, because the
   * published figure counts what engines do not load (a stored copy of a tied lm_head) or is rounded.
   */
  readonly totalBasis: 'published' | 'computed';
  readonly embedding?: boolean;
  readonly dtype?: ModelArchitecture['dtype'];
  readonly caveats?: readonly string[];
  readonly config: Readonly<Record<string, unknown>>;
}

export function configUrl(id: string): string {
  return `https://huggingface.co/${id}/blob/main/config.json`;
}

export function buildTodayEntry(entry: TodayEntry): ModelArchitecture {
  const model = modelFromConfig(entry.id, entry.config, {
    ...(entry.totalBasis === 'published' ? { totalParams: entry.published } : {}),
    ...(entry.embedding ? { embedding: true } : {}),
    ...(entry.dtype ? { dtype: entry.dtype } : {}),
    sources: [configUrl(entry.id), entry.publishedSource],
  });
  if (!entry.caveats?.length) return model;
  return Object.freeze({ ...model, caveats: [...(model.caveats ?? []), ...entry.caveats] });
}
