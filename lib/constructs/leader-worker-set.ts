import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { ContainerRecipe } from '../engines/types';
import { rejectUnknownProps } from '../unknown-props';
import { podTemplate, type PodTemplateInput } from './pod-template';
import { LEADER_WORKER_SET_SPEC } from './props-specs';
import { rayLeaderScript, rayWorkerScript } from './ray-group';

/**
 * A typed subset of LeaderWorkerSet (leaderworkerset.x-k8s.io/v1, v0.10.0): one leader pod and
 * `size - 1` workers per group, created and restarted together. The generated import of this CRD is
 * ~38k lines; this small interface is validated against the CRD's openAPIV3Schema in the tests.
 */
export interface LeaderWorkerSetProps {
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  /** Groups; undefined when an autoscaler owns the count. @default unset (the autoscaler owns the count; Kubernetes then defaults to 1) */
  readonly replicas?: number;
  /** Pods per group (leader included): the nodes of one replica. */
  readonly size: number;
  readonly leaderTemplate: k8s.PodTemplateSpec;
  readonly workerTemplate: k8s.PodTemplateSpec;
}

/** Label LWS puts on every pod: its index in the group (0 = the leader). */
export const LWS_WORKER_INDEX_LABEL = 'leaderworkerset.sigs.k8s.io/worker-index';

export class LeaderWorkerSet extends ApiObject {
  constructor(scope: Construct, id: string, props: LeaderWorkerSetProps) {
    rejectUnknownProps(`LeaderWorkerSet ${id}`, props, LEADER_WORKER_SET_SPEC);
    super(scope, id, {
      apiVersion: 'leaderworkerset.x-k8s.io/v1',
      kind: 'LeaderWorkerSet',
      metadata: props.metadata,
      spec: {
        replicas: props.replicas,
        // A lost pod breaks the whole tensor/pipeline group: restart the group together.
        startupPolicy: 'LeaderCreated',
        leaderWorkerTemplate: {
          size: props.size,
          restartPolicy: 'RecreateGroupOnPodRestart',
          leaderTemplate: k8s.toJson_PodTemplateSpec(props.leaderTemplate),
          workerTemplate: k8s.toJson_PodTemplateSpec(props.workerTemplate),
        },
      },
    });
  }
}

/**
 * vLLM over Ray as a LeaderWorkerSet of `nodes` pods per replica: the leader starts the Ray head and
 * serves; workers join the head and block.
 */
export function rayLeaderWorkerSet(
  scope: Construct,
  input: { readonly name: string; readonly replicas?: number; readonly nodes: number; readonly recipe: ContainerRecipe; readonly template: PodTemplateInput },
): LeaderWorkerSet {
  const { template } = input;
  // The recipe's args already carry `--distributed-executor-backend ray` for a multi-node plan.
  const serve = [...(input.recipe.command ?? ['python3', '-m', 'vllm.entrypoints.openai.api_server']), ...input.recipe.args];
  // Joining and waiting are bounded by the pod's startup budget: the group forms within the time a pod
  // has to get ready (workers may still be downloading their shards). The leader's startup probe then
  // allows the wait and the load one after the other.
  const leader = podTemplate({
    ...template,
    startupBudgetSeconds: 2 * template.startupBudgetSeconds,
    labels: { ...template.labels, role: 'leader' },
    command: ['/bin/sh', '-c'],
    args: [rayLeaderScript(serve, input.nodes, template.startupBudgetSeconds)],
  });
  const worker = podTemplate({
    ...template,
    labels: { ...template.labels, role: 'worker' },
    command: ['/bin/sh', '-c'],
    args: [rayWorkerScript(template.startupBudgetSeconds)],
  });
  // Workers serve no HTTP: their health is the group's (LWS recreates the group when one fails).
  const workerContainer = worker.spec!.containers[0];
  const workerSpec = { ...worker.spec!, containers: [{ ...workerContainer, startupProbe: undefined, readinessProbe: undefined, livenessProbe: undefined, ports: [] }] };
  return new LeaderWorkerSet(scope, 'leader-worker-set', {
    metadata: { name: input.name, labels: template.labels },
    replicas: input.replicas,
    size: input.nodes,
    leaderTemplate: leader,
    workerTemplate: { ...worker, spec: workerSpec },
  });
}
