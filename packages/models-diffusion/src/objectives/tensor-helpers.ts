import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';

/** Standard normal noise of `shape`, seeded by one draw of `rng` (fork it per purpose and step). */
export function normalNoise(shape: readonly number[], rng: Rng): tf.Tensor {
  return tf.randomNormal([...shape], 0, 1, 'float32', rng.nextUint32());
}

/** One value per row as a [n, 1, …, 1] tensor of `rank` axes, to broadcast over a batch. */
export function perRow(values: ArrayLike<number>, rank: number): tf.Tensor {
  return tf.tensor(Float32Array.from(values), [values.length, ...Array.from({ length: rank - 1 }, () => 1)], 'float32');
}

/** Σ over every axis but the first: [b, …] -> [b]. */
export function sumRows(x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.reshape(x, [x.shape[0]!, -1]), 1) as tf.Tensor1D);
}
