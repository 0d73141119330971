export { GmmModel, GMM_MODEL_FILE } from './gmm-model.ts';
export type { GmmSettings } from './gmm-model.ts';
export { gmmModelPlugin, gmmOptions } from './gmm-plugin.ts';
export type { GmmOptions } from './gmm-plugin.ts';
export { expectation, maximization, mixture, kMeansPlusPlus, jointLogDensities, rowLogSumExp } from './gaussian-mixture.ts';
export type { Mixture } from './gaussian-mixture.ts';
export { gmmModelsPackage } from './register.ts';
