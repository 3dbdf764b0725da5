export * from './types';
export { estimatePerformance, cellOf, uncertaintyOf } from './estimate';
export { planModel } from './plan';
export { planForWorkload, deploymentHourlyCost } from './search';
export { INTERCONNECTS, FP4_DENSE_TFLOPS, interconnectOf, peakTflops } from './hardware';
export { CROSS_VALIDATED } from './calibration';
