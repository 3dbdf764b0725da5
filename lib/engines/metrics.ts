import type { Engine } from '../sizing/types';

/** Triton's queue-to-compute time ratio: a recorded series (see `signalExpression`), not an exported one. */
export const TRITON_QUEUE_COMPUTE_RATIO = 'triton:queue_compute:ratio';

/**
 * Prometheus series each engine exports that make sense as a per-pod autoscaling signal (gauges of
 * queued or running work), and the default one: requests waiting in the engine's queue.
 * Every name is checked against the pinned version's exports (test/fixtures/engine-contracts, cited
 * there): TEI's only gauge is `te_queue_size` (core/src/queue.rs @ v1.9.3; its batch size is the
 * histogram `te_batch_next_size`), and current llama.cpp servers export no KV-cache gauge. FastChat
 * workers and Ollama export no Prometheus metrics.
 */
export const ENGINE_METRICS: Readonly<Record<Engine, { readonly queue?: string; readonly exported: readonly string[] }>> = {
  vllm: { queue: 'vllm:num_requests_waiting', exported: ['vllm:num_requests_waiting', 'vllm:num_requests_running', 'vllm:kv_cache_usage_perc'] },
  tgi: { queue: 'tgi_queue_size', exported: ['tgi_queue_size', 'tgi_batch_current_size'] },
  'tgi-neuron': { queue: 'tgi_queue_size', exported: ['tgi_queue_size', 'tgi_batch_current_size'] },
  tei: { queue: 'te_queue_size', exported: ['te_queue_size'] },
  'llama-cpp': { queue: 'llamacpp:requests_deferred', exported: ['llamacpp:requests_deferred', 'llamacpp:requests_processing'] },
  'triton-trtllm': { queue: TRITON_QUEUE_COMPUTE_RATIO, exported: [TRITON_QUEUE_COMPUTE_RATIO, 'nv_inference_pending_request_count'] },
  'fastchat-vllm': { exported: [] },
  ollama: { exported: [] },
};

/**
 * Scrape interval of every worker's PodMonitor, set explicitly: without it Prometheus uses its global
 * `scrape_interval` (1m in Prometheus' own defaults), and a `rate()` over one minute would see a single
 * sample and return nothing.
 */
export const SCRAPE_INTERVAL_SECONDS = 15;
/** `rate()` needs at least two samples in its window; four scrape intervals tolerate a missed scrape. */
export const RATE_WINDOW_SECONDS = 4 * SCRAPE_INTERVAL_SECONDS;

/** Labels that scope a series to one worker's pods (PodMonitor `podTargetLabels` copies the instance label). */
export interface SeriesScope {
  readonly namespace: string;
  /** Value of the pods' `app.kubernetes.io/instance` label (Prometheus: `app_kubernetes_io_instance`). */
  readonly instance: string;
}

/** The Prometheus label PodMonitor's `podTargetLabels: [app.kubernetes.io/instance]` produces. */
export const INSTANCE_SERIES_LABEL = 'app_kubernetes_io_instance';

/**
 * PromQL for one worker's per-pod signal: the gauge itself, or for Triton the queue time divided by
 * the compute time over `RATE_WINDOW_SECONDS` (both cumulative microsecond counters), scoped to this
 * worker's pods and kept per pod (no sum: the HPA averages over pods itself).
 */
export function signalExpression(metric: string, scope: SeriesScope): string {
  const selector = `{namespace="${scope.namespace}",${INSTANCE_SERIES_LABEL}="${scope.instance}"}`;
  if (metric === TRITON_QUEUE_COMPUTE_RATIO) {
    const window = `[${RATE_WINDOW_SECONDS}s]`;
    return `rate(nv_inference_queue_duration_us${selector}${window}) / clamp_min(rate(nv_inference_compute_infer_duration_us${selector}${window}), 1)`;
  }
  return `${metric}${selector}`;
}

/** Name the recording rule gives a worker's signal: `llm:<metric>` (Triton's ratio keeps its own name). */
export function recordedName(metric: string): string {
  return metric === TRITON_QUEUE_COMPUTE_RATIO ? metric : `llm:${metric.replace(/:/g, '_')}`;
}

/**
 * The name prometheus-adapter exposes a recorded series under in the custom metrics API: colons are
 * not valid there, so they become underscores (the adapter rule's `name.as`).
 */
export function adapterMetricName(recorded: string): string {
  return recorded.replace(/:/g, '_');
}
