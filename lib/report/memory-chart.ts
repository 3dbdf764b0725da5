import type { ModelPlan } from '../sizing/types';
import { bottomAxis, inner, linear, svg, type Frame } from './axis';
import { GiB } from '../catalog/units';
import { dataTable, el, esc, px } from './html';
import { gib } from './format';

/** One term of the memory of one accelerator, as the stacked bar draws it. */
export interface MemorySegment {
  readonly key: string;
  readonly label: string;
  readonly bytes: number;
  /** A CSS class: the colour of the term (see page.ts). */
  readonly css: string;
}

/**
 * The terms of one accelerator's memory, in the order the bar stacks them: weights, KV cache for the
 * requested load, the overhead terms (or the overhead as one term until the plan breaks it down), what
 * stays free below the usable line, and what the utilization holds back above it.
 */
export function memorySegments(plan: ModelPlan): MemorySegment[] {
  const m = plan.memory;
  const o = m.overhead;
  const overhead: MemorySegment[] = o
    ? [
        { key: 'activation', label: 'activation', bytes: o.activationBytes, css: 's-act' },
        { key: 'cudaGraphs', label: 'CUDA graphs', bytes: o.cudaGraphBytes, css: 's-graph' },
        { key: 'communication', label: 'communication, CUDA context', bytes: o.nonTorchBytes, css: 's-comm' },
        { key: 'other', label: 'engine reserve', bytes: o.otherBytes, css: 's-other' },
      ]
    : [{ key: 'overhead', label: 'overhead (not broken down)', bytes: m.overheadBytes, css: 's-other' }];
  const usable = m.usableBytesPerAccelerator;
  const total = plan.gpuMemoryUtilization > 0 ? usable / plan.gpuMemoryUtilization : usable;
  return [
    { key: 'weights', label: 'weights', bytes: m.weightsBytes, css: 's-weights' },
    { key: 'kvCache', label: `KV cache (${plan.concurrency} × ${plan.maxContextLength} tokens)`, bytes: m.kvCacheBytes, css: 's-kv' },
    ...overhead,
    { key: 'free', label: 'free (more KV cache)', bytes: Math.max(0, usable - m.requiredBytesPerAccelerator), css: 's-free' },
    { key: 'reserved', label: `held back (utilization ${plan.gpuMemoryUtilization})`, bytes: Math.max(0, total - Math.max(usable, m.requiredBytesPerAccelerator)), css: 's-reserved' },
  ];
}

/** The bar spans top..height-bottom (18..56): page.ts gives `.seg` that y and height, so each segment writes only x and width. */
const FRAME: Frame = { width: 720, height: 96, margin: { top: 18, right: 24, bottom: 40, left: 24 } };

/** The stacked bar of one accelerator's memory against the usable line, and its data table. */
export function memoryChart(plan: ModelPlan): string {
  const segments = memorySegments(plan);
  const { x0, x1, y0, y1 } = inner(FRAME);
  const totalBytes = segments.reduce((s, seg) => s + seg.bytes, 0);
  const x = linear(totalBytes / GiB, [x0, x1]);
  const rank = plan.accelerator.kind === 'neuron' ? 'NeuronCore' : 'GPU';
  // No tooltip per segment: the legend right below names each term with its size, in the same colours.
  let at = 0;
  const rects = segments.map((seg) => {
    const start = x(at / GiB);
    at += seg.bytes;
    const width = x(at / GiB) - start;
    return el('rect', { class: `seg ${seg.css}`, x: px(start), width: px(width), 'data-key': seg.key, 'data-bytes': seg.bytes });
  });
  const usable = plan.memory.usableBytesPerAccelerator;
  const ux = px(x(usable / GiB));
  const marker = el(
    'g',
    { class: 'usable', 'data-bytes': usable },
    el('line', { x1: ux, x2: ux, y1: y1 - 8, y2: y0 + 4 }) + el('text', { x: ux, y: y1 - 10, class: 'end' }, esc(`usable ${gib(usable)}`)),
  );
  const chart = svg(FRAME, `Memory per ${rank}, stacked (values in the legend and the table)`, bottomAxis(x, FRAME, `GiB per ${rank}`) + rects.join('') + marker, { class: 'chart memory' });
  const legend = el(
    'ul',
    { class: 'legend' },
    segments
      .filter((s) => s.bytes > 0)
      .map((s) => el('li', {}, el('span', { class: `sw ${s.css}` }) + esc(`${s.label} ${gib(s.bytes)}`)))
      .join(''),
  );
  const table = dataTable(
    'Memory per accelerator (table)',
    ['term', 'GiB'],
    [
      ...segments.map((s) => [s.label, (s.bytes / GiB).toFixed(2)]),
      ['usable (memory × utilization)', (usable / GiB).toFixed(2)],
      ['required', (plan.memory.requiredBytesPerAccelerator / GiB).toFixed(2)],
    ],
  );
  return el('figure', { class: 'fig' }, el('figcaption', {}, esc(`Memory per ${rank} (${plan.accelerator.id})`)) + chart + legend + table);
}
