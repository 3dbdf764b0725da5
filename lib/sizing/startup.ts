import { GB } from '../catalog/units';
import { checkpointBytes } from './quantization';
import type { ModelPlan } from './types';

/**
 * Default rate at which a pod gets weights onto its accelerators, bytes per second: a download from
 * the Hugging Face Hub or S3 at ~200 MB/s is the slow path; a warm local cache is faster. Stated
 * here so the startup budget is explainable; override with `loadBandwidthBytesPerSecond`.
 */
export const DEFAULT_LOAD_BANDWIDTH = 0.2 * GB;

/**
 * Seconds a model server may take from container start to "model loaded": what the engine downloads at
 * the load bandwidth, plus the engine's own initialisation (CUDA graphs, compilation, warm-up), plus 50%
 * margin. A startup probe with a smaller budget kills a pod that is still loading.
 *
 * `downloadBytes` is the engine's download (the recipe's `downloadBytes`: a 16-bit checkpoint for formats
 * quantized at load, duplicate copies the engine fetches); the served checkpoint when unknown.
 */
export function startupBudgetSeconds(
  plan: ModelPlan,
  engineInitSeconds: number,
  loadBandwidthBytesPerSecond = DEFAULT_LOAD_BANDWIDTH,
  downloadBytes = checkpointBytes(plan.model, plan.quantization),
): number {
  // Every pod downloads the whole checkpoint (hub snapshots are not split by pipeline stage).
  const loadSeconds = downloadBytes / loadBandwidthBytesPerSecond;
  return Math.ceil((loadSeconds + engineInitSeconds) * 1.5);
}
