import { z } from 'zod';
import { ConfigError, type MetricPlugin, type SampleStore } from '@ouroboros/core';
import { argmax } from '../features/classifier/trained-classifier.ts';

export const classCoverageOptions = z.strictObject({
  minShare: z.number().min(0).max(1).default(0.1).describe('A class counts as covered when its share of the generated samples is at least this fraction of its share of the real ones.'),
});
export type ClassCoverageOptions = z.infer<typeof classCoverageOptions>;

/** The histogram of argmax classes of a store of logits [n, classes]: counts per class. */
export async function predictedClasses(store: SampleStore, classes: number): Promise<Float64Array> {
  const counts = new Float64Array(classes);
  for await (const batch of store.batches(4096)) {
    for (let i = 0; i < batch.length / classes; i++) counts[argmax(batch, i * classes, classes)]++;
  }
  return counts;
}

/** KL(p || q) = sum_c p_c ln(p_c / q_c), in nats, with terms of p_c = 0 counting 0. */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let sum = 0;
  for (let c = 0; c < p.length; c++) if (p[c]! > 0) sum += p[c]! * Math.log(p[c]! / q[c]!);
  return sum;
}

/**
 * `class-coverage` (beyond the paper): the classes a classifier predicts for the generated samples
 * against those it predicts for the real reference samples. `class_kl` = KL(p_gen || p_real) in
 * nats (p_real with one pseudo-count per class, so it stays finite); `classes_covered` = the number
 * of classes whose generated share is at least `minShare` times their real share: mode collapse
 * shows as classes dropping out.
 */
export const classCoverageMetricPlugin: MetricPlugin<ClassCoverageOptions> = {
  id: 'class-coverage',
  description: 'histogram of predicted classes of the samples: KL to the real one and the number of classes covered (use with extractor: classifier-logits)',
  options: classCoverageOptions,
  create: ({ minShare }, env) => ({
    check({ data }) {
      if (!data.classes || data.classes.length < 2) throw new ConfigError('class-coverage needs a labelled dataset (class names), and its features from classifier-logits');
    },
    async compute(input) {
      const classes = env.data.classes?.length ?? 0;
      const { extractor, reference, generated } = await input.features();
      if (classes < 2 || reference.dim !== classes) {
        throw new Error(`class-coverage: needs class logits as features ('extractor: classifier-logits' on a labelled dataset), got '${extractor}' features of ${reference.dim} values for ${classes} classes`);
      }
      const real = await predictedClasses(reference.store, classes);
      const fake = await predictedClasses(generated.store, classes);
      const realTotal = reference.store.count + classes;
      const pReal = real.map((n) => (n + 1) / realTotal);
      const pFake = fake.map((n) => n / generated.store.count);
      let covered = 0;
      for (let c = 0; c < classes; c++) if (real[c]! > 0 && pFake[c]! >= minShare * (real[c]! / reference.store.count)) covered++;
      return { class_kl: klDivergence(pFake, pReal), classes_covered: covered };
    },
  }),
};
