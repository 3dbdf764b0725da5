import { interconnectOf } from '../performance/hardware';
import { estimateMemory, type MemoryEstimate } from './memory';
import { validTensorParallelSizes } from './parallelism';
import { singleGpuGguf, type HardwareOption, type ResolvedRequest } from './request';
import { vllmBatchDefaults, vllmGraphCaptureCeiling, type VllmSettings } from './vllm-accounting';

/** Most nodes one replica may span (pipeline stages across nodes). */
export const MAX_NODES_PER_REPLICA = 16;

/** One way to run a replica on one kind of hardware. */
export interface Layout {
  readonly option: HardwareOption;
  readonly tensorParallel: number;
  readonly pipelineParallel: number;
  /** Ranks per device: 2 NeuronCores per Neuron device, 1 for a GPU. */
  readonly ranksPerDevice: number;
  readonly devices: number;
  readonly nodes: number;
  readonly memory: MemoryEstimate;
  /** nodes x on-demand price; undefined without a priced instance type. */
  readonly hourlyCostUsd?: number;
  /** vLLM's settings on this hardware (the request's, else vLLM's defaults for the GPU). */
  readonly vllm?: VllmSettings;
}

/** The request's vLLM settings completed with vLLM's defaults for this GPU (never fewer sequences than `concurrency`). */
export function vllmSettingsFor(request: ResolvedRequest, option: HardwareOption): VllmSettings | undefined {
  const asked = request.vllm;
  if (!asked) return undefined;
  const defaults = vllmBatchDefaults(option.accelerator.usableMemoryBytes, option.accelerator.id);
  const maxNumBatchedTokens = asked.maxNumBatchedTokens ?? Math.max(defaults.maxNumBatchedTokens, asked.maxNumSeqs ?? 0);
  const maxNumSeqs = asked.maxNumSeqs ?? Math.max(Math.min(defaults.maxNumSeqs, maxNumBatchedTokens), request.concurrency);
  return {
    version: asked.version,
    maxNumSeqs,
    maxNumBatchedTokens: Math.max(maxNumBatchedTokens, maxNumSeqs),
    enforceEager: asked.enforceEager,
    maxCaptureSize: vllmGraphCaptureCeiling(option.accelerator.computeCapability),
    pcieOnly: interconnectOf(option.accelerator).kind === 'pcie',
  };
}

/** The outcome of searching one hardware option: the smallest layout that fits, or the closest miss. */
export interface OptionResult {
  readonly fit?: Layout;
  /** The largest layout tried when nothing fits (the best the hardware can do). */
  readonly closest?: Layout;
  /** Why nothing was tried (forced sizes larger than the node, ...). */
  readonly reason?: string;
}

function ranksPerDevice(option: HardwareOption): number {
  return option.accelerator.neuronCoresPerDevice ?? 1;
}

function layout(request: ResolvedRequest, option: HardwareOption, tp: number, pp: number): Layout {
  const perDevice = ranksPerDevice(option);
  const devices = Math.ceil((tp * pp) / perDevice);
  const nodes = Math.ceil(devices / option.devicesPerNode);
  const vllm = vllmSettingsFor(request, option);
  const memory = estimateMemory({
    model: request.model,
    profile: request.profile,
    quantization: request.quantization,
    kvCacheDtype: request.kvCacheDtype,
    rankMemoryBytes: option.accelerator.usableMemoryBytes / perDevice,
    utilization: request.utilization,
    tensorParallel: tp,
    pipelineParallel: pp,
    maxContextLength: request.maxContextLength,
    concurrency: request.concurrency,
    vllm,
  });
  const price = option.instanceType?.onDemandUsdPerHour;
  return {
    option,
    tensorParallel: tp,
    pipelineParallel: pp,
    ranksPerDevice: perDevice,
    devices,
    nodes,
    memory,
    vllm,
    hourlyCostUsd: price === undefined ? undefined : round4(nodes * price),
  };
}

