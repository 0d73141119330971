import { solveLower } from '@ouroboros/core';
import { LOG_2PI } from '@ouroboros/nn';

/** log N(x; mu, L L^T) = -(d log 2 pi + log det Sigma + |L^{-1}(x - mu)|^2) / 2 for each row of the flat n x d array `x`. */
export function gaussianLogDensity(x: ArrayLike<number>, mean: Float64Array, lower: Float64Array, logDet: number): Float64Array {
  const d = mean.length;
  if (x.length % d !== 0) throw new RangeError(`gaussianLogDensity: ${x.length} values is not a whole number of ${d}-dimensional samples`);
  const n = x.length / d;
  const out = new Float64Array(n);
  const centred = new Float64Array(d);
  const whitened = new Float64Array(d);
  const constant = d * LOG_2PI + logDet;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) centred[j] = x[i * d + j]! - mean[j]!;
    solveLower(lower, centred, d, whitened);
    let q = 0;
    for (let j = 0; j < d; j++) q += whitened[j]! * whitened[j]!;
    out[i] = -0.5 * (constant + q);
  }
  return out;
}

/**
 * Mean NLL of the data a Gaussian was fitted on, in closed form: with Sigma = S + ridge I and S the
 * data's MLE covariance, (1/n) sum_i (x_i - mu)^T Sigma^{-1} (x_i - mu) = tr(Sigma^{-1} S) = d - ridge tr(Sigma^{-1}),
 * so NLL = (d log 2 pi + log det Sigma + d - ridge tr(Sigma^{-1})) / 2.
 */
export function gaussianTrainingNll(d: number, logDet: number, ridge: number, inverseTrace: number): number {
  return 0.5 * (d * LOG_2PI + logDet + d - ridge * inverseTrace);
}

/** x = mu + L z for each standard normal row z of the flat n x d array `z`, written into `out`. */
export function gaussianTransform(z: Float64Array, mean: Float64Array, lower: Float64Array, out: Float32Array | Float64Array): void {
  const d = mean.length;
  const n = z.length / d;
  for (let r = 0; r < n; r++) {
    const zo = r * d;
    for (let i = 0; i < d; i++) {
      const li = i * d;
      let s = mean[i]!;
      for (let k = 0; k <= i; k++) s += lower[li + k]! * z[zo + k]!;
      out[zo + i] = s;
    }
  }
}
