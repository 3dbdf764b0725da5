import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3-scale';
import { el, esc, px } from './html';

/**
 * Scales and axes of the report's charts. Ticks, nice domains and tick labels come from d3-scale; this
 * file only draws them. Every tick label carries its value (its text, or `data-value` where the text rounds it) and its position (`x` or `y`), so a test can map pixels back to data.
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
  return scaleLog()
    .base(2)
    .domain([Math.max(1, min), Math.max(2, max)])
    .range(range);
}

/** The 1-2-5 values (…, 0.5, 1, 2, 5, 10, …) from the one at or below `min` to the one at or above `max`. */
export function steps125(min: number, max: number): number[] {
  const out: number[] = [];
  for (let k = Math.floor(Math.log10(min)); out.length === 0 || out[out.length - 1]! < max; k++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** k).toPrecision(3));
      const next = Number(((m === 5 ? 10 : m === 2 ? 5 : 2) * 10 ** k).toPrecision(3));
      if (next > min && (out.length === 0 || out[out.length - 1]! < max)) out.push(v);
    }
  }
  return out;
}

/**
 * A base-10 log scale for figures that span decades (cost per token: cents to tens of dollars), from
 * the 1-2-5 value at or below `min` to the one at or above `max`; its ticks are those 1-2-5 values.
 */
export function log10(min: number, max: number, range: [number, number]): Scale {
  const s = steps125(min, Math.max(max, min * 1.01));
  return scaleLog()
    .domain([s[0]!, s[s.length - 1]!])
    .range(range);
}

const isLog = (scale: Scale) => 'base' in scale;

function tickValues(scale: Scale, count: number): number[] {
  if (isLog(scale) && (scale as unknown as { base(): number }).base() === 10) {
    const [lo, hi] = scale.domain() as [number, number];
    return steps125(lo, hi);
  }
  const ticks = scale.ticks(count);
  // A log scale over a small range gives every integer: keep the powers of its base.
  return ticks.filter((t) => !isLog(scale) || Number.isInteger(Math.log2(t)));
}

function tickLabel(scale: Scale, count: number, value: number): string {
  return isLog(scale) ? String(value) : scale.tickFormat(count)(value);
}

/** A tick label: its value as `data-value` only where the text does not read back as it ("1,000" does). */
function tick(scale: Scale, count: number, value: number, at: { x?: number; y?: number }): string {
  const text = tickLabel(scale, count, value);
  return el('text', { 'data-value': Number(text.replace(/,/g, '')) === value ? undefined : value, ...at }, esc(text));
}

/**
 * The bottom axis: the gridlines as one path, a label per tick at its value (`data-value`) and position
 * (`x`), and the axis title. One path instead of a line per tick keeps 100-model pages small.
 */
export function bottomAxis(scale: Scale, frame: Frame, title: string, count = 6): string {
  const { x0, x1, y0, y1 } = inner(frame);
  const values = tickValues(scale, count);
  const grid = el('path', { class: 'grid', d: values.map((v) => `M${Math.round(scale(v))},${y1}V${y0}`).join('') });
  // The labels share their baseline (the group's): each carries only its value and its `x`.
  const labels = el('g', { class: 'ticks', transform: `translate(0 ${y0 + 16})` }, values.map((v) => tick(scale, count, v, { x: px(scale(v)) })).join(''));
  return el(
    'g',
    { class: `axis x${isLog(scale) ? ' log' : ''}` },
    grid + labels + el('path', { class: 'domain', d: `M${x0},${y0}H${x1}` }) + el('text', { x: (x0 + x1) / 2, y: frame.height - 6, class: 'title' }, esc(title)),
  );
}

/** The left axis, as the bottom one; a tick label's `y` is its value's position (`dy` centres the text). */
export function leftAxis(scale: Scale, frame: Frame, title: string, count = 5): string {
  const { x0, x1, y0, y1 } = inner(frame);
  const values = tickValues(scale, count);
  const grid = el('path', { class: 'grid', d: values.map((v) => `M${x0},${Math.round(scale(v))}H${x1}`).join('') });
  // The labels share their right edge (the group's); CSS centres each on its `y`.
  const labels = el('g', { class: 'ticks', transform: `translate(${x0 - 6} 0)` }, values.map((v) => tick(scale, count, v, { y: px(scale(v)) })).join(''));
  const mid = (y0 + y1) / 2;
  return el(
    'g',
    { class: `axis y${isLog(scale) ? ' log' : ''}` },
    grid + labels + el('path', { class: 'domain', d: `M${x0},${y0}V${y1}` }) + el('text', { x: 14, y: mid, transform: `rotate(-90 14 ${px(mid)})`, class: 'title' }, esc(title)),
  );
}

/** An `<svg>` of the frame's size that scales down on narrow screens, labelled for screen readers. */
export function svg(frame: Frame, label: string, body: string, attrs: Record<string, string> = {}): string {
  return el('svg', { viewBox: `0 0 ${frame.width} ${frame.height}`, width: frame.width, role: 'img', 'aria-label': label, ...attrs }, body);
}
