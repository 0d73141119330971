import * as tf from '@tensorflow/tfjs';

/** One value per row as a [n, 1, …, 1] tensor of `rank` axes, to broadcast over a batch. */
export function perRow(values: ArrayLike<number>, rank: number): tf.Tensor {
  return tf.tensor(Float32Array.from(values), [values.length, ...Array.from({ length: rank - 1 }, () => 1)], 'float32');
}

/** Σ over every axis but the first: [b, …] -> [b]. */
export function sumRows(x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.reshape(x, [x.shape[0]!, -1]), 1) as tf.Tensor1D);
}
