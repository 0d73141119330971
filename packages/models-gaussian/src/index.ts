export { GaussianModel, GAUSSIAN_MODEL_FILE } from './gaussian-model.ts';
export { gaussianModelPlugin, gaussianOptions } from './gaussian-plugin.ts';
export type { GaussianOptions } from './gaussian-plugin.ts';
export { gaussianLogDensity, gaussianTrainingNll, gaussianTransform } from './gaussian-density.ts';
export { gaussianModelsPackage } from './register.ts';
export { gaussianLikelihoodGradients } from './gaussian-likelihood-gradients.ts';
