/**
 * The root export is the public API, listed in lib/index.ts. This pins its runtime symbols: an export
 * added or dropped by accident (an internal such as `activationBytes` or `SCRATCH_DIR` leaking through
 * an `export *`) fails here; a deliberate change updates this list in the same commit.
 */
import * as root from '../lib';

const PUBLIC_RUNTIME_EXPORTS = [
  // constructs
  'AutoscaledTriton',
  'ExternalModel',
  'GpuNodePool',
  'InferenceGateway',
  'LeaderWorkerSet',
  'LlmStack',
  'LlmWorker',
  'MODEL_HEADER',
  'namespaceSecurityLevel',
  'podSecurityLevel',
  'reportSummaries',
  // planner and performance
  'deploymentHourlyCost',
  'estimatePerformance',
  'planForWorkload',
  'planModel',
  // report
  'renderPlanReport',
  'renderStackReport',
  'stackReportInput',
  // catalog lookups
  'ACCELERATORS',
  'ALL_MODELS',
  'INSTANCE_TYPES',
  'MODELS',
  'MODEL_VARIANTS',
  'PRICE_DATE',
  'PRICE_REGION',
  'findAccelerator',
  'lookupAccelerator',
  'lookupInstanceType',
  'lookupModel',
  'modelFromConfig',
  'validateModelArchitecture',
  // errors
  'LlmConstructsError',
  'SizingError',
  'ValidationError',
];

test('the root export holds exactly the listed runtime symbols', () => {
  expect(Object.keys(root).sort()).toEqual([...PUBLIC_RUNTIME_EXPORTS].sort());
});

test('internals stay out of the root export', () => {
  for (const internal of ['activationBytes', 'SCRATCH_DIR', 'vllmRecipe', 'recipeFor', 'VLLM_IMAGE', 'kvHeadsPerRank']) {
    expect(Object.keys(root)).not.toContain(internal);
  }
});
