import type { InstanceType } from '../catalog/types';

/** What a node pool of these instance types, capped at `maxAccelerators`, can bring and cost. */
export interface PoolShape {
  /** Devices of the largest instance type: the most one node offers a replica. */
  readonly largestNodeAccelerators: number;
  /** vCPU that `maxAccelerators` devices bring, at the most CPU-rich allowed instance per device. */
  readonly cpuLimit: number;
  /** Memory (MiB) that `maxAccelerators` devices bring, at the most memory-rich instance per device. */
  readonly memoryLimitMiB: number;
  /** USD/hour of `maxAccelerators` devices at the cheapest allowed shape per device, when priced. */
  readonly maxHourlyCostUsd?: number;
}

/**
 * Limits and cost of a pool. Karpenter counts a node's whole capacity against the limits, so CPU and
 * memory limits are taken at the richest instance per device: otherwise the CPU limit would stop the
 * pool before it reaches `maxAccelerators` devices.
 */
export function poolShape(instanceTypes: readonly InstanceType[], maxAccelerators: number): PoolShape {
  const perDevice = (value: (it: InstanceType) => number) => Math.max(...instanceTypes.map((it) => value(it) / it.acceleratorCount));
  const priced = instanceTypes.filter((it) => it.onDemandUsdPerHour !== undefined);
  const cheapestPerDevice = priced.length > 0 ? Math.min(...priced.map((it) => it.onDemandUsdPerHour! / it.acceleratorCount)) : undefined;
  return {
    largestNodeAccelerators: Math.max(...instanceTypes.map((it) => it.acceleratorCount)),
    cpuLimit: Math.ceil(perDevice((it) => it.vcpu) * maxAccelerators),
    memoryLimitMiB: Math.ceil(perDevice((it) => it.memoryMiB) * maxAccelerators),
    maxHourlyCostUsd: cheapestPerDevice === undefined ? undefined : Math.round(cheapestPerDevice * maxAccelerators * 1e4) / 1e4,
  };
}
