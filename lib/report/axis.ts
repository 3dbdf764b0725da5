import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3-scale';
import { el, esc, px } from './html';

/**
 * Scales and axes of the report's charts. Ticks, nice domains and tick labels come from d3-scale; this
 * file only draws them. Every tick label carries its value (`data-value`), so a test can map pixels back to data.
 */

export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly margin: { readonly top: number; readonly right: number; readonly bottom: number; readonly left: number };
}

export type Scale = ScaleContinuousNumeric<number, number>;

/** Inner plotting area of a frame. */
export function inner(frame: Frame): { x0: number; x1: number; y0: number; y1: number } {
  const { width, height, margin } = frame;
  return { x0: margin.left, x1: width - margin.right, y0: height - margin.bottom, y1: margin.top };
}

/** A linear scale from `min` (0 by default) to a nice maximum above `max`. */
export function linear(max: number, range: [number, number], min = 0): Scale {
  const top = max > min ? max : min + 1;
  return scaleLinear().domain([min, top]).range(range).nice(5);
}

/** A base-2 log scale for counts (concurrency 1, 2, 4, ...). */
export function log2(min: number, max: number, range: [number, number]): Scale {
  return scaleLog().base(2).domain([Math.max(1, min), Math.max(2, max)]).range(range);
}

function tickValues(scale: Scale, count: number): number[] {
  const ticks = scale.ticks(count);
  // A log scale over a small range gives every integer: keep the powers of its base.
  return ticks.filter((t) => !('base' in scale) || Number.isInteger(Math.log2(t)));
}

function tickLabel(scale: Scale, count: number, value: number): string {
  return 'base' in scale ? String(value) : scale.tickFormat(count)(value);
}

/**
 * The bottom axis: the gridlines as one path, a label per tick at its value (`data-value`) and position
 * (`x`), and the axis title. One path instead of a line per tick keeps 100-model pages small.
 */
export function bottomAxis(scale: Scale, frame: Frame, title: string, count = 6): string {
  const { x0, x1, y0, y1 } = inner(frame);
  const values = tickValues(scale, count);
  const grid = el('path', { class: 'grid', d: values.map((v) => `M${px(scale(v))},${y1}V${y0}`).join('') });
  const labels = values.map((v) => el('text', { class: 'tick', 'data-value': v, x: px(scale(v)), y: y0 + 16 }, esc(tickLabel(scale, count, v))));
  return el('g', { class: 'axis x' }, grid + labels.join('') + el('path', { class: 'domain', d: `M${x0},${y0}H${x1}` }) + el('text', { x: (x0 + x1) / 2, y: frame.height - 6, class: 'title' }, esc(title)));
}

/** The left axis, as the bottom one; a tick label's `y` is its value's position (`dy` centres the text). */
export function leftAxis(scale: Scale, frame: Frame, title: string, count = 5): string {
  const { x0, x1, y0, y1 } = inner(frame);
  const values = tickValues(scale, count);
  const grid = el('path', { class: 'grid', d: values.map((v) => `M${x0},${px(scale(v))}H${x1}`).join('') });
  const labels = values.map((v) => el('text', { class: 'tick', 'data-value': v, x: x0 - 6, y: px(scale(v)), dy: 4 }, esc(tickLabel(scale, count, v))));
  const mid = (y0 + y1) / 2;
  return el('g', { class: 'axis y' }, grid + labels.join('') + el('path', { class: 'domain', d: `M${x0},${y0}V${y1}` }) + el('text', { x: 14, y: mid, transform: `rotate(-90 14 ${px(mid)})`, class: 'title' }, esc(title)));
}

/** An `<svg>` of the frame's size that scales down on narrow screens, labelled for screen readers. */
export function svg(frame: Frame, label: string, body: string, attrs: Record<string, string> = {}): string {
  return el('svg', { viewBox: `0 0 ${frame.width} ${frame.height}`, width: frame.width, role: 'img', 'aria-label': label, ...attrs }, body);
}
