export { LlmWorker, type LlmWorkerProps } from './llm-worker';
export { type ModelCache } from './model-cache';
export { LeaderWorkerSet, type LeaderWorkerSetProps } from './leader-worker-set';
export { GpuNodePool, type GpuNodePoolProps, type OnPremOptions, type KarpenterPoolOptions, type PlumbingOptions, type PoolClaim } from './gpu-node-pool';
export { type KarpenterOptions, type KarpenterDisruption } from './karpenter';
export * from './plumbing';
