import { z } from 'zod';
import type { ModelPlugin } from '@ouroboros/core';
import { closedFormOptions } from '@ouroboros/nn';
import { KdeModel } from './kde-model.ts';

export const kdeOptions = closedFormOptions({
  bandwidth: z.union([z.enum(['scott', 'silverman']), z.number().positive()]).default('scott').describe("Kernel width: 'scott' (h_j = n^{-1/(d+4)} sigma_j), 'silverman' (h_j = (4/(d+2))^{1/(d+4)} n^{-1/(d+4)} sigma_j), both recomputed from each generation's training data, or a fixed h > 0 in model space."),
});
export type KdeOptions = z.infer<typeof kdeOptions>;

/** The `kde` model: a Gaussian kernel density estimate on the training samples, exact likelihood. */
export const kdeModelPlugin: ModelPlugin<KdeOptions> = {
  id: 'kde',
  description: "Gaussian kernel density estimate, bandwidth by Scott's or Silverman's rule or given (exact likelihood; Kazdan, Schaeffer et al. 2024)",
  options: kdeOptions,
  unstableOptions: ['bandwidth'],
  create: (options, env) => new KdeModel(env.data, options.bandwidth, options.sampleBatch),
  load: (dir, options, env) => KdeModel.load(dir, env.data, options.bandwidth, options.sampleBatch),
};
