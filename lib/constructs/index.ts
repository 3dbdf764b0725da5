export { LlmWorker, type LlmWorkerProps } from './llm-worker';
export { type ModelCache } from './model-cache';
export { LeaderWorkerSet, type LeaderWorkerSetProps } from './leader-worker-set';
export { GpuNodePool, type GpuNodePoolProps, type PoolProvisioner, type KarpenterProvisioner, type OnPremProvisioner, type PlumbingOptions, type PoolClaim } from './gpu-node-pool';
export { type KarpenterOptions, type KarpenterDisruption } from './karpenter';
export { type OnPremInterconnect, EFA_RESOURCE } from './interconnect';
export * from './plumbing';
export {
  InferenceGateway,
  type InferenceGatewayProps,
  type GatewayImplementation,
  type LiteLlmImplementation,
  type FastChatImplementation,
  type GatewayApiImplementation,
} from './gateway/inference-gateway';
export { type GatewayExposure, type ParentRef } from './gateway/exposure';
export { type GatewayApiOptions, type EndpointPickerRef, MODEL_HEADER } from './gateway/gateway-api';
export { type Peer } from './gateway/network-policies';
export { type IInferenceBackend, type BackendApi, type BackendPods, type GatewayAttachment } from './inference-backend';
export { ExternalModel, type ExternalModelProps } from './external-model';
export { type AutoscalingProps, adapterRule } from './autoscaling';
export { AutoscaledTriton, type AutoscaledTritonProps } from './autoscaled-triton';
export { LlmStack, type LlmStackProps } from './stack/llm-stack';
export { type StackImages } from './stack/images';
export { type StackSummary, type ModelSummary } from './stack/summary';
export { reportSummaries } from './stack/report';
export { podSecurityLevel, namespaceSecurityLevel, type PodSecurityLevel } from './stack/pod-security';
