/**
 * The plan step of LlmWorker: its props checked, the planner's answer for them (within its pool), and
 * the replica count or autoscaling bounds that answer and the workload imply.
 */
import type { Construct } from 'constructs';
import type { SecretKeyRef } from '../engines/types';
import { planModel } from '../performance/plan';
import { workloadScaling } from '../performance/scaling';
import { ENGINE_PROFILES } from '../sizing/engine-profiles';
import { versionOfImage } from '../sizing/engine-version';
import { PLAN_REQUEST_SPEC } from '../sizing/request-spec';
import type { ModelPlan, PlanRequest } from '../sizing/types';
import { pickProps } from '../unknown-props';
import type { AutoscalingProps } from './autoscaling';
import { GpuNodePool } from './gpu-node-pool';
import type { LlmWorkerProps } from './llm-worker-props';
import { constructStep, describe, invalid } from './validation';

/** `spec.replicas` is an int32 in the Kubernetes API. */
const MAX_REPLICAS = 2_147_483_647;

/** What the plan step decides. */
export interface WorkerPlan {
  readonly plan: ModelPlan;
  /** Fixed replica count (ignored when `autoscaling` is set). */
  readonly replicas: number;
  readonly autoscaling?: AutoscalingProps;
}

/** Checks the props that bypass the planner, plans the model, and sizes replicas or autoscaling bounds. */
export function planWorker(scope: Construct, props: LlmWorkerProps): WorkerPlan {
  const id = scope.node.id;
  if (props.autoscaling && props.replicas !== undefined) {
    throw invalid(
      scope,
      'LlmWorker',
      'replicas-and-autoscaling',
      'replicas',
      `replicas ${describe(props.replicas)} and autoscaling ${describe(props.autoscaling)} are both set: set one (the autoscaler owns the replica count)`,
      ['autoscaling: { minReplicas, maxReplicas }', 'replicas: N without autoscaling'],
    );
  }
  checkWorkerProps(scope, props);
  const fixed = props.replicas ?? 1;
  if (!Number.isSafeInteger(fixed) || fixed < 0 || fixed > MAX_REPLICAS) {
    throw invalid(scope, 'LlmWorker', 'invalid-replicas', 'replicas', `replicas must be an integer from 0 to ${MAX_REPLICAS}, got ${describe(fixed)}`, ['replicas: 1']);
  }
  const pool = props.nodePool;
  const plan = constructStep(scope, `LlmWorker ${pool ? `${id} on ${pool.describe()}` : id}`, () => planModel(planRequest(props)));
  if (plan.nodesPerReplica > 1 && !ENGINE_PROFILES[plan.engine].multiNode) {
    throw invalid(scope, 'LlmWorker', 'no-multi-node', 'engine', `${plan.model.id} needs ${plan.nodesPerReplica} nodes per replica, but ${plan.engine} cannot span nodes`, [
      "engine: 'vllm' (multi-node with a LeaderWorkerSet)",
      'a larger instance type or a quantization that fits one node',
    ]);
  }
  const sized = workloadScaling(plan, props.workload);
  const autoscaling =
    props.autoscaling && sized
      ? ({ minReplicas: 1, maxReplicas: sized.replicas, ...(props.autoscaling.metric === undefined ? { target: sized.queueDepthTarget } : {}), ...definedOnly(props.autoscaling) } as AutoscalingProps)
      : (props.autoscaling as AutoscalingProps | undefined);
  return { plan, replicas: props.replicas ?? sized?.replicas ?? fixed, autoscaling };
}

/**
 * The props that reach the manifest without passing the planner: checked here, so that a plain
 * JavaScript caller's string-for-a-list or typo fails with the prop's name rather than as a TypeError or
 * a manifest the API server (or the engine) rejects later.
 */
