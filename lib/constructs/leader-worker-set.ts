import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { rejectUnknownProps } from '../unknown-props';
import { LEADER_WORKER_SET_SPEC } from './props-specs';

/**
 * A typed subset of LeaderWorkerSet (leaderworkerset.x-k8s.io/v1, v0.10.0): one leader pod and
 * `size - 1` workers per group, created and restarted together. The generated import of this CRD is
 * ~38k lines; this small interface is validated against the CRD's openAPIV3Schema in the tests.
 */
export interface LeaderWorkerSetProps {
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  /** Groups; undefined when an autoscaler owns the count. */
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
