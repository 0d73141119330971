import * as tf from '@tensorflow/tfjs';

/** D_ij = max(|a_i|^2 + |b_j|^2 - 2 a_i . b_j, 0) for a [m, d] and b [n, d]; call inside tf.tidy. */
export function pairwiseSquaredDistances(a: tf.Tensor2D, b: tf.Tensor2D, bSquaredNorms: tf.Tensor1D = squaredNorms(b)): tf.Tensor2D {
  const aSquared = squaredNorms(a).reshape([-1, 1]);
  const cross = tf.matMul(a, b, false, true);
  return tf.relu(aSquared.add(bSquaredNorms.reshape([1, -1])).sub(cross.mul(2))) as tf.Tensor2D;
}

/** |x_i|^2 for each row of x [n, d]; call inside tf.tidy. */
export function squaredNorms(x: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.square(x), 1) as tf.Tensor1D;
}

/** Rows per block so that a block of distances to `columns` points holds about 4M values (16 MB). */
export function blockRows(columns: number): number {
  return Math.max(1, Math.floor((1 << 22) / Math.max(columns, 1)));
}
