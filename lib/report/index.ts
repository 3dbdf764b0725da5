export { renderPlanReport } from './plan-report';
export { renderPlanSection, type PlanReportOptions } from './plan-section';
export { renderStackReport, acceleratorsByType, type StackReportInput, type StackReportModel } from './stack-report';
export { stackReportInput } from './from-stack';
export { memorySegments, type MemorySegment } from './memory-chart';
export { paretoFrontier } from './frontier';
export type { Estimator } from './latency-data';
