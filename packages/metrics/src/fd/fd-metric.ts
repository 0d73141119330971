import { z } from 'zod';
import { ConfigError, type MetricPlugin } from '@ouroboros/core';
import { frechetDistance } from './frechet-distance.ts';
import { storeMoments } from './gaussian-moments.ts';

export const fdOptions = z.strictObject({
  /** Use at most this many samples of each set, drawn without replacement with the run's rng. */
  maxSamples: z.int().positive().optional(),
});
export type FdOptions = z.infer<typeof fdOptions>;

/**
 * `fd`: Frechet distance between Gaussians fitted (unbiased covariance, as pytorch-fid) to the
 * reference and generated features; the reference moments are computed once per run.
 */
export const fdMetricPlugin: MetricPlugin<FdOptions> = {
  id: 'fd',
  description: 'Frechet distance between Gaussians fitted to real and generated features (FID on Inception features)',
  options: fdOptions,
  create: ({ maxSamples }) => ({
    check({ referenceSplit, referenceCount, generatedCount }) {
      const fewest = Math.min(referenceCount, generatedCount, maxSamples ?? Infinity);
      if (fewest < 2) throw new ConfigError(`fd needs at least 2 samples a side for a covariance; the ${referenceCount < 2 ? `reference (${referenceSplit}) split has ${referenceCount}` : `run draws ${fewest} per generation`}`);
    },
    async compute(input, ctx) {
      const { reference, generated } = await input.features();
      if (generated.dim !== reference.dim) throw new RangeError(`fd: generated features have ${generated.dim} values each; expected ${reference.dim} like the reference ones`);
      const moments = (set: typeof reference, key: string) =>
        maxSamples !== undefined && set.store.count > maxSamples ? storeMoments(set.store, ctx.rng.fork('fd', key), maxSamples) : set.moments();
      const a = await moments(reference, 'real');
      ctx.progress(0.5, `moments of ${a.count} reference samples`);
      const b = await moments(generated, 'generated');
      ctx.progress(0.9, `moments of ${b.count} generated samples`);
      return { fd: frechetDistance(a.mean, a.covariance, b.mean, b.covariance, reference.dim) };
    },
  }),
};
