import { z } from 'zod';
import type { ModelPlugin } from '@ouroboros/core';
import { closedFormOptions } from '@ouroboros/nn';
import { GmmModel } from './gmm-model.ts';

export const gmmOptions = closedFormOptions({
  components: z.int().positive().default(8).describe('Mixture components k.'),
  maxIterations: z.int().positive().default(200).describe('Most EM iterations per fit.'),
  tolerance: z.number().positive().default(1e-6).describe('Stop EM when the mean log-likelihood per sample gains less than this in one iteration.'),
  ridge: z.number().min(0).default(1e-6).describe("Added to every covariance's diagonal (model space); keeps components invertible (scikit-learn's reg_covar)."),
});
export type GmmOptions = z.infer<typeof gmmOptions>;

/** The `gmm` model: a full-covariance Gaussian mixture fitted by EM from a k-means++ start, exact likelihood. */
export const gmmModelPlugin: ModelPlugin<GmmOptions> = {
  id: 'gmm',
  description: 'Gaussian mixture with full covariances fitted by EM from a k-means++ start (exact likelihood; Shumailov et al. 2023)',
  options: gmmOptions,
  create: (options, env) => new GmmModel(env.data, options),
  load: (dir, options, env) => GmmModel.load(dir, env.data, options),
};
