import { PRICE_DATE, PRICE_REGION } from '../catalog/instance-types';
import type { Slo } from '../performance/types';
import type { ModelPlan } from '../sizing/types';
import { costChart } from './cost-chart';
import { fixed, gib, ms, plusMinus, usdPerHour, usdPerMillion } from './format';
import { el, esc } from './html';
import { latencyChart } from './latency-chart';
import { latencyData, plottable, type Estimator } from './latency-data';
import { memoryChart } from './memory-chart';

export interface PlanReportOptions {
  /**
   * The performance model (`estimatePerformance(plan, load)`): draws latency against concurrency.
   * @default none — only the predictions the plan carries are shown
   */
  readonly estimate?: Estimator;
  /** Alternatives to draw curves for beside the chosen plan (the first three). @default none (renderPlanReport: the best alternatives) */
  readonly alternatives?: readonly ModelPlan[];
  /** The latency targets to draw. @default none */
  readonly slo?: Slo;
  /** Request lengths of the latency curves. @default the lengths of `plan.performance`, else no curves */
  readonly lengths?: { readonly inputTokens: number; readonly outputTokens: number };
}

/** Why this configuration: facts from the plan, each one checkable against the numbers below it. */
export function reasons(plan: ModelPlan): string[] {
  const m = plan.memory;
  const out = [
    `${plan.tensorParallel * plan.pipelineParallel} way${plan.tensorParallel * plan.pipelineParallel > 1 ? 's' : ''} parallel (TP ${plan.tensorParallel} × PP ${plan.pipelineParallel}): each ${plan.accelerator.kind === 'neuron' ? 'NeuronCore' : 'GPU'} needs ${gib(m.requiredBytesPerAccelerator)} of the ${gib(m.usableBytesPerAccelerator)} usable (${((m.requiredBytesPerAccelerator / m.usableBytesPerAccelerator) * 100).toFixed(1)}%).`,
    `The KV cache can hold ${plan.maxConcurrentSequences} sequences of ${plan.maxContextLength} tokens; ${plan.concurrency} ${plan.concurrency === 1 ? 'was' : 'were'} asked for.`,
  ];
  const candidates = plan.candidates ?? [];
  if (candidates.length > 0) {
    const meeting = candidates.filter((c) => c.meetsSlo);
    const chosen = candidates.find((c) => c.chosen);
    const cheapest = meeting.reduce<number>((min, c) => Math.min(min, c.costPerMillionTokensUsd ?? Infinity), Infinity);
    const isCheapest = chosen?.costPerMillionTokensUsd !== undefined && chosen.costPerMillionTokensUsd <= cheapest;
    out.push(
      `${candidates.length} configurations compared, ${meeting.length} meet the SLO${chosen?.costPerMillionTokensUsd !== undefined ? `; this one costs ${usdPerMillion(chosen.costPerMillionTokensUsd)} per million output tokens${isCheapest ? ', the least of those that meet it' : ''}` : ''}.`,
    );
  }
  const p = plan.performance;
  if (p && plottable(p))
    out.push(
      `Predicted at ${p.load.concurrency} concurrent requests per replica: TTFT ${ms(p.ttftMs)}${plusMinus(p.uncertainty.ttftPct)}, TPOT ${ms(p.tpotMs)}${plusMinus(p.uncertainty.tpotPct)}, ${fixed(p.outputTokensPerSecond, 0)} output tokens/s, ${p.bound}-bound.`,
    );
  return out;
}

function facts(plan: ModelPlan): string {
  const it = plan.instanceType;
  const pairs: [string, string][] = [
    ['engine', plan.engine],
    ['accelerator', `${plan.accelerator.displayName} (${plan.accelerator.id})`],
    ['instance type', it ? `${it.name}: ${it.acceleratorCount} × ${plan.accelerator.id}, ${it.vcpu} vCPU` : `on-prem nodes of ${plan.acceleratorsPerNode} × ${plan.accelerator.id}`],
    ['per replica', `${plan.acceleratorsPerReplica} device(s) on ${plan.nodesPerReplica} node(s), TP ${plan.tensorParallel} × PP ${plan.pipelineParallel}`],
    ['weights', `${plan.quantization} (${plan.model.dtype} checkpoint), ${gib(plan.memory.totalWeightsBytes)} in all`],
    ['context', `${plan.maxContextLength} tokens × ${plan.concurrency} sequence(s)`],
    [
      'cost per replica',
      plan.hourlyCostUsd === undefined ? 'unknown (no on-demand price for this hardware)' : `${usdPerHour(plan.hourlyCostUsd)} on demand (${PRICE_REGION}, prices of ${PRICE_DATE})`,
    ],
    ['replicas for the SLO', plan.replicas === undefined ? 'not predicted' : String(plan.replicas)],
    ['cost per 1M output tokens', plan.costPerMillionTokensUsd === undefined ? 'not predicted' : usdPerMillion(plan.costPerMillionTokensUsd)],
  ];
  return el('dl', { class: 'facts' }, pairs.map(([k, v]) => el('dt', {}, esc(k)) + el('dd', {}, esc(v))).join(''));
}

/** One model's section: the configuration and why, memory per GPU, latency against load, cost against latency. */
export function renderPlanSection(plan: ModelPlan, options: PlanReportOptions = {}, at: { heading?: string; id?: string } = {}): string {
  const { heading, id } = at;
  const title = heading ?? plan.model.id;
  const warnings = plan.warnings.length > 0 ? el('h3', {}, 'Warnings') + el('ul', { class: 'warnings' }, plan.warnings.map((w) => el('li', {}, esc(w))).join('')) : '';
  return el(
    'section',
    { class: 'model', id, 'data-model': plan.model.id },
    el('h2', {}, esc(title)) +
      (heading ? el('p', { class: 'muted' }, esc(plan.model.id)) : '') +
      facts(plan) +
      el('h3', {}, 'Why this configuration') +
      el(
        'ul',
        { class: 'reasons' },
        reasons(plan)
          .map((r) => el('li', {}, esc(r)))
          .join(''),
      ) +
      warnings +
      memoryChart(plan) +
      latencyChart(
        latencyData(plan, options),
        options.estimate ? 'the plan was not made for a workload, so there are no request lengths to predict at (give the worker or the plan a workload)' : undefined,
      ) +
      costChart(plan),
  );
}
