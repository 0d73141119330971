import * as tf from '@tensorflow/tfjs';

const LOG_2PI = Math.log(2 * Math.PI);

// log N(z; 0, I) = -1/2 Σ_j z_j² - D/2 log 2π, per sample (row of the first axis)
export function standardNormalLogDensity(z: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const flat = z.reshape([z.shape[0]!, -1]);
    return flat.square().sum(1).add(flat.shape[1]! * LOG_2PI).mul(-0.5) as tf.Tensor1D;
  });
}

// log N(z; μ, diag(σ²)) = -1/2 Σ_j ((z_j - μ_j)² e^{-2 log σ_j} + 2 log σ_j + log 2π), per sample
export function normalLogDensity(z: tf.Tensor, mean: tf.Tensor, logStd: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const scaled = z.sub(mean).mul(logStd.neg().exp());
    const terms = scaled.square().add(logStd.mul(2)).add(LOG_2PI);
    return terms.reshape([z.shape[0]!, -1]).sum(1).mul(-0.5) as tf.Tensor1D;
  });
}
