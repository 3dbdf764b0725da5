import type { PlanCandidate } from '../performance/types';
import type { ModelPlan } from '../sizing/types';
import { bottomAxis, inner, leftAxis, linear, log10, svg, type Frame } from './axis';
import { el, esc, fig, notPredicted, pathThrough, px } from './html';
import { byConfiguration, candidateTable } from './cost-table';
import { paretoFrontier } from './frontier';
import { configLabel } from './latency-data';

const FRAME: Frame = { width: 720, height: 320, margin: { top: 16, right: 24, bottom: 42, left: 72 } };

type Priced = PlanCandidate & { readonly costPerMillionTokensUsd: number };
const latencyOf = (c: PlanCandidate) => c.performance.tpotMs;

/** Cost per million output tokens against TPOT for every candidate compared, the frontier and the chosen point. */
export function costChart(plan: ModelPlan): string {
  const candidates = plan.candidates ?? [];
  if (candidates.length === 0) return notPredicted('Cost per million tokens against latency', 'the plan carries no candidates (plan with a workload to compare configurations)');
  // A point per configuration at its cheapest instance type (and the chosen one): the same configuration
  // on a bigger instance has the same TPOT and costs more, a column of points that decide nothing. The
  // table lists every instance type.
  const shown = new Set(byConfiguration(candidates).map((g) => g[0]!));
  const priced = candidates.filter((c): c is Priced => (shown.has(c) || c.chosen) && Number.isFinite(c.costPerMillionTokensUsd) && Number.isFinite(latencyOf(c)));
  const frontier = new Set(paretoFrontier(priced, latencyOf, (c) => c.costPerMillionTokensUsd));
  const { x0, x1, y0, y1 } = inner(FRAME);
  const x = linear(Math.max(...priced.map(latencyOf), 1), [x0, x1]);
  // Costs that span more than a decade (the real search: cents to tens of dollars) on a log axis: on a
  // linear one the cheap end, where the choice is made, is squeezed into the bottom pixels.
  const costs = priced.map((c) => c.costPerMillionTokensUsd);
  const [least, most] = [Math.min(...costs), Math.max(...costs)];
  const y = least > 0 && most / least > 10 ? log10(least, most, [y0, y1]) : linear(Math.max(most, 0.01), [y0, y1]);
  const line = el('path', { class: 'frontier', d: pathThrough([...frontier].map((c) => [x(latencyOf(c)), y(c.costPerMillionTokensUsd)] as const)) });
  // The plain points (meet the SLO, not on the frontier, not chosen: most of a real search) as one path
  // of round dots ("M x,y h0" each), their figures in order in data-tpot and data-cost.
  const plain = priced.filter((c) => !c.chosen && !frontier.has(c) && c.meetsSlo);
  const plainDots =
    plain.length === 0
      ? ''
      : el('path', {
          class: 'pts',
          d: plain.map((c) => `M${px(x(latencyOf(c)))},${px(y(c.costPerMillionTokensUsd))}h0`).join(''),
          'data-tpot': plain.map((c) => fig(latencyOf(c))).join(' '),
          'data-cost': plain.map((c) => fig(c.costPerMillionTokensUsd)).join(' '),
        });
  // The others as circles, the chosen one last (drawn on top).
  const order = priced.filter((c) => !plain.includes(c)).sort((a, b) => Number(a.chosen) - Number(b.chosen));
  const dots = order.map((c) => {
    const label = configLabel(c);
    // Grey by default (page.ts: `.cost circle`); classes only for what sets a point apart.
    const css = [c.chosen ? 'chosen' : '', frontier.has(c) ? 'on-frontier' : '', c.meetsSlo ? '' : 'misses-slo'].filter(Boolean).join(' ') || undefined;
    return el(
      'circle',
      { class: css, cx: px(x(latencyOf(c))), cy: px(y(c.costPerMillionTokensUsd)), 'data-tpot': fig(latencyOf(c)), 'data-cost': fig(c.costPerMillionTokensUsd) },
      // Named on hover where it matters (the table names every one): the chosen point and the frontier.
      c.chosen || frontier.has(c) ? el('title', {}, esc(`${label}${c.chosen ? ' (chosen)' : ''}`)) : '',
    );
  });
  const chosen = priced.find((c) => c.chosen);
  const callout = chosen ? el('text', { class: 'callout', x: px(x(latencyOf(chosen)) + 10), y: px(y(chosen.costPerMillionTokensUsd) - 10) }, esc('chosen')) : '';
  const body = bottomAxis(x, FRAME, 'TPOT at the workload (ms)') + leftAxis(y, FRAME, 'USD per 1M output tokens') + line + plainDots + dots.join('') + callout;
  const chart =
    priced.length > 0
      ? svg(FRAME, `Cost per million tokens against TPOT for ${priced.length} configurations at their cheapest instance type`, body, { class: 'chart cost' })
      : notPredicted('Cost per million tokens', 'no candidate is priced');
  const legend = el(
    'ul',
    { class: 'legend' },
    [
      ['cand chosen', 'chosen'],
      ['cand on-frontier', 'on the frontier'],
      ['cand', 'compared'],
      ['cand misses-slo', 'misses the SLO'],
    ]
      .map(([css, text]) => el('li', {}, el('span', { class: `sw dot ${css}` }) + esc(text)))
      .join(''),
  );
  const table = candidateTable(candidates, (c: PlanCandidate) => frontier.has(c as Priced));
  const caption = 'Cost per 1M output tokens against TPOT, every configuration compared (GPU × TP × format) at its cheapest instance type; the line is the frontier.';
  return el('figure', { class: 'fig' }, el('figcaption', {}, esc(caption)) + chart + legend + table);
}
