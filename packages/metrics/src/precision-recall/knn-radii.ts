import * as tf from '@tensorflow/tfjs';
import { blockRows, pairwiseSquaredDistances, squaredNorms } from './pairwise-distances.ts';

/**
 * r_i^2 = squared distance from point i to its k-th nearest neighbour among the other points (the
 * point itself is excluded even when duplicates exist), for points [n, d]; the radii of the k-NN balls
 * of Kynkaanniemi et al. (2019). Distances are computed in blocks of rows.
 */
export async function kNearestSquaredRadii(points: tf.Tensor2D, k: number, rowsPerBlock = blockRows(points.shape[0])): Promise<Float32Array> {
  const n = points.shape[0];
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`kNearestSquaredRadii: k = ${k}; expected an integer >= 1`);
  if (n <= k) throw new RangeError(`kNearestSquaredRadii: k = ${k} needs at least ${k + 1} points, got ${n}`);
  const radii = new Float32Array(n);
  const norms = tf.tidy(() => squaredNorms(points));
  try {
    for (let start = 0; start < n; start += rowsPerBlock) {
      const end = Math.min(n, start + rowsPerBlock);
      const kth = tf.tidy(() => {
        const distances = pairwiseSquaredDistances(points.slice([start, 0], [end - start, -1]), points, norms);
        // +infinity where row index = column index removes each point from its own neighbours.
        const self = tf.equal(tf.range(start, end, 1, 'int32').reshape([-1, 1]), tf.range(0, n, 1, 'int32').reshape([1, -1]));
        const others = tf.where(self, tf.fill([end - start, n], Number.POSITIVE_INFINITY), distances);
        const { values } = tf.topk(tf.neg(others), k);
        return tf.neg(values.slice([0, k - 1], [-1, 1])).reshape([-1]);
      });
      try {
        radii.set(await kth.data(), start);
      } finally {
        kth.dispose();
      }
    }
  } finally {
    norms.dispose();
  }
  return radii;
}
