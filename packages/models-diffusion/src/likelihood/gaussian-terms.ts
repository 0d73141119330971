import * as tf from '@tensorflow/tfjs';
import { LOG_2PI } from '@ouroboros/nn';

// KL(N(μ₁, e^{v₁}) ‖ N(μ₂, e^{v₂})) = ½ (−1 + v₂ − v₁ + e^{v₁ − v₂} + (μ₁ − μ₂)² e^{−v₂}), elementwise (v: log-variances)
export function normalKl(mean1: tf.Tensor, logVar1: tf.Tensor | number, mean2: tf.Tensor | number, logVar2: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() => {
    const diff = tf.sub(logVar1, logVar2);
    return tf.mul(tf.add(tf.sub(tf.exp(diff), tf.add(diff, 1)), tf.mul(tf.squaredDifference(mean1, mean2), tf.exp(tf.neg(logVar2)))), 0.5);
  });
}

// log N(x; μ, e^{v}) = −½ (log 2π + v + (x − μ)² e^{−v}), elementwise
export function normalLogDensity(x: tf.Tensor, mean: tf.Tensor, logVar: number): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.add(tf.mul(tf.squaredDifference(x, mean), Math.exp(-logVar)), LOG_2PI + logVar), -0.5));
}

// Φ(z) = ½ (1 + erf(z / √2))
function standardNormalCdf(z: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.add(tf.erf(tf.mul(z, Math.SQRT1_2)), 1), 0.5));
}

/**
 * log P(x) of 8-bit data under N(μ, e^{2 logScale}) discretized to the 256 bins of width 2/255 that
 * tile [-1, 1], the outer two extended to ±∞ (Ho et al. 2020, eq. 13; `discretized_gaussian_log_likelihood`
 * of their code, probabilities floored at 1e-12). x must lie on the grid k/127.5 − 1. Elementwise.
 */
export function discretizedGaussianLogLikelihood(x: tf.Tensor, mean: tf.Tensor, logScale: number): tf.Tensor {
  return tf.tidy(() => {
    const centred = tf.mul(tf.sub(x, mean), Math.exp(-logScale));
    const halfBin = Math.exp(-logScale) / 255;
    const cdfPlus = standardNormalCdf(tf.add(centred, halfBin));
    const cdfMin = standardNormalCdf(tf.sub(centred, halfBin));
    const floor = (p: tf.Tensor) => tf.log(tf.maximum(p, 1e-12));
    const lowest = tf.less(x, -0.999);
    const highest = tf.greater(x, 0.999);
    return tf.where(lowest, floor(cdfPlus), tf.where(highest, floor(tf.sub(1, cdfMin)), floor(tf.sub(cdfPlus, cdfMin))));
  });
}
