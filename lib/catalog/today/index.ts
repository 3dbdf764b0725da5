/** The catalog of today: current open-weight models, built from their config.json by modelFromConfig. */
import type { ModelArchitecture } from '../types';
import { DENSE } from './dense';
import { EMBEDDINGS } from './embeddings';
import { buildTodayEntry, type TodayEntry } from './entry';
import { MOE } from './moe';
import { MULTIMODAL } from './multimodal';
import { QWEN } from './qwen';

export const TODAY_ENTRIES: readonly TodayEntry[] = [...QWEN, ...MULTIMODAL, ...DENSE, ...MOE, ...EMBEDDINGS];

export const MODELS_TODAY: readonly ModelArchitecture[] = TODAY_ENTRIES.map(buildTodayEntry);

export { configUrl, type TodayEntry } from './entry';
