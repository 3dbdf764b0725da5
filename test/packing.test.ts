/**
 * Packed costs (issue 14, "Cost that matches what is billed"): replicas that fit together on one node
 * are billed as one node; replicas that cannot share (different instance types, whole-node replicas)
 * are not. Prices come from the instance-type catalog.
 */
import { lookupInstanceType } from '../lib/catalog/instance-types';
import { packReplicas, type PackItem } from '../lib/sizing/packing';

const p4de = lookupInstanceType('p4de.24xlarge');
const p5 = lookupInstanceType('p5.48xlarge');
const g5 = lookupInstanceType('g5.12xlarge');
const item = (id: string, it: typeof p5, devices: number, replicas: number, nodesPerReplica = 1): PackItem => ({
  id,
  group: it.name,
  devicesPerNode: it.acceleratorCount,
  devicesPerReplica: devices,
  nodesPerReplica,
  replicas,
  nodeUsdPerHour: it.onDemandUsdPerHour,
});

describe('first-fit packing of replicas onto nodes', () => {
  test('two TP-4 replicas share one 8-GPU p4de: billed as one node, each model pays half', () => {
    const packed = packReplicas([item('a', p4de, 4, 1), item('b', p4de, 4, 1)]);
    expect(packed.groups).toEqual([expect.objectContaining({ group: 'p4de.24xlarge', nodes: 1, usedDevices: 8 })]);
    expect(packed.hourlyCostUsd).toBeCloseTo(p4de.onDemandUsdPerHour!, 4);
    expect(packed.shareUsdPerHour.a).toBeCloseTo(p4de.onDemandUsdPerHour! / 2, 4);
    expect(packed.shareUsdPerHour.a + packed.shareUsdPerHour.b).toBeCloseTo(packed.hourlyCostUsd, 3);
  });

  test('5 workers on p5.48xlarge of 1..4 GPUs fit 2 nodes, not 5 (the issue: $275/h read where ~$110/h is billed)', () => {
    const items = [item('w1', p5, 4, 1), item('w2', p5, 4, 1), item('w3', p5, 2, 1), item('w4', p5, 2, 1), item('w5', p5, 1, 1)];
    const packed = packReplicas(items);
    expect(packed.groups[0].nodes).toBe(2);
    expect(packed.hourlyCostUsd).toBeCloseTo(2 * p5.onDemandUsdPerHour!, 3);
    const unpacked = items.length * p5.onDemandUsdPerHour!;
    expect(packed.hourlyCostUsd).toBeLessThan(unpacked / 2);
  });

  test('replicas of different instance types never share a node', () => {
    const packed = packReplicas([item('a', p4de, 4, 1), item('b', p5, 4, 1)]);
    expect(packed.groups.map((g) => g.nodes)).toEqual([1, 1]);
    expect(packed.hourlyCostUsd).toBeCloseTo(p4de.onDemandUsdPerHour! + p5.onDemandUsdPerHour!, 3);
  });

  test('whole-node and multi-node replicas take whole nodes; a 3-GPU and a 2-GPU replica cannot share a 4-GPU g5.12xlarge', () => {
    expect(packReplicas([item('big', p5, 16, 1, 2), item('small', p5, 1, 1)]).groups[0].nodes).toBe(3);
    expect(packReplicas([item('a', g5, 3, 1), item('b', g5, 2, 1)]).groups[0].nodes).toBe(2);
    expect(packReplicas([item('a', g5, 2, 2)]).groups[0].nodes).toBe(1);
  });

  test('unpriced nodes are counted but cost nothing; zero replicas take no node', () => {
    const packed = packReplicas([{ ...item('a', p5, 4, 1), nodeUsdPerHour: undefined }, item('b', p5, 4, 0)]);
    expect(packed.groups[0].nodes).toBe(1);
    expect(packed.hourlyCostUsd).toBe(0);
  });
});
