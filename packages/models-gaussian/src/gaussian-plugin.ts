import { z } from 'zod';
import type { ModelPlugin } from '@ouroboros/core';
import { closedFormOptions } from '@ouroboros/nn';
import { GaussianModel } from './gaussian-model.ts';

export const gaussianOptions = closedFormOptions({
  ridge: z.number().min(0).default(0).describe('Added to the diagonal of the fitted covariance; > 0 keeps it invertible when n <= d.'),
});
export type GaussianOptions = z.infer<typeof gaussianOptions>;

/** The `gaussian` model: closed-form full-covariance maximum likelihood, exact likelihood. */
export const gaussianModelPlugin: ModelPlugin<GaussianOptions> = {
  id: 'gaussian',
  description: 'full-covariance Gaussian fitted in closed form by maximum likelihood (the exact model of the theory)',
  options: gaussianOptions,
  create: (options, env) => new GaussianModel(env.data.sampleShape, options.ridge, options.sampleBatch),
  async load(dir, options, env) {
    const model = await GaussianModel.load(dir, options.ridge, options.sampleBatch);
    if (model.sampleShape.join('x') !== env.data.sampleShape.join('x')) {
      throw new Error(`${dir}: saved Gaussian has samples of shape [${model.sampleShape}]; expected [${env.data.sampleShape}] like the dataset`);
    }
    return model;
  },
};
