import type { PerformanceEstimate } from '../performance/types';
import { bottomAxis, inner, leftAxis, linear, log2, svg, type Frame } from './axis';
import { dataTable, el, esc, fig, notPredicted, pathThrough, px } from './html';
import { fixed, ms, plusMinus, short } from './format';
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

/**
 * The top of the latency axis. Near the KV cache's capacity a curve climbs steeply (queueing): scaled to
 * it, the SLO line and the squares sink into the bottom few pixels. So the axis spans what the reader
 * decides on — the SLO and the squares with their bands — up to twice that; curves leave through the
 * top (clipped) and continue in the table.
 */
function yTop(data: LatencyData, metric: Metric): number {
  const upper = (e: PerformanceEstimate) => band(VALUE[metric](e), BAND[metric](e))[1];
  const slo = metric === 'ttft' ? data.slo?.ttftMs : data.slo?.tpotMs;
  const all = Math.max(...data.series.flatMap((s) => s.estimates).map(upper), ...data.points.map((p) => upper(p.estimate)), slo ?? 0);
  const focus = Math.max(...data.points.map((p) => upper(p.estimate)), slo ?? 0);
  return focus > 0 ? Math.min(all, 2 * focus) : all;
}

/** Whether a curve leaves through the top of a panel. */
function clipped(data: LatencyData, metric: Metric): boolean {
  return data.series.some((s) => s.estimates.some((e) => band(VALUE[metric](e), BAND[metric](e))[1] > yTop(data, metric)));
}

function panel(data: LatencyData, metric: Metric): string {
  const colour = colours(data);
  const value = VALUE[metric];
  const err = BAND[metric];
  const slo = metric === 'ttft' ? data.slo?.ttftMs : data.slo?.tpotMs;
  const all = [...data.series.flatMap((s) => s.estimates), ...data.points.map((p) => p.estimate)];
  const { x0, x1, y0, y1 } = inner(FRAME);
  const x = log2(1, Math.max(...all.map((e) => e.load.concurrency)), [x0, x1]);
  const y = linear(yTop(data, metric), [y0, y1]);
  const lines = data.series.map((s) => {
    const css = colour(s.label, s.chosen);
    const upper = s.estimates.map((e) => [x(e.load.concurrency), y(band(value(e), err(e))[1])] as const);
    const lower = s.estimates.map((e) => [x(e.load.concurrency), y(band(value(e), err(e))[0])] as const).reverse();
    const area = el('path', { class: 'band', d: `${pathThrough([...upper, ...lower])}Z` });
    const line = el('path', { class: 'line', d: pathThrough(s.estimates.map((e) => [x(e.load.concurrency), y(value(e))] as const)) });
    // The points as one path of round dots ("M x,y h0" each), their values in order in `data-values`; a
    // point's concurrency is its x (the table lists both). Colour on the group: small 100-model pages.
    const dots = el('path', {
      class: 'dots',
      d: s.estimates.map((e) => `M${px(x(e.load.concurrency))},${px(y(value(e)))}h0`).join(''),
      'data-values': s.estimates.map((e) => fig(value(e))).join(' '),
    });
    return el('g', { class: `series ${css}`, 'data-series': s.label }, (s.chosen ? area : '') + line + dots);
  });
  const marks = data.points.map((p) =>
    el(
      'rect',
      { class: `op ${colour(p.label, p.chosen)}${p.chosen ? '' : ' hollow'}`, x: px(x(p.estimate.load.concurrency) - 5), y: px(y(value(p.estimate)) - 5), 'data-value': fig(value(p.estimate)) },
      el('title', {}, esc(p.label)),
    ),
  );
  const sloLine =
    slo === undefined
      ? ''
      : el('g', { class: 'slo', 'data-value': slo }, el('line', { x1: x0, x2: x1, y1: px(y(slo)), y2: px(y(slo)) }) + el('text', { x: x1 - 4, y: px(y(slo)) - 5 }, esc(`SLO ${ms(slo)}`)));
  // The curves in an inner <svg> over the plotting area (same coordinates): it clips what leaves the top.
  const plot = el('svg', { x: x0, y: y1, width: x1 - x0, height: y0 - y1, viewBox: `${x0} ${y1} ${x1 - x0} ${y0 - y1}` }, lines.join(''));
  const body = bottomAxis(x, FRAME, 'concurrent requests per replica') + leftAxis(y, FRAME, `${metric.toUpperCase()} (ms)`) + sloLine + plot + marks.join('');
  return svg(FRAME, `${TITLE[metric]} against concurrency`, body, { class: `chart latency ${metric}` });
}

/** TTFT and TPOT against concurrency, with the SLO lines and the uncertainty band; or why there is none. */
export function latencyChart(data: LatencyData, why = 'the plan carries no performance prediction and no estimator was given'): string {
  if (data.series.length === 0 && data.points.length === 0) return notPredicted('Latency against concurrency', why);
  const lengths = data.lengths ? `, ${data.lengths.inputTokens} input and ${data.lengths.outputTokens} output tokens per request` : '';
  const caption = `Predicted TTFT and TPOT against concurrency${lengths}; shaded: the stated uncertainty; squares: at the workload's load${clipped(data, 'ttft') || clipped(data, 'tpot') ? '; curves that leave the top continue in the table' : ''}.`;
  const colour = colours(data);
  const labels = [...new Map([...data.series, ...data.points].map((s) => [s.label, s.chosen] as const))];
  const legend = el(
    'ul',
    { class: 'legend' },
    labels.map(([label, chosen]) => el('li', {}, el('span', { class: `sw ${colour(label, chosen)}` }) + esc(`${chosen ? 'chosen' : 'alternative'}: ${label}`))).join(''),
  );
  const all = [...data.series.flatMap((s) => s.estimates), ...data.points.map((p) => p.estimate)];
  // The stated error in the header when every row states the same (it is the model's, per configuration
  // kind), else in each cell.
  const shared = (pct: (e: PerformanceEstimate) => number) => (all.every((e) => plusMinus(pct(e)) === plusMinus(pct(all[0]!))) ? plusMinus(pct(all[0]!)) : undefined);
  const [ttftErr, tpotErr] = [shared((e) => e.uncertainty.ttftPct), shared((e) => e.uncertainty.tpotPct)];
  const cell = (value: number, pct: number, common: string | undefined) => `${short(value)}${common === undefined ? plusMinus(pct) : ''}`;
  const row = (label: string, e: PerformanceEstimate) => [
    label,
    String(e.load.concurrency),
    cell(e.ttftMs, e.uncertainty.ttftPct, ttftErr),
    cell(e.tpotMs, e.uncertainty.tpotPct, tpotErr),
    fixed(e.outputTokensPerSecond, 0),
    e.bound,
  ];
  const rows = [...data.series.flatMap((s) => s.estimates.map((e) => row(s.label, e))), ...data.points.map((p) => row(`${p.label} (at the workload)`, p.estimate))];
  const table = dataTable('Latency against concurrency (table)', ['configuration', 'concurrency', `TTFT ms${ttftErr ?? ''}`, `TPOT ms${tpotErr ?? ''}`, 'output tok/s', 'bound'], rows);
  return el('figure', { class: 'fig' }, el('figcaption', {}, esc(caption)) + el('div', { class: 'panels' }, panel(data, 'ttft') + panel(data, 'tpot')) + legend + table);
}
