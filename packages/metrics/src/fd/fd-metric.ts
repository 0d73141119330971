import { z } from 'zod';
import { ConfigError, type FeatureSet, type GaussianMoments, type MetricPlugin, type RunContext } from '@ouroboros/core';
import { frechetDistance } from './frechet-distance.ts';
import { storeMoments } from './store-moments.ts';

export const fdOptions = z.strictObject({
  maxSamples: z.int().positive().optional().describe("Use at most this many samples of each set, drawn without replacement with the run's rng."),
  covariance: z.enum(['float64', 'float32-blocks']).default('float64').describe("`float64`: exact streamed moments (float64 WebAssembly kernels; the engine's, cached in the run folder, for the reference). `float32-blocks`: covariances as float32 matMuls of 512-row blocks added in float64, several times faster on wasm for wide features but about 1e-7 relative error per entry, which a singular covariance (fewer samples than dimensions, collapsed samples) turns into a visibly wrong distance."),
});
export type FdOptions = z.infer<typeof fdOptions>;

/**
 * The name a Frechet distance is logged under: `fid` on pytorch-fid's Inception-V3 pool features
 * (comparable with published FIDs), `fd_cnn` on the non-standard features of a classifier trained
 * on the run's own data, `fd` on any other extractor (raw pixels, identity).
 */
export function fdName(extractor: string): string {
  if (extractor === 'inception-v3') return 'fid';
  if (extractor.startsWith('classifier')) return 'fd_cnn';
  return 'fd';
}

/**
 * `fd`: Frechet distance between Gaussians fitted (unbiased covariance, as pytorch-fid) to the
 * reference and generated features, logged as `fid`, `fd_cnn` or `fd` by extractor (see fdName).
 */
export const fdMetricPlugin: MetricPlugin<FdOptions> = {
  id: 'fd',
  description: 'Frechet distance between Gaussians fitted to real and generated features (logged as fid on inception-v3, fd_cnn on classifier features)',
  options: fdOptions,
  create: ({ maxSamples, covariance }) => {
    const moments = (set: FeatureSet, key: string, ctx: RunContext): Promise<GaussianMoments> => {
      const subsample = maxSamples !== undefined && set.store.count > maxSamples;
      // The reference's float64 moments are the engine's, cached in the run folder.
      if (covariance === 'float64' && !subsample && key === 'real') return set.moments();
      return storeMoments(set.store, ctx.rng.fork('fd', key), subsample ? maxSamples : undefined, covariance, ctx.signal);
    };
    return {
      check({ referenceSplit, referenceCount, generatedCount }) {
        const fewest = Math.min(referenceCount, generatedCount, maxSamples ?? Infinity);
        if (fewest < 2) throw new ConfigError(`fd needs at least 2 samples a side for a covariance; the ${referenceCount < 2 ? `reference (${referenceSplit}) split has ${referenceCount}` : `run draws ${fewest} per generation`}`);
      },
      async compute(input, ctx) {
        const { extractor, reference, generated } = await input.features();
        if (generated.dim !== reference.dim) throw new RangeError(`fd: generated features have ${generated.dim} values each; expected ${reference.dim} like the reference ones`);
        const a = await moments(reference, 'real', ctx);
        ctx.progress(0.4, `moments of ${a.count} reference samples`);
        const b = await moments(generated, 'generated', ctx);
        ctx.progress(0.8, `moments of ${b.count} generated samples`);
        return { [fdName(extractor)]: frechetDistance(a.mean, a.covariance, b.mean, b.covariance, reference.dim) };
      },
    };
  },
};