function checkWorkerProps(scope: Construct, props: LlmWorkerProps): void {
  const fail = (field: string, expected: string, value: unknown, suggestion: string) =>
    invalid(scope, 'LlmWorker', 'invalid-props', field, `${field} must be ${expected}, got ${describe(value)}`, [suggestion]);
  const text = (value: unknown) => typeof value === 'string' && value.trim() !== '';
  const strings = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'string');
  if (props.nodePool !== undefined && !(props.nodePool instanceof GpuNodePool)) {
    throw fail('nodePool', 'a GpuNodePool construct', props.nodePool, "nodePool: new GpuNodePool(chart, 'a10g', { ... })");
  }
  const secret = props.hfTokenSecret as unknown;
  if (secret !== undefined && !(typeof secret === 'object' && secret !== null && text((secret as SecretKeyRef).name) && text((secret as SecretKeyRef).key))) {
    throw fail('hfTokenSecret', 'a Secret key reference { name, key }', secret, "hfTokenSecret: { name: 'hf-token', key: 'token' }");
  }
  if (props.extraArgs !== undefined && !strings(props.extraArgs)) throw fail('extraArgs', 'a list of strings', props.extraArgs, "extraArgs: ['--enforce-eager']");
  const env = props.extraEnv as unknown;
  if (env !== undefined) {
    if (typeof env !== 'object' || env === null || Array.isArray(env)) throw fail('extraEnv', 'an object of NAME: value strings', env, "extraEnv: { VLLM_LOGGING_LEVEL: 'DEBUG' }");
    for (const [name, value] of Object.entries(env)) {
      if (typeof value !== 'string') throw fail(`extraEnv.${name}`, 'a string', value, `extraEnv: { ${name}: '${String(value)}' }`);
    }
  }
  if (props.imagePullSecrets !== undefined && !(strings(props.imagePullSecrets) && props.imagePullSecrets.every(text))) {
    throw fail('imagePullSecrets', 'a list of Secret names', props.imagePullSecrets, "imagePullSecrets: ['regcred']");
  }
  if (props.imagePullPolicy !== undefined && !['IfNotPresent', 'Always', 'Never'].includes(props.imagePullPolicy)) {
    throw fail('imagePullPolicy', "'IfNotPresent', 'Always' or 'Never'", props.imagePullPolicy, "imagePullPolicy: 'IfNotPresent'");
  }
  if (props.rollout !== undefined && !['replace', 'surge'].includes(props.rollout)) throw fail('rollout', "'replace' or 'surge'", props.rollout, "rollout: 'replace'");
  const grace = props.terminationGracePeriodSeconds;
  if (grace !== undefined && !(Number.isSafeInteger(grace) && grace >= 0)) {
    throw fail('terminationGracePeriodSeconds', 'a non-negative integer', grace, 'terminationGracePeriodSeconds: 120');
  }
  const bandwidth = props.loadBandwidthBytesPerSecond;
  if (bandwidth !== undefined && !(typeof bandwidth === 'number' && Number.isFinite(bandwidth) && bandwidth > 0)) {
    throw fail('loadBandwidthBytesPerSecond', 'a positive number of bytes per second', bandwidth, 'loadBandwidthBytesPerSecond: 200e6 (200 MB/s)');
  }
  if (props.servedModelName !== undefined && !text(props.servedModelName)) throw fail('servedModelName', 'a non-empty string', props.servedModelName, "servedModelName: 'mistral-7b'");
  if (props.image !== undefined && !(text(props.image) && !/\s/.test(props.image)))
    throw fail('image', 'an image reference without spaces', props.image, "image: 'registry.example.com/vllm-openai:v0.11.0'");
  if (props.internal !== undefined && typeof props.internal !== 'boolean') throw fail('internal', 'true or false', props.internal, 'internal: true');
}

/** The fields that are set (an explicit `undefined` must not override a workload-derived default). */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The worker's PlanRequest: its own sizing props, within its pool's hardware when it has one. */
function planRequest(props: LlmWorkerProps): PlanRequest {
  const { nodePool } = props;
  const own = pickProps<PlanRequest>(props, PLAN_REQUEST_SPEC);
  // Plan for the release the pod runs: an `image` tagged with a version sets engineVersion (issue 14).
  const imageVersion = typeof props.image === 'string' && props.engineVersion === undefined ? versionOfImage(props.image) : undefined;
  const request = imageVersion ? { ...own, engineVersion: imageVersion } : own;
  if (!nodePool) return request;
  return nodePool.planRequest(request, props);
}
