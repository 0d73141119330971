import type * as tf from '@tensorflow/tfjs';
import { ballCoverage } from './ball-coverage.ts';
import { kNearestSquaredRadii } from './knn-radii.ts';

/**
 * Improved precision and recall (Kynkaanniemi et al., NeurIPS 2019): precision is the fraction of
 * generated samples inside the k-NN ball of some real sample, recall the fraction of real samples
 * inside the k-NN ball of some generated sample.
 */
export async function improvedPrecisionRecall(real: tf.Tensor2D, generated: tf.Tensor2D, k: number): Promise<{ precision: number; recall: number }> {
  const realRadii = await kNearestSquaredRadii(real, k);
  const precision = await ballCoverage(generated, real, realRadii);
  const generatedRadii = await kNearestSquaredRadii(generated, k);
  const recall = await ballCoverage(real, generated, generatedRadii);
  return { precision, recall };
}
