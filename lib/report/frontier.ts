/**
 * The cost/latency frontier: the points no other point beats on both cost and latency (lower is better
 * on both). Returned in order of increasing latency, so cost falls along it.
 */
export function paretoFrontier<T>(items: readonly T[], latency: (t: T) => number, cost: (t: T) => number): T[] {
  const sorted = [...items].sort((a, b) => latency(a) - latency(b) || cost(a) - cost(b));
  const frontier: T[] = [];
  let best = Infinity;
  for (const item of sorted) {
    if (cost(item) < best) {
      frontier.push(item);
      best = cost(item);
    }
  }
  return frontier;
}