function round4(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

/** (TP, PP) pairs to try on one node, smallest first. */
function singleNodeSplits(request: ResolvedRequest, option: HardwareOption, ranksPerNode: number): Array<[number, number]> {
  const { profile, tensorParallel, pipelineParallel, model } = request;
  const perDevice = ranksPerDevice(option);
  if (profile.layerSplit) {
    const gpus = pipelineParallel ? [pipelineParallel] : range(1, ranksPerNode);
    return gpus.map((pp) => [1, pp]);
  }
  if (singleGpuGguf(profile, request.quantization)) return [[1, 1]];
  const tps = tensorParallel
    ? [tensorParallel]
    : profile.tensorParallel
      ? // Neuron: whole devices only, since pods request `aws.amazon.com/neuron` devices.
        validTensorParallelSizes(model, ranksPerNode).filter((tp) => tp % perDevice === 0)
      : [1];
  const pp = pipelineParallel ?? 1;
  return tps.map((tp) => [tp, pp] as [number, number]).sort((a, b) => a[0] * a[1] - b[0] * b[1]);
}

/** (TP, PP >= 2) pairs that stay inside one node, fewest accelerators first, then the largest TP. */
function inNodePipelineSplits(request: ResolvedRequest, option: HardwareOption, ranksPerNode: number): Array<[number, number]> {
  const splits: Array<[number, number]> = [];
  for (const [tp] of singleNodeSplits(request, option, ranksPerNode)) {
    for (let pp = 2; tp * pp <= ranksPerNode && pp <= request.model.layers; pp++) splits.push([tp, pp]);
  }
  return splits.sort((a, b) => a[0] * a[1] - b[0] * b[1] || b[0] - a[0]);
}

/** Smallest layout of `request` that fits on `option`. */
export function searchOption(request: ResolvedRequest, option: HardwareOption): OptionResult {
  const ranksPerNode = option.devicesPerNode * ranksPerDevice(option);
  const hardware = describeHardware(option);
  if (request.tensorParallel && request.tensorParallel > ranksPerNode) {
    return { reason: `tensorParallel ${request.tensorParallel} needs ${request.tensorParallel} accelerators in one node; ${hardware} has ${ranksPerNode}` };
  }
  let closest: Layout | undefined;
  for (const [tp, pp] of singleNodeSplits(request, option, ranksPerNode)) {
    if (tp * pp > ranksPerNode && !(request.profile.multiNode && ranksPerNode % tp === 0)) {
      return { closest, reason: `TP ${tp} x PP ${pp} needs ${tp * pp} accelerators; ${hardware} has ${ranksPerNode} per node and ${request.engine} cannot span nodes` };
    }
    const candidate = layout(request, option, tp, pp);
    if (candidate.memory.fits) return { fit: candidate };
    closest = candidate;
  }
  if (request.pipelineParallel || !request.profile.multiNode || singleGpuGguf(request.profile, request.quantization)) {
    return { closest };
  }

  // No tensor-parallel split fits: pipeline stages inside the node come before spanning nodes (each
  // stage holds 1/PP of the layers, their KV cache and their CUDA graphs). Fewest accelerators first,
  // then the largest TP (fewer pipeline bubbles).
  for (const [tp, pp] of inNodePipelineSplits(request, option, ranksPerNode)) {
    const candidate = layout(request, option, tp, pp);
    if (candidate.memory.fits) return { fit: candidate };
  }
  if (!hasFastInterconnect(option)) return { closest };

  // One node is not enough: the largest valid TP inside each node, one pipeline stage per node.
  const tp = request.tensorParallel ?? Math.max(...singleNodeSplits(request, option, ranksPerNode).map(([t]) => t));
  if (ranksPerNode % tp !== 0) return { closest };
  for (let pp = 2; pp <= Math.min(request.model.layers, MAX_NODES_PER_REPLICA * (ranksPerNode / tp)); pp++) {
    const candidate = layout(request, option, tp, pp);
    if (candidate.nodes > MAX_NODES_PER_REPLICA) break;
    if (candidate.memory.fits) return { fit: candidate };
    closest = candidate;
  }
  return { closest };
}

/**
 * Pipeline stages across nodes exchange activations every step: only instance types with EFA are
 * chained automatically (on-prem nodes are assumed to have InfiniBand/RoCE). A forced
 * `pipelineParallel` may still span other nodes.
 */
function hasFastInterconnect(option: HardwareOption): boolean {
  return option.instanceType === undefined || option.instanceType.efa > 0;
}

/** Searches every hardware option; returns the best fitting layout (if any, by `compareLayouts`) and every option's result. */
export function findBestLayout(request: ResolvedRequest): { fit?: Layout; results: OptionResult[] } {
  const results = request.hardware.map((option) => searchOption(request, option));
  const fits = results.flatMap((result) => (result.fit ? [result.fit] : []));
  return { fit: fits.sort(compareLayouts)[0], results };
}

/** `g5.12xlarge (4 x A10G)` or `A100-SXM4-40GB nodes (8 per node)`. */
export function describeHardware(option: HardwareOption): string {
  return option.instanceType ? `${option.instanceType.name} (${option.devicesPerNode} x ${option.accelerator.id})` : `${option.accelerator.id} nodes (${option.devicesPerNode} per node)`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/**
 * Orders fitting layouts: one node before several (pipeline stages across nodes only when no single
 * node holds the model: cheap small instances chained over a slow network are not a bargain), then
 * cheapest per replica (unpriced hardware last), then tensor parallel alone before pipeline stages,
 * then fewer devices, then the larger TP, then by name so that the answer is deterministic.
 */
export function compareLayouts(a: Layout, b: Layout): number {
  const cost = (l: Layout) => l.hourlyCostUsd ?? Number.POSITIVE_INFINITY;
  return (
    Number(a.nodes > 1) - Number(b.nodes > 1) ||
    cost(a) - cost(b) ||
    Number(a.pipelineParallel > 1) - Number(b.pipelineParallel > 1) ||
    a.devices - b.devices ||
    b.tensorParallel - a.tensorParallel ||
    describeHardware(a.option).localeCompare(describeHardware(b.option))
  );
}
