/**
 * llm-constructs: serve open-weight LLMs on Kubernetes GPUs from typed constructs, sized and checked
 * before anything is deployed. The root export: catalogs, the sizing core, engine recipes and the
 * cdk8s constructs. It never needs Pulumi installed.
 */
export * from './catalog';
export * from './sizing';
// The root planModel is lib/performance's: the sizing plan, plus SLO sizing when a workload is given.
export * from './performance';
export { planModel } from './performance/plan';
export { LlmConstructsError, SizingError, ValidationError } from './errors';
export * from './constructs';
export * from './engines';
export { renderPlanReport, renderStackReport, stackReportInput, type PlanReportOptions, type StackReportInput, type StackReportModel } from './report';
