import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';

/**
 * Inverted dropout (Srivastava et al. 2014): y = x · m / (1 − rate), m_i ~ Bernoulli(1 − rate),
 * so E[y] = x and evaluation is the identity. The mask is seeded by one `rng.nextUint32()` per
 * call (fork the rng per step); nothing is drawn when `training` is false or rate is 0.
 */
export function dropout(x: tf.Tensor, rate: number, rng: Rng, training: boolean): tf.Tensor {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout: rate must be in [0, 1), got ${rate}`);
  if (!training || rate === 0) return x;
  const keep = 1 - rate;
  const seed = rng.nextUint32();
  return tf.tidy(() => {
    // m = floor(u + keep) = 1[u ≥ rate] for u ~ U[0, 1): float arithmetic, no comparison kernel or bool cast
    const uniform = tf.randomUniform(x.shape, 0, 1, 'float32', seed);
    const scaledMask = tf.mul(tf.floor(tf.add(uniform, keep)), 1 / keep);
    return tf.mul(x, scaledMask);
  });
}
