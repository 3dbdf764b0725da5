export { LlmWorker, type LlmWorkerProps } from './llm-worker';
export { type ModelCache } from './model-cache';
export { LeaderWorkerSet, type LeaderWorkerSetProps } from './leader-worker-set';
