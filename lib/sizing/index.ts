export { planModel } from './planner';
export { ENGINE_PROFILES, type EngineSizingProfile } from './engine-profiles';
export { kvCacheBytesPerToken, activationBytes, estimateMemory } from './memory';
export { weightBytes, quantizationIncompatibility, isGguf } from './quantization';
export { validTensorParallelSizes, tensorParallelIncompatibility, kvHeadsPerRank } from './parallelism';
export { DEFAULT_ACCELERATORS_PER_NODE, DEFAULT_MAX_CONTEXT } from './request';
export * from './types';
export { SizingError } from '../errors';
