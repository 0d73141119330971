import * as tf from '@tensorflow/tfjs';

/** log 2π, the constant of every Gaussian log-density. */
export const LOG_2PI = Math.log(2 * Math.PI);

// log N(x; μ, diag σ²) = −½ Σ_j ((x_j − μ_j)² e^{−2 log σ_j} + 2 log σ_j + log 2π), per row of the first axis
export function diagonalGaussianLogDensity(x: tf.Tensor, mean: tf.Tensor, logStd: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const scaled = x.sub(mean).mul(logStd.neg().exp());
    const terms = scaled.square().add(logStd.mul(2)).add(LOG_2PI);
    return terms.reshape([x.shape[0]!, -1]).sum(1).mul(-0.5) as tf.Tensor1D;
  });
}

// log N(z; 0, I) = −½ Σ_j z_j² − D/2 log 2π, per row of the first axis
export function standardNormalLogDensity(z: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const flat = z.reshape([z.shape[0]!, -1]);
    return flat.square().sum(1).add(flat.shape[1]! * LOG_2PI).mul(-0.5) as tf.Tensor1D;
  });
}
