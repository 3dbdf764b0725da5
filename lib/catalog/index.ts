export * from './types';
export { ACCELERATORS, lookupAccelerator, findAccelerator } from './accelerators';
export { INSTANCE_TYPES, PRICE_DATE, PRICE_REGION, lookupInstanceType, instanceTypesInFamilies, karpenterLabels } from './instance-types';
export { ALL_MODELS, MODELS, MODELS_TODAY, MODEL_VARIANTS, lookupModel, validateModelArchitecture, weightParamSplit } from './models';
export { SOURCES } from './sources';
export { KiB, MiB, GiB, GB, formatGiB } from './units';
export { modelFromConfig, SUPPORTED_ARCHITECTURES, type ModelFromConfigOptions } from './from-config';
export { lookupModelRecord, modelFromRecord, modelsDirectory, setModelsDirectory, parseModelRecord, recordFileName, MODELS_DIR_ENV, DEFAULT_MODELS_DIR, type ModelRecord } from './model-records';
