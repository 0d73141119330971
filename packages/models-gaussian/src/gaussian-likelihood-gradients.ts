import { cholesky, multiply, solveLower, solveLowerTransposed, type LikelihoodGradients } from '@ouroboros/core';

/**
 * The Gaussian's log-likelihood gradients in theta = (mu, Sigma_ij for i <= j), d + d(d+1)/2 values:
 * d/dmu = Sigma^{-1} (xbar - mu);  d/dSigma = G = (Sigma^{-1} S_mu Sigma^{-1} - Sigma^{-1}) / 2 with
 * S_mu = (1/n) sum (x_i - mu)(x_i - mu)^T, an off-diagonal Sigma_ij (shared with Sigma_ji) getting 2 G_ij.
 */
export function gaussianLikelihoodGradients(mean: Float64Array, covariance: Float64Array): LikelihoodGradients {
  const d = mean.length;
  return {
    parameters: packParameters(mean, covariance),
    precision: 'float64',
    meanGradient: async (theta, x, n) => gaussianMeanGradient(theta, x, n, d),
  };
}

/** (mu, upper triangle of Sigma row by row), the order of `gaussianLikelihoodGradients`. */
export function packParameters(mean: Float64Array, covariance: Float64Array): Float64Array {
  const d = mean.length;
  const theta = new Float64Array(d + (d * (d + 1)) / 2);
  theta.set(mean);
  let k = d;
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) theta[k++] = covariance[i * d + j]!;
  return theta;
}

function gaussianMeanGradient(theta: Float64Array, x: Float32Array, n: number, d: number): Float64Array {
  if (x.length !== n * d) throw new RangeError(`gaussian likelihood gradient: ${x.length} values for ${n} rows; expected ${n * d}`);
  const mu = theta.subarray(0, d);
  const sigma = new Float64Array(d * d);
  let k = d;
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) sigma[i * d + j] = sigma[j * d + i] = theta[k++]!;
  const inverse = inverseFromCholesky(cholesky(sigma, d), d);
  const centredMean = new Float64Array(d);
  const scatter = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) {
      const ri = x[r * d + i]! - mu[i]!;
      centredMean[i]! += ri / n;
      for (let j = 0; j < d; j++) scatter[i * d + j]! += (ri * (x[r * d + j]! - mu[j]!)) / n;
    }
  }
  const grad = new Float64Array(theta.length);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) grad[i]! += inverse[i * d + j]! * centredMean[j]!;
  const sandwich = multiply(multiply(inverse, scatter, d, d, d), inverse, d, d, d);
  k = d;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const g = 0.5 * (sandwich[i * d + j]! - inverse[i * d + j]!);
      grad[k++] = i === j ? g : 2 * g;
    }
  }
  return grad;
}

// Sigma^{-1} column by column: L L^T a_j = e_j.
function inverseFromCholesky(lower: Float64Array, d: number): Float64Array {
  const inverse = new Float64Array(d * d);
  const e = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    e.fill(0);
    e[j] = 1;
    const column = solveLowerTransposed(lower, solveLower(lower, e, d), d);
    for (let i = 0; i < d; i++) inverse[i * d + j] = column[i]!;
  }
  return inverse;
}
