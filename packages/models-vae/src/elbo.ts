import * as tf from '@tensorflow/tfjs';

/** KL(N(mu, diag sigma^2) || N(0, I)) = (1/2) sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2), per row [b]. */
export function gaussianKl(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => mu.square().add(logVar.exp()).sub(1).sub(logVar).sum(1).mul(0.5) as tf.Tensor1D);
}

/**
 * Continuous logistic log-density log p(x) = -u - log s - 2 softplus(-u), u = (x - m) / s, summed per
 * row [b]: the density of PixelCNN++'s discretized logistic before binning, for dequantized pixels.
 */
export function logisticLogDensity(x: tf.Tensor, mean: tf.Tensor, logScale: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const b = x.shape[0]!;
    const u = x.reshape([b, -1]).sub(mean.reshape([b, -1])).mul(logScale.neg().exp());
    return u.neg().sub(logScale).sub(tf.softplus(u.neg()).mul(2)).sum(1) as tf.Tensor1D;
  });
}
