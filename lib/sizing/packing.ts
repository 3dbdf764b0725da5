/**
 * What replicas cost once they are packed onto nodes. Karpenter launches nodes for pending pods and
 * places several pods on one node when their GPU requests fit (two TP-4 replicas on one 8-GPU p4de);
 * on-prem nodes are shared the same way. Replicas are packed first-fit decreasing (largest GPU request
 * first) per group: one group per instance type (or on-prem node kind), since pods of different instance
 * types never share a node. A replica spanning several nodes (pipeline stages) takes whole nodes.
 * Only accelerators are packed: CPU and memory requests are sized per replica from the node's share
 * (host-resources.ts) and are assumed to fit beside each other.
 */

export interface PackItem {
  /** Whose replicas these are (a worker), for its share of the cost. */
  readonly id: string;
  /** Nodes of one group can hold replicas of any item of that group (an instance type). */
  readonly group: string;
  readonly devicesPerNode: number;
  readonly devicesPerReplica: number;
  readonly nodesPerReplica: number;
  readonly replicas: number;
  /** On-demand USD per hour of one node; undefined when unpriced. */
  readonly nodeUsdPerHour?: number;
}

export interface PackedGroup {
  readonly group: string;
  readonly nodes: number;
  readonly devicesPerNode: number;
  readonly usedDevices: number;
  /** nodes x price; undefined when unpriced. */
  readonly hourlyCostUsd?: number;
}

export interface PackResult {
  readonly groups: readonly PackedGroup[];
  /** Sum over the priced groups. */
  readonly hourlyCostUsd: number;
  /** USD per hour charged to each item: every node's price split by the devices each item uses on it. */
  readonly shareUsdPerHour: Readonly<Record<string, number>>;
}

interface Node {
  free: number;
  readonly use: Map<string, number>;
}

const round4 = (usd: number) => Math.round(usd * 1e4) / 1e4;

/** Packs every item's replicas onto the fewest nodes first-fit decreasing finds, per group. */
export function packReplicas(items: readonly PackItem[]): PackResult {
  const groups: PackedGroup[] = [];
  const share: Record<string, number> = {};
  for (const id of items.map((i) => i.id)) share[id] = 0;
  for (const group of [...new Set(items.map((i) => i.group))]) {
    const members = items.filter((i) => i.group === group && i.replicas > 0);
    if (members.length === 0) continue;
    const perNode = members[0].devicesPerNode;
    const price = members[0].nodeUsdPerHour;
    const nodes: Node[] = [];
    const replicas = members.flatMap((item) => Array.from({ length: item.replicas }, () => item)).sort((a, b) => b.devicesPerReplica - a.devicesPerReplica);
    for (const item of replicas) {
      if (item.nodesPerReplica > 1 || item.devicesPerReplica >= perNode) {
        // Whole nodes: the replica's devices spread evenly over them.
        for (let n = 0; n < item.nodesPerReplica; n++) nodes.push({ free: 0, use: new Map([[item.id, perNode]]) });
        continue;
      }
      let node = nodes.find((candidate) => candidate.free >= item.devicesPerReplica);
      if (!node) {
        node = { free: perNode, use: new Map() };
        nodes.push(node);
      }
      node.free -= item.devicesPerReplica;
      node.use.set(item.id, (node.use.get(item.id) ?? 0) + item.devicesPerReplica);
    }
    if (price !== undefined) {
      for (const node of nodes) {
        const used = [...node.use.values()].reduce((a, b) => a + b, 0);
        for (const [id, devices] of node.use) share[id] += (price * devices) / used;
      }
    }
    groups.push({
      group,
      nodes: nodes.length,
      devicesPerNode: perNode,
      usedDevices: replicas.reduce((sum, r) => sum + r.devicesPerReplica, 0),
      hourlyCostUsd: price === undefined ? undefined : round4(nodes.length * price),
    });
  }
  for (const id of Object.keys(share)) share[id] = round4(share[id]);
  return { groups, hourlyCostUsd: round4(groups.reduce((sum, g) => sum + (g.hourlyCostUsd ?? 0), 0)), shareUsdPerHour: share };
}
