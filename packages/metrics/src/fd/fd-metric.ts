import { z } from 'zod';
import { sampleSize, type MetricPlugin } from '@ouroboros/core';
import { frechetDistance } from './frechet-distance.ts';
import { storeMoments } from './gaussian-moments.ts';

export const fdOptions = z.strictObject({
  /** Use at most this many samples of each set, drawn without replacement with the run's rng. */
  maxSamples: z.int().positive().optional(),
});
export type FdOptions = z.infer<typeof fdOptions>;

/** `fd`: Frechet distance between Gaussians fitted (unbiased covariance, as pytorch-fid) to the real and generated samples. */
export const fdMetricPlugin: MetricPlugin<FdOptions> = {
  id: 'fd',
  description: 'Frechet distance between Gaussians fitted to real and generated samples (FID without the Inception features)',
  options: fdOptions,
  create: ({ maxSamples }) => ({
    async compute({ real, generated }, ctx) {
      const d = sampleSize(real);
      if (sampleSize(generated) !== d) throw new RangeError(`fd: generated samples have ${sampleSize(generated)} values each; expected ${d} like the real ones`);
      const a = await storeMoments(real, ctx.rng.fork('fd', 'real'), maxSamples);
      ctx.progress(0.5, `moments of ${a.count} real samples`);
      const b = await storeMoments(generated, ctx.rng.fork('fd', 'generated'), maxSamples);
      ctx.progress(0.9, `moments of ${b.count} generated samples`);
      return { fd: frechetDistance(a.mean, a.covariance, b.mean, b.covariance, d) };
    },
  }),
};
