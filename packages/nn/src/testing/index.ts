export { describeModelConformance, conformanceData } from './model-conformance.ts';
export type { ConformanceOptions, ConformanceData } from './model-conformance.ts';
export { MlpGaussianModel, mlpGaussianModelPlugin } from './mlp-gaussian-model.ts';
