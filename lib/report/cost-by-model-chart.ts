import type { ModelSummary } from '../constructs/stack/summary';
import { bottomAxis, inner, linear, svg, type Frame } from './axis';
import { el, esc, fig, px } from './html';
import { usdPerHour } from './format';

const ROW = 18;

/**
 * A stack's $/hour per model: a bar to the cost at min replicas, a lighter one on to max replicas.
 * Unpriced models (on-prem) are named in the table below, not drawn. The models table is its data table.
 */
export function costByModelChart(models: readonly ModelSummary[]): string {
  const priced = models.filter((m) => m.hourlyCostUsd !== undefined);
  if (priced.length === 0) return '';
  const frame: Frame = { width: 720, height: 52 + ROW * priced.length, margin: { top: 8, right: 24, bottom: 44, left: 180 } };
  const { x0, x1, y1 } = inner(frame);
  const x = linear(Math.max(...priced.map((m) => m.hourlyCostUsd!.max)), [x0, x1]);
  const rows = priced.map((m, i) => {
    const { min, max } = m.hourlyCostUsd!;
    const y = y1 + i * ROW + 3;
    const label = m.servedName.length > 28 ? `${m.servedName.slice(0, 27)}…` : m.servedName;
    return el(
      'g',
      { class: 'cost-row', 'data-model': m.servedName, 'data-min': fig(min), 'data-max': fig(max) },
      el('text', { x: x0 - 6, y: y + 10, class: 'name' }, esc(label)) +
        el('rect', { class: 'to-max', x: x0, y, width: px(x(max) - x0), height: ROW - 6 }) +
        el('rect', { class: 'to-min', x: x0, y, width: px(x(min) - x0), height: ROW - 6 }) +
        el('title', {}, esc(`${m.servedName}: ${min === max ? usdPerHour(max) : `${usdPerHour(min)} at min replicas, ${usdPerHour(max)} at max`}`)),
    );
  });
  const chart = svg(frame, 'Dollars per hour by model, at min and max replicas (values in the models table)', bottomAxis(x, frame, 'USD per hour, on demand') + rows.join(''), {
    class: 'chart cost-by-model',
  });
  const legend = el('ul', { class: 'legend' }, el('li', {}, el('span', { class: 'sw to-min' }) + 'at min replicas') + el('li', {}, el('span', { class: 'sw to-max' }) + 'up to max replicas'));
  return el('figure', { class: 'fig' }, el('figcaption', {}, '$/hour by model') + chart + legend);
}
