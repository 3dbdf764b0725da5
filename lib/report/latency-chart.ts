import type { PerformanceEstimate } from '../performance/types';
import { bottomAxis, inner, leftAxis, linear, log2, svg, type Frame } from './axis';
import { dataTable, el, esc, fig, notPredicted, pathThrough, px } from './html';
import { fixed, ms, plusMinus } from './format';
import type { LatencyData } from './latency-data';

type Metric = 'ttft' | 'tpot';
const VALUE = { ttft: (e: PerformanceEstimate) => e.ttftMs, tpot: (e: PerformanceEstimate) => e.tpotMs };
const BAND = { ttft: (e: PerformanceEstimate) => e.uncertainty.ttftPct, tpot: (e: PerformanceEstimate) => e.uncertainty.tpotPct };
const TITLE = { ttft: 'Time to first token', tpot: 'Time per output token' };
const FRAME: Frame = { width: 460, height: 290, margin: { top: 16, right: 16, bottom: 42, left: 60 } };

/** Band edges: value × (1 ± pct/100), never below zero (no band for an error that is not a positive number). */
export function band(value: number, pctError: number): [number, number] {
  const pct = Number.isFinite(pctError) && pctError > 0 ? pctError : 0;
  return [Math.max(0, value * (1 - pct / 100)), value * (1 + pct / 100)];
}

/** One colour per configuration, the same in both panels and for its curve and its square. */
function colours(data: LatencyData): (label: string, chosen: boolean) => string {
  const others = [...new Set([...data.series, ...data.points].filter((s) => !s.chosen).map((s) => s.label))];
  return (label, chosen) => (chosen ? 'c-chosen' : `c-alt${(others.indexOf(label) % 3) + 1}`);
}

function panel(data: LatencyData, metric: Metric): string {
  const colour = colours(data);
  const value = VALUE[metric];
  const err = BAND[metric];
  const slo = metric === 'ttft' ? data.slo?.ttftMs : data.slo?.tpotMs;
  const all = [...data.series.flatMap((s) => s.estimates), ...data.points.map((p) => p.estimate)];
  const { x0, x1, y0, y1 } = inner(FRAME);
  const x = log2(1, Math.max(...all.map((e) => e.load.concurrency)), [x0, x1]);
  const y = linear(Math.max(...all.map((e) => band(value(e), err(e))[1]), slo ?? 0), [y0, y1]);
  const lines = data.series.map((s) => {
    const css = colour(s.label, s.chosen);
    const upper = s.estimates.map((e) => [x(e.load.concurrency), y(band(value(e), err(e))[1])] as const);
    const lower = s.estimates.map((e) => [x(e.load.concurrency), y(band(value(e), err(e))[0])] as const).reverse();
    const area = el('path', { class: 'band', d: `${pathThrough([...upper, ...lower])}Z` });
    const line = el('path', { class: 'line', d: pathThrough(s.estimates.map((e) => [x(e.load.concurrency), y(value(e))] as const)) });
    // Colour on the group (children inherit it), the value on each point: small 100-model pages.
    const dots = s.estimates.map((e) => el('circle', { cx: px(x(e.load.concurrency)), cy: px(y(value(e))), r: 3, 'data-concurrency': e.load.concurrency, 'data-value': fig(value(e)) }));
    return el('g', { class: `series ${css}`, 'data-series': s.label, 'data-chosen': String(s.chosen) }, (s.chosen ? area : '') + line + dots.join(''));
  });
  const marks = data.points.map((p) =>
    el('rect', { class: `op ${colour(p.label, p.chosen)}${p.chosen ? '' : ' hollow'}`, x: px(x(p.estimate.load.concurrency) - 5), y: px(y(value(p.estimate)) - 5), width: 10, height: 10, 'data-concurrency': p.estimate.load.concurrency, 'data-value': fig(value(p.estimate)) }, el('title', {}, esc(p.label))),
  );
  const sloLine =
    slo === undefined
      ? ''
      : el('g', { class: 'slo', 'data-value': slo }, el('line', { x1: x0, x2: x1, y1: px(y(slo)), y2: px(y(slo)) }) + el('text', { x: x1 - 4, y: px(y(slo)) - 5, 'text-anchor': 'end' }, esc(`SLO ${ms(slo)}`)));
  const body = bottomAxis(x, FRAME, 'concurrent requests per replica') + leftAxis(y, FRAME, `${metric.toUpperCase()} (ms)`) + sloLine + lines.join('') + marks.join('');
  return svg(FRAME, `${TITLE[metric]} against concurrency`, body, { class: `chart latency ${metric}`, 'data-metric': metric });
}

/** TTFT and TPOT against concurrency, with the SLO lines and the uncertainty band; or why there is none. */
export function latencyChart(data: LatencyData): string {
  if (data.series.length === 0 && data.points.length === 0) return notPredicted('Latency against concurrency', 'the plan carries no performance prediction and no estimator was given');
  const lengths = data.lengths ? `, ${data.lengths.inputTokens} input and ${data.lengths.outputTokens} output tokens per request` : '';
  const caption = `Predicted TTFT and TPOT against concurrency${lengths}; shaded: the stated uncertainty; squares: at the workload's load.`;
  const colour = colours(data);
  const labels = [...new Map([...data.series, ...data.points].map((s) => [s.label, s.chosen] as const))];
  const legend = el('ul', { class: 'legend' }, labels.map(([label, chosen]) => el('li', {}, el('span', { class: `sw ${colour(label, chosen)}` }) + esc(`${chosen ? 'chosen' : 'alternative'}: ${label}`))).join(''));
  const row = (label: string, e: PerformanceEstimate) => [label, String(e.load.concurrency), `${fixed(e.ttftMs)}${plusMinus(e.uncertainty.ttftPct)}`, `${fixed(e.tpotMs)}${plusMinus(e.uncertainty.tpotPct)}`, fixed(e.outputTokensPerSecond, 0), e.bound];
  const rows = [...data.series.flatMap((s) => s.estimates.map((e) => row(s.label, e))), ...data.points.map((p) => row(`${p.label} (at the workload)`, p.estimate))];
  const table = dataTable('Latency against concurrency (table)', ['configuration', 'concurrency', 'TTFT ms', 'TPOT ms', 'output tok/s', 'bound'], rows);
  return el('figure', { class: 'fig' }, el('figcaption', {}, esc(caption)) + el('div', { class: 'panels' }, panel(data, 'ttft') + panel(data, 'tpot')) + legend + table);
}
