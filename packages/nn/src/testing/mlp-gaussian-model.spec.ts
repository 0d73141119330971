import { describeModelConformance } from './model-conformance.ts';
import { mlpGaussianModelPlugin } from './mlp-gaussian-model.ts';

describeModelConformance('test-mlp-gaussian on vectors', { plugin: mlpGaussianModelPlugin, options: { ema: 0.9, gradClip: 1, warmupSteps: 2, batchSize: 32 } });
describeModelConformance('test-mlp-gaussian on images', { plugin: mlpGaussianModelPlugin, data: 'images', options: { batchSize: 16 } });
