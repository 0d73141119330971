import { z } from 'zod';
import type { MetricPlugin } from '@ouroboros/core';
import { neighbourSearchOption } from './neighbour-search.ts';
import { checkNeighbourPlan, featurePoints, ReferenceRadii } from './feature-points.ts';
import { improvedPrecisionRecall } from './prdc.ts';

export const precisionRecallOptions = z.strictObject({
  k: z.int().min(1).default(3).describe("Neighbours that set each ball's radius, not counting the sample itself (3 in Kynkaanniemi et al. and the paper)."),
  maxSamples: z.int().positive().default(10_000).describe('Each set is subsampled without replacement to at most this many samples.'),
  /** `auto`, `exhaustive` or `pruned`: see NeighbourSearch (the README's metrics section). */
  search: neighbourSearchOption,
});
export type PrecisionRecallOptions = z.infer<typeof precisionRecallOptions>;

/** `precision-recall`: improved precision and recall of Kynkaanniemi et al. (2019) on features, blockwise. */
export const precisionRecallMetricPlugin: MetricPlugin<PrecisionRecallOptions> = {
  id: 'precision-recall',
  description: 'k-NN precision and recall (Kynkaanniemi et al. 2019) between real and generated features, k = 3',
  options: precisionRecallOptions,
  create: ({ k, maxSamples, search }) => {
    const reference = new ReferenceRadii(k, search);
    const minimum = { k, generatedRadii: true };
    return {
      check: (plan) => checkNeighbourPlan(plan, minimum, maxSamples),
      async compute(input, ctx) {
        const { real, generated, realKey } = await featurePoints(input, 'precision-recall', minimum, maxSamples, ctx);
        // Called after each block of distances (the blocks yield to the event loop): a stop acts within one.
        const report = (f: number, detail: string) => {
          ctx.signal.throwIfAborted();
          ctx.progress(f, `precision-recall: ${detail}`);
        };
        const realRadii = await reference.of(real, realKey, (f) => report(0.3 * f, `${k}-NN radii of ${real.count} real samples`));
        return improvedPrecisionRecall(real, generated, k, { realRadii, search, onProgress: (f, detail) => report(0.3 + 0.7 * f, detail) });
      },
    };
  },
};
