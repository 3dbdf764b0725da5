/**
 * HTML and SVG as strings: escaping, elements, numbers in attributes. The report is pure data -> text;
 * nothing here touches a DOM or the network.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export type Attrs = Readonly<Record<string, string | number | boolean | undefined>>;

/** SVG shapes: written `<circle .../>` when empty (the HTML parser honours `/>` inside `<svg>`). */
const SVG_LEAVES = new Set(['circle', 'rect', 'path', 'line']);
/** Elements whose end tag HTML makes optional (the parser closes them): left out, 100-model pages are smaller. */
const OPEN_ENDED = new Set(['td', 'th', 'tr', 'li', 'dt', 'dd']);

function open(name: string, attrs: Attrs): string {
  const parts = Object.entries(attrs)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${esc(v)}"`));
  return `<${name}${parts.join('')}`;
}

/** `<name a="b">children</name>`; undefined and false attributes are left out, true ones are bare. */
export function el(name: string, attrs: Attrs = {}, children = ''): string {
  if (children === '' && SVG_LEAVES.has(name)) return `${open(name, attrs)}/>`;
  return `${open(name, attrs)}>${children}${OPEN_ENDED.has(name) ? '' : `</${name}>`}`;
}

/** A figure as a data-* attribute: 6 significant digits (finer than any chart can show; keeps pages small). */
export function fig(value: number): number {
  return Number(value.toPrecision(6));
}

/** A pixel coordinate rounded to 0.1 px: keeps 100-model pages small. */
export function px(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * An SVG path through points ("M x,y L x,y ..."), to whole pixels: lines and areas are read by eye, not
 * back (the marks on them keep 0.1 px), and shorter numbers keep 100-model pages small.
 */
export function pathThrough(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${Math.round(x)},${Math.round(y)}`).join('');
}

/** A table of the data a chart plots, folded in `<details>` beside it (screen readers and print read it). */
export function dataTable(summary: string, headers: readonly string[], rows: readonly (readonly string[])[], attrs: Attrs = {}): string {
  const head = el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, esc(h))).join(''));
  const body = rows.map((row) => el('tr', {}, row.map((cell, i) => el(i === 0 ? 'th' : 'td', {}, esc(cell))).join(''))).join('');
  return el('details', { class: 'data', ...attrs }, el('summary', {}, esc(summary)) + el('table', {}, el('thead', {}, head) + el('tbody', {}, body)));
}

/** A paragraph saying a figure is not available, and why. */
export function notPredicted(what: string, why: string): string {
  return el('p', { class: 'absent' }, `${esc(what)}: not predicted — ${esc(why)}`);
}
