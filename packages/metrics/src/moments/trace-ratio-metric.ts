import { z } from 'zod';
import { trace, type MetricPlugin } from '@ouroboros/core';

export const traceRatioOptions = z.strictObject({});

/**
 * `trace-ratio`: tr(Sigma_generated) / tr(Sigma_reference) of the features, the spread of the
 * samples relative to the real data's: 1 for a faithful model, falling towards 0 as a model
 * collapses (E = ((n-1)/n)^t for the Gaussian refitted on n of its own samples, Bertrand et al. 2024).
 */
export const traceRatioMetricPlugin: MetricPlugin<z.infer<typeof traceRatioOptions>> = {
  id: 'trace-ratio',
  description: "tr(covariance of generated features) / tr(covariance of the reference's): the spread kept, 0 at collapse",
  options: traceRatioOptions,
  create: () => ({
    check({ referenceCount, generatedCount }) {
      if (Math.min(referenceCount, generatedCount) < 2) throw new Error('trace-ratio needs at least 2 samples a side for a covariance');
    },
    async compute(input) {
      const { reference, generated } = await input.features();
      const d = reference.dim;
      return { trace_ratio: trace((await generated.moments()).covariance, d) / trace((await reference.moments()).covariance, d) };
    },
  }),
};
