import * as tf from '@tensorflow/tfjs';
import { blockRows, pairwiseSquaredDistances, squaredNorms } from './pairwise-distances.ts';

/**
 * r_i^2 = squared distance from point i to its k-th nearest neighbour among the other points, for
 * points [n, d]: the (k+1)-th smallest distance of its row, the point itself being the first (a
 * duplicate of it counts as a neighbour at distance 0); the radii of the k-NN balls of Kynkaanniemi
 * et al. (2019). Distances are computed in blocks of rows.
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
      // The (k+1)-th smallest distance of a row counts the point itself (distance 0) as its first
      // neighbour, as in the reference implementation; broadcast masks are slow on wasm.
      const kth = tf.tidy(() => {
        const distances = pairwiseSquaredDistances(points.slice([start, 0], [end - start, -1]), points, norms);
        const { values } = tf.topk(tf.neg(distances), k + 1);
        return tf.neg(values.slice([0, k], [-1, 1])).reshape([-1]);
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
