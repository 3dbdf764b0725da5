import { lookupAccelerator } from '../catalog/accelerators';
import { INSTANCE_TYPES } from '../catalog/instance-types';
import type { InstanceType } from '../catalog/types';
import { formatGiB } from '../catalog/units';
import { isGguf, weightBytes } from './quantization';
import { hardwareIncompatibility, type HardwareOption, type ResolvedRequest } from './request';
import { describeHardware, findBestLayout, searchOption, type Layout } from './search';
import type { Quantization } from './types';

/**
 * When nothing fits, what would: a smaller weight format on the same hardware, more accelerators (a
 * larger instance type with the same accelerator), other hardware, a shorter context, fewer
 * concurrent sequences. Each suggestion is checked by planning it (the planner's own `findBestLayout`),
 * so none of them is a guess.
 */
export function suggestAlternatives(request: ResolvedRequest): string[] {
  const suggestions: string[] = [];
  const quantized = tryQuantizations(request);
  if (quantized) suggestions.push(quantized);

  if (request.hardwareField) {
    const accelerator = request.hardware[0].accelerator;
    const sameAccelerator = findBestLayout({ ...request, hardware: ec2Options(request, (it) => it.acceleratorId === accelerator.id) }).fit;
    if (sameAccelerator && sameAccelerator.option.instanceType?.name !== request.hardware[0].instanceType?.name) {
      suggestions.push(`more accelerators: ${describeLayout(sameAccelerator)}`);
    }
  }
  const anywhere = findBestLayout({ ...request, hardware: ec2Options(request, () => true) }).fit;
  if (anywhere && request.hardwareField) suggestions.push(`other hardware: ${describeLayout(anywhere)}`);

  const shorter = shorterContext(request);
  if (shorter) suggestions.push(shorter);
  const fewer = fewerSequences(request);
  if (fewer) suggestions.push(fewer);
  if (request.tensorParallel !== undefined || request.pipelineParallel !== undefined) {
    // A forced split can be what fails (e.g. TP 16 on 8-GPU nodes): say what the planner's own choice is.
    const free = findBestLayout({ ...request, tensorParallel: undefined, pipelineParallel: undefined }).fit;
    if (free) suggestions.push(`omit tensorParallel/pipelineParallel: fits ${describeLayout(free)}`);
  }
  if (suggestions.length === 0) {
    suggestions.push(`${request.model.id} needs ${formatGiB(weightBytes(request.model, request.quantization))} of weights alone: no catalog hardware holds it with ${request.engine}`);
  }
  return suggestions;
}

function describeLayout(layout: Layout): string {
  const cost = layout.hourlyCostUsd === undefined ? '' : `, $${layout.hourlyCostUsd.toFixed(2)}/h`;
  const spread = layout.nodes > 1 ? ` on ${layout.nodes} nodes` : '';
  return `${describeHardware(layout.option)} with TP ${layout.tensorParallel}, PP ${layout.pipelineParallel}${spread}${cost}`;
}

/** Every catalog instance type the engine can run on and `keep` accepts, as hardware options. */
function ec2Options(request: ResolvedRequest, keep: (it: InstanceType) => boolean): HardwareOption[] {
  const options: HardwareOption[] = [];
  for (const it of INSTANCE_TYPES) {
    if (!keep(it)) continue;
    const accelerator = lookupAccelerator(it.acceleratorId);
    if (hardwareIncompatibility(request.engine, request.profile, request.quantization, accelerator) === undefined) {
      options.push({ accelerator, instanceType: it, devicesPerNode: it.acceleratorCount });
    }
  }
  return options;
}

/** A smaller weight format that the engine and hardware run and that fits the same hardware. */
function tryQuantizations(request: ResolvedRequest): string | undefined {
  const current = weightBytes(request.model, request.quantization);
  // GGUF in vLLM is experimental: suggest it only to the engines built for it.
  const formats = request.profile.quantizations
    .filter((q) => weightBytes(request.model, q) < current && (!isGguf(q) || !request.profile.tensorParallel))
    .sort((a, b) => weightBytes(request.model, b) - weightBytes(request.model, a));
  for (const quantization of formats) {
    const hardware = request.hardware.filter((h) => hardwareIncompatibility(request.engine, request.profile, quantization as Quantization, h.accelerator) === undefined);
    const fit = findBestLayout({ ...request, quantization, hardware }).fit;
    if (fit) return `quantization '${quantization}' (${formatGiB(weightBytes(request.model, quantization))} of weights): fits ${describeLayout(fit)}`;
  }
  return undefined;
}

/** The longest context that fits `concurrency` sequences on the largest layout tried. */
function shorterContext(request: ResolvedRequest): string | undefined {
  let longest = 0;
  for (const option of request.hardware) {
    const layout = searchOption({ ...request, maxContextLength: 1, concurrency: 1 }, option).fit;
    if (!layout) continue;
    const closest = searchOption(request, option).closest ?? layout;
    const perSequence = closest.memory.kvCacheBytesPerToken * request.concurrency;
    if (perSequence > 0) longest = Math.max(longest, Math.floor(closest.memory.kvCacheCapacityBytes / perSequence));
  }
  const rounded = Math.floor(longest / 256) * 256;
  if (rounded < 256 || rounded >= request.maxContextLength) return undefined;
  return `maxContextLength ${rounded} (the KV cache holds ${request.concurrency} sequence(s) of at most that many tokens)`;
}

/** The number of full-length sequences the best layout holds, when fewer than asked. */
function fewerSequences(request: ResolvedRequest): string | undefined {
  if (request.concurrency <= 1) return undefined;
  const fit = findBestLayout({ ...request, concurrency: 1 }).fit;
  if (!fit) return undefined;
  const held = fit.memory.maxConcurrentSequences;
  if (held < 1 || held >= request.concurrency) return undefined;
  return `concurrency ${held} (${describeHardware(fit.option)} holds ${held} sequences of ${request.maxContextLength} tokens)`;
}
