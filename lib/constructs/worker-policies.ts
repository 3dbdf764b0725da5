import type { Construct } from 'constructs';
import { allowIngress, type Peer } from './gateway/network-policies';

/** Construct ids of the policies a gateway takes over when it fronts a worker that is not `internal`. */
export const OPEN_POLICY_IDS = ['allow-namespace', 'allow-monitoring'] as const;

export interface WorkerPolicyInput {
  readonly name: string;
  /** Labels of every pod of the worker (leader and workers of a multi-node replica). */
  readonly selector: Readonly<Record<string, string>>;
  readonly labels: Record<string, string>;
  /** Ports clients call (http, grpc). */
  readonly clientPorts: readonly number[];
  /** Port Prometheus scrapes, when the engine exports metrics. */
  readonly metricsPort?: number;
  readonly monitoring: Peer;
  /** One replica spans several pods (Ray head and Ray workers). */
  readonly multiNode: boolean;
}

/**
 * A worker's own NetworkPolicies, the same whether or not it runs in a stack, single- or multi-node:
 * - pods of its namespace may call its client ports, and `monitoring` may scrape its metrics port. These
 *   two are the worker's front while no gateway fronts it; a gateway that attaches a worker which is not
 *   `internal` removes them (its own policies admit only the gateway's callers);
 * - the pods of one multi-node replica reach each other on every port (Ray GCS 6379, raylets, object
 *   manager, NCCL): any policy that selects a pod isolates it for ingress, so without the other two this
 *   one alone would shut clients and Prometheus out.
 */
export function workerPolicies(scope: Construct, input: WorkerPolicyInput): void {
  const { name, selector, labels } = input;
  allowIngress(scope, OPEN_POLICY_IDS[0], `${name}-clients`, selector, input.clientPorts, [{ pods: {} }], labels);
  if (input.metricsPort !== undefined) {
    allowIngress(scope, OPEN_POLICY_IDS[1], `${name}-monitoring`, selector, [input.metricsPort], [input.monitoring], labels);
  }
  if (input.multiNode) allowIngress(scope, 'allow-peers', `${name}-peers`, selector, [], [{ pods: selector }], labels);
}

/** A gateway now fronts the worker: its policies replace the worker's open ones (unless the worker is internal). */
export function closeWorkerPolicies(scope: Construct): void {
  for (const id of OPEN_POLICY_IDS) scope.node.tryRemoveChild(id);
}
