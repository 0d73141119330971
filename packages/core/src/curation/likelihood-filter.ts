import { z } from 'zod';
import type { CuratorPlugin } from '../contracts/curator.ts';
import { inModelSpace, logLikelihoods } from './log-likelihoods.ts';

const options = z.strictObject({
  keep: z.number().gt(0).max(1).default(0.8).describe('Fraction of the samples kept: those of highest log-likelihood under the verifier.'),
});

/**
 * Ferbach et al. 2024 (curated retraining with a likelihood verifier): keeps the top `keep` fraction of
 * a generation's samples by log p under the frozen verifier, generation 0's model (trained on all of D);
 * draws ceil(needed / keep) samples so that the schedule gets the ones it needs.
 */
export const likelihoodFilterCurator: CuratorPlugin<z.infer<typeof options>> = {
  id: 'likelihood-filter',
  description: 'keeps the top `keep` fraction of samples by log-likelihood under generation 0 (a frozen verifier trained on all real data)',
  options,
  create: ({ keep }, { data }) => {
    return {
      samplesToDraw: (needed) => Math.ceil(needed / keep - 1e-9),
      async curate({ samples, needed, verifier, codec, ctx }) {
        const scores = await logLikelihoods(await verifier(), await inModelSpace(await samples.readAll(), codec), data.sampleShape, ctx, 'curator likelihood-filter');
        const n = scores.length;
        const count = Math.min(n, Math.max(needed, Math.round(keep * n)));
        const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
        const kept = Uint32Array.from(order.slice(0, count)).sort();
        const threshold = count > 0 ? scores[order[count - 1]!]! : Infinity;
        const mean = (rows: ArrayLike<number>) => Array.from(rows, (i) => scores[i]!).reduce((s, v) => s + v, 0) / Math.max(rows.length, 1);
        return {
          kept,
          reason: `kept the ${count} of ${n} samples with log-likelihood >= ${threshold.toPrecision(4)} under generation 0 (top ${keep})`,
          stats: { threshold, mean_loglik_kept: mean(kept), mean_loglik_drawn: mean(order) },
        };
      },
    };
  },
};
