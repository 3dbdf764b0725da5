/**
 * `llm-constructs/pulumi`: deploy an LlmStack with Pulumi. Needs the optional peer dependencies
 * `@pulumi/pulumi` and `@pulumi/kubernetes`; the root `llm-constructs` export never loads this module.
 */
export { LlmStackComponent, LLM_STACK_TYPE, type LlmStackComponentArgs } from './llm-stack-component';
export { planRegistrations, podSpecReferences, resourceName, type KubeObject, type Registration } from './plan';
export { apiGroup, isCustomResource, factoryFor, type ResourceFactory, typedKindKeys } from './kinds';
