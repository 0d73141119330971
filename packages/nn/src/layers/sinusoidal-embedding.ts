import * as tf from '@tensorflow/tfjs';
import { checkPositiveInt } from './checks.ts';

// f_i = exp(−ln(maxPeriod) · i / half), i = 0 … half − 1
export function embeddingFrequencies(half: number, maxPeriod: number): Float32Array {
  return Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(maxPeriod) * i) / half));
}

/**
 * Sinusoidal timestep embedding of ADM (guided-diffusion `timestep_embedding`; Vaswani et al.
 * 2017, Ho et al. 2020): row n is [cos(t_n f_0) … cos(t_n f_{half−1}), sin(t_n f_0) … sin(t_n f_{half−1})],
 * half = floor(dim / 2), with one trailing zero column when `dim` is odd. t: [n] (float or
 * integer timesteps); returns [n, dim]. No parameters.
 */
export function sinusoidalEmbedding(t: tf.Tensor1D, dim: number, maxPeriod = 10000): tf.Tensor2D {
  if (t.rank !== 1) throw new RangeError(`sinusoidalEmbedding: t must be 1-D [n], got shape [${t.shape.join(', ')}]`);
  checkPositiveInt('sinusoidalEmbedding', 'dim', dim);
  if (dim < 2) throw new RangeError(`sinusoidalEmbedding: dim must be at least 2, got ${dim}`);
  if (!(maxPeriod > 1) || !Number.isFinite(maxPeriod)) throw new RangeError(`sinusoidalEmbedding: maxPeriod must be a finite number > 1, got ${maxPeriod}`);
  const half = Math.floor(dim / 2);
  return tf.tidy(() => {
    const frequencies = tf.tensor2d(embeddingFrequencies(half, maxPeriod), [1, half]);
    const angles = tf.mul(tf.reshape(tf.cast(t, 'float32'), [-1, 1]), frequencies);
    const embedding = tf.concat([tf.cos(angles), tf.sin(angles)], 1) as tf.Tensor2D;
    return dim % 2 === 1 ? tf.pad(embedding, [[0, 0], [0, 1]]) : embedding;
  });
}
