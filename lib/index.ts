/**
 * llm-constructs: serve open-weight LLMs on Kubernetes GPUs from typed constructs, sized and checked
 * before anything is deployed. This root export is the sizing core and its catalogs; it never needs
 * Pulumi installed.
 */
export * from './catalog';
export * from './sizing';
export { LlmConstructsError, SizingError, ValidationError } from './errors';
export * from './constructs';
export type { SecretKeyRef, ContainerRecipe, EnvVar, EngineOptions } from './engines/types';
