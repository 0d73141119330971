import { z } from 'zod';
import type { MetricPlugin } from '@ouroboros/core';
import { neighbourSearchOption } from './neighbour-search.ts';
import { checkNeighbourPlan, featurePoints, ReferenceRadii } from './feature-points.ts';
import { densityCoverage } from './prdc.ts';

export const densityCoverageOptions = z.strictObject({
  k: z.int().min(1).default(5).describe("Neighbours that set each real ball's radius, not counting the sample itself (5 in Naeem et al. 2020)."),
  maxSamples: z.int().positive().default(10_000).describe('Each set is subsampled without replacement to at most this many samples.'),
  /** `auto`, `exhaustive` or `pruned`: see NeighbourSearch (the README's metrics section). */
  search: neighbourSearchOption,
});
export type DensityCoverageOptions = z.infer<typeof densityCoverageOptions>;

/** `density-coverage`: density and coverage of Naeem et al. (2020) on features, blockwise. */
export const densityCoverageMetricPlugin: MetricPlugin<DensityCoverageOptions> = {
  id: 'density-coverage',
  description: 'density and coverage (Naeem et al. 2020) of generated features around the real k-NN balls, k = 5',
  options: densityCoverageOptions,
  create: ({ k, maxSamples, search }) => {
    const reference = new ReferenceRadii(k, search);
    const minimum = { k, generatedRadii: false };
    return {
      check: (plan) => checkNeighbourPlan(plan, minimum, maxSamples),
      async compute(input, ctx) {
        const { real, generated, realKey } = await featurePoints(input, 'density-coverage', minimum, maxSamples, ctx);
        // Called after each block of distances (the blocks yield to the event loop): a stop acts within one.
        const report = (f: number, detail: string) => {
          ctx.signal.throwIfAborted();
          ctx.progress(f, `density-coverage: ${detail}`);
        };
        const realRadii = await reference.of(real, realKey, (f) => report(0.5 * f, `${k}-NN radii of ${real.count} real samples`));
        return densityCoverage(real, generated, k, { realRadii, search, onProgress: (f, detail) => report(0.5 + 0.5 * f, detail) });
      },
    };
  },
};
