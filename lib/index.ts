/**
 * llm-constructs: serve open-weight LLMs on Kubernetes GPUs from typed constructs, sized and checked
 * before anything is deployed. It never needs Pulumi installed (`llm-constructs/pulumi` does).
 *
 * The public API, listed in this one place (test/public-api.test.ts pins the runtime exports, so an
 * accidental export fails): constructs, the planner, performance, the report, catalog lookups, errors
 * and every public type. Internals (memory formulas, recipe builders, image pins, ports) are not
 * exported from the root.
 */

// Constructs
export {
  AutoscaledTriton,
  ExternalModel,
  GpuNodePool,
  InferenceGateway,
  LeaderWorkerSet,
  LlmStack,
  LlmWorker,
  MODEL_HEADER,
  namespaceSecurityLevel,
  podSecurityLevel,
  reportSummaries,
} from './constructs';

// The planner and performance: the root planModel is lib/performance's (the sizing plan, plus SLO
// sizing when a workload is given).
export { planModel } from './performance/plan';
export { deploymentHourlyCost, estimatePerformance, planForWorkload } from './performance';

// The sizing report
export { renderPlanReport, renderStackReport, stackReportInput } from './report';

// Catalog lookups
export {
  ACCELERATORS,
  ALL_MODELS,
  INSTANCE_TYPES,
  MODELS,
  MODEL_VARIANTS,
  PRICE_DATE,
  PRICE_REGION,
  findAccelerator,
  lookupAccelerator,
  lookupInstanceType,
  lookupModel,
  modelFromConfig,
  validateModelArchitecture,
} from './catalog';

// Errors
export { LlmConstructsError, SizingError, ValidationError } from './errors';

// Types (no runtime symbols)
export type * from './catalog/types';
export type * from './sizing/types';
export type * from './performance/types';
export type * from './engines/types';
export type { ModelFromConfigOptions, ModelRecord } from './catalog';
export type { PlanReportOptions, StackReportInput, StackReportModel } from './report';
export type * from './constructs';
