import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { ConfigError, type MetricPlugin } from '@ouroboros/core';
import { readSamples } from '../subsample.ts';
import { improvedPrecisionRecall } from './improved-precision-recall.ts';

export const precisionRecallOptions = z.strictObject({
  /** Neighbours that set each ball's radius, not counting the sample itself (3 in the paper). */
  k: z.int().min(1).default(3),
  /** Each set is subsampled without replacement to at most this many samples. */
  maxSamples: z.int().positive().default(10_000),
});
export type PrecisionRecallOptions = z.infer<typeof precisionRecallOptions>;

/** `precision-recall`: improved precision and recall of Kynkaanniemi et al. (2019) on features. */
export const precisionRecallMetricPlugin: MetricPlugin<PrecisionRecallOptions> = {
  id: 'precision-recall',
  description: 'k-NN precision and recall (Kynkaanniemi et al. 2019) between real and generated samples',
  options: precisionRecallOptions,
  create: ({ k, maxSamples }) => ({
    check({ referenceSplit, referenceCount, generatedCount }) {
      for (const [name, count] of [[`reference (${referenceSplit})`, referenceCount], ['generated', generatedCount]] as const) {
        if (Math.min(count, maxSamples) <= k) throw new ConfigError(`k = ${k} needs at least ${k + 1} ${name} samples, got ${Math.min(count, maxSamples)}`);
      }
    },
    async compute(input, ctx) {
      const features = await input.features();
      const real = features.reference.store;
      const generated = features.generated.store;
      const d = features.reference.dim;
      if (features.generated.dim !== d) {
        throw new RangeError(`precision-recall: generated features have ${features.generated.dim} values each; expected ${d} like the reference ones`);
      }
      for (const [name, store] of [['real', real], ['generated', generated]] as const) {
        if (Math.min(store.count, maxSamples) <= k) {
          throw new RangeError(`precision-recall: k = ${k} needs at least ${k + 1} ${name} samples, got ${Math.min(store.count, maxSamples)}`);
        }
      }
      const a = await readSamples(real, maxSamples, ctx.rng.fork('precision-recall', 'real'));
      const b = await readSamples(generated, maxSamples, ctx.rng.fork('precision-recall', 'generated'));
      const realTensor = tf.tensor2d(a.values, [a.count, d]);
      const generatedTensor = tf.tensor2d(b.values, [b.count, d]);
      try {
        return await improvedPrecisionRecall(realTensor, generatedTensor, k);
      } finally {
        realTensor.dispose();
        generatedTensor.dispose();
      }
    },
  }),
};
