/**
 * The keys each construct's props accept, nested option objects included, for `rejectUnknownProps`
 * (lib/unknown-props.ts). Each spec is mapped over its interface: a prop added without its entry here
 * fails to compile. Imports here are type-only.
 */
import type { SecretKeyRef } from '../engines/types';
import { PLAN_REQUEST_SPEC } from '../sizing/request-spec';
import { propSpec } from '../unknown-props';
import type { AutoscaledTritonProps } from './autoscaled-triton';
import type { AutoscalingProps } from './autoscaling';
import type { ParentRef } from './gateway/exposure';
import type { FastChatImplementation, GatewayApiImplementation, InferenceGatewayProps, LiteLlmImplementation } from './gateway/gateway-props';
import type { ExternalModelProps } from './external-model';
import type { GpuNodePoolProps, KarpenterProvisioner, OnPremProvisioner, PlumbingOptions } from './gpu-node-pool-props';
import type { LeaderWorkerSetProps } from './leader-worker-set';
import type { LlmWorkerProps } from './llm-worker';
import type { ModelCache } from './model-cache';
import type { LlmStackProps } from './stack/llm-stack';

const SECRET_KEY_REF = propSpec<SecretKeyRef>()({ name: true, key: true });
const MODEL_CACHE = propSpec<ModelCache>()({ type: true, storageClassName: true, sizeGiB: true, accessMode: true, claimName: true, path: true });
const PARENT_REF = propSpec<ParentRef>()({ name: true, namespace: true, sectionName: true, dataPlaneNamespace: true });

const AUTOSCALING = propSpec<AutoscalingProps>()({
  minReplicas: true,
  maxReplicas: true,
  metric: true,
  target: true,
  scaler: true,
  scaleToZero: true,
  wakeUpQuery: true,
  prometheusUrl: true,
});

const { instanceTypes: _notOnAWorker, ...WORKER_SIZING } = PLAN_REQUEST_SPEC;

export const LLM_WORKER_SPEC = propSpec<LlmWorkerProps>()({
  ...WORKER_SIZING,
  nodePool: true,
  internal: true,
  monitoring: true,
  replicas: true,
  autoscaling: AUTOSCALING,
  servedModelName: true,
  name: true,
  hfTokenSecret: SECRET_KEY_REF,
  imagePullSecrets: true,
  modelCache: MODEL_CACHE,
  checkpoint: true,
  ggufFile: true,
  trtllmEngineDir: true,
  ggufRepo: true,
  ollamaModel: true,
  prefetch: { timeoutSeconds: true, retries: true },
  image: true,
  imagePullPolicy: true,
  extraArgs: true,
  extraEnv: true,
  loadBandwidthBytesPerSecond: true,

  rollout: true,
  terminationGracePeriodSeconds: true,
  controllerUrl: true,
});

const PLUMBING = propSpec<PlumbingOptions>()({ installDevicePlugin: true, installDcgmExporter: true, gpuSharing: { timeSlicing: { replicas: true }, mig: { strategy: true } }, namespace: true });

export const KARPENTER_PROVISIONER_SPEC = propSpec<KarpenterProvisioner>()({
  type: true,
  clusterName: true,
  nodeRole: true,
  amiAlias: true,
  subnetSelectorTerms: true,
  securityGroupSelectorTerms: true,
  rootVolumeGiB: true,
  tags: true,
  disruption: { consolidationPolicy: true, consolidateAfter: true, budgetNodes: true, expireAfter: true },
  weight: true,
});

export const ON_PREM_PROVISIONER_SPEC = propSpec<OnPremProvisioner>()({
  type: true,
  nodes: true,
  acceleratorsPerNode: true,
  nodeSelector: true,
  taint: { key: true, value: true, effect: true },
  runtimeClass: true,
  interconnect: { resource: true, perNode: true, ibHca: true, gidIndex: true },
});

export const GPU_NODE_POOL_SPEC = propSpec<GpuNodePoolProps>()({
  // Checked against the spec of its type (pool-props.ts): the keys of one member, not of the union.
  provisioner: true,
  plumbing: PLUMBING,
  accelerator: true,
  instanceTypes: true,
  instanceFamilies: true,
  capacityTypes: true,
  maxAccelerators: true,
  name: true,
});

/** Each member of the gateway's `implementation` union, with its own keys (checked once its type is known). */
export const GATEWAY_IMPLEMENTATION_SPECS = {
  litellm: propSpec<LiteLlmImplementation>()({ type: true, image: true }),
  fastchat: propSpec<FastChatImplementation>()({ type: true, image: true }),
  'gateway-api': propSpec<GatewayApiImplementation>()({ type: true, parentRef: PARENT_REF, hostnames: true, inferenceExtension: { endpointPickers: true } }),
} as const;

export const INFERENCE_GATEWAY_SPEC = propSpec<InferenceGatewayProps>()({
  implementation: { ...GATEWAY_IMPLEMENTATION_SPECS.litellm, ...GATEWAY_IMPLEMENTATION_SPECS.fastchat, ...GATEWAY_IMPLEMENTATION_SPECS['gateway-api'] },
  backends: true,
  apiKeySecret: SECRET_KEY_REF,
  allowUnauthenticated: true,
  expose: {
    type: true,
    nodePort: true,
    sourceRanges: true,
    host: true,
    tlsSecret: true,
    className: true,
    controllerNamespace: true,
    parentRef: PARENT_REF,
    hostnames: true,
    annotations: true,
    externalTrafficPolicy: true,
  },
  clients: true,
  monitoring: true,
  replicas: true,
  maxReplicas: true,
  imagePullSecrets: true,
  name: true,
});

export const EXTERNAL_MODEL_SPEC = propSpec<ExternalModelProps>()({ baseUrl: true, model: true, servedModelName: true, apiKeySecret: SECRET_KEY_REF, embedding: true });

export const AUTOSCALED_TRITON_SPEC = propSpec<AutoscaledTritonProps>()({
  model: true,
  accelerator: true,
  instanceType: true,
  nodePool: true,
  tensorParallel: true,
  pipelineParallel: true,
  maxContextLength: true,
  concurrency: true,
  minReplicas: true,
  maxReplicas: true,
  queueToComputeRatioTarget: true,
  scaler: true,
  hfTokenSecret: SECRET_KEY_REF,
  modelCache: MODEL_CACHE,
  prebuiltEngines: { claimName: true, path: true },
  image: true,
  name: true,
  workload: PLAN_REQUEST_SPEC.workload,
  monitoring: true,
  internal: true,
  imagePullSecrets: true,
});

export const LLM_STACK_SPEC = propSpec<LlmStackProps>()({ namespace: true, team: true, costCenter: true, labels: true, images: { registry: true, pullSecrets: true } });

export const LEADER_WORKER_SET_SPEC = propSpec<LeaderWorkerSetProps>()({ metadata: { name: true, labels: true }, replicas: true, size: true, leaderTemplate: true, workerTemplate: true });
