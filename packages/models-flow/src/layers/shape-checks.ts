import type * as tf from '@tensorflow/tfjs';

/** Throws unless the last axis of `x` has `features` entries. */
export function checkFeatures(owner: string, x: tf.Tensor, features: number): void {
  if (x.shape[x.rank - 1] !== features) throw new RangeError(`${owner}: input must have ${features} features on its last axis, got shape [${x.shape.join(', ')}]`);
}

/** Values per sample: the product of every axis but the first. */
export function perSampleCount(x: tf.Tensor): number {
  return x.shape.slice(1).reduce((a, b) => a * b, 1);
}
