import { cholesky, multiply, multiplyTransposed, symmetricEigen, symmetricEigenvalues, trace, transpose } from '@ouroboros/core';

/**
 * Frechet distance between N(mu1, S1) and N(mu2, S2) (Dowson & Landau 1982; the FID formula of Heusel et al. 2017):
 * |mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr((S1^{1/2} S2 S1^{1/2})^{1/2}).
 */
export function frechetDistance(mu1: Float64Array, s1: Float64Array, mu2: Float64Array, s2: Float64Array, d: number): number {
  if (mu1.length !== d || mu2.length !== d) throw new RangeError(`frechetDistance: means of ${mu1.length} and ${mu2.length} values; expected ${d}`);
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (mu1[i]! - mu2[i]!) ** 2;
  return meanTerm + trace(s1, d) + trace(s2, d) - 2 * traceSqrtProduct(s1, s2, d);
}

/**
 * tr((S1^{1/2} S2 S1^{1/2})^{1/2}) = sum_i sqrt(lambda_i(F^T S2 F)) for any factor S1 = F F^T, since
 * F^T S2 F, S1^{1/2} S2 S1^{1/2} and S1 S2 share their eigenvalues (all >= 0 for PSD S1, S2; rounding
 * negatives count as 0). F is the Cholesky factor of S1, or V diag(sqrt w) from its eigendecomposition
 * when S1 is singular.
 */
export function traceSqrtProduct(s1: Float64Array, s2: Float64Array, d: number): number {
  const f = psdFactor(s1, d);
  const s2f = multiply(s2, f, d, d, d);
  // Upper triangle of F^T (S2 F); transposed, it is the lower triangle that symmetricEigenvalues reads.
  const inner = multiplyTransposed(transpose(f, d, d), transpose(s2f, d, d), d, d, d, true);
  let sum = 0;
  for (const w of symmetricEigenvalues(transpose(inner, d, d), d)) sum += Math.sqrt(Math.max(w, 0));
  return sum;
}

/** F with S = F F^T: Cholesky L when S is positive definite, else V diag(sqrt(max(w, 0))) for S = V diag(w) V^T. */
export function psdFactor(s: Float64Array, d: number): Float64Array {
  try {
    return cholesky(s, d);
  } catch {
    const { values, vectors } = symmetricEigen(s, d);
    const f = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) f[i * d + j] = vectors[i * d + j]! * Math.sqrt(Math.max(values[j]!, 0));
    }
    return f;
  }
}
