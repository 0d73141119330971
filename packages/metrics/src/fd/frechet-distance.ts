import { multiply, multiplyTransposed, symmetricEigenvalues, trace, transpose, type GaussianMoments } from '@ouroboros/core';
import { pivotedCholesky } from './pivoted-cholesky.ts';

/**
 * Frechet distance between N(mu1, S1) and N(mu2, S2) (Dowson & Landau 1982; the FID formula of
 * Heusel et al. 2017, as pytorch-fid computes it): |mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr((S1 S2)^{1/2}).
 */
export function frechetDistance(mu1: Float64Array, s1: Float64Array, mu2: Float64Array, s2: Float64Array, d: number): number {
  if (mu1.length !== d || mu2.length !== d) throw new RangeError(`frechetDistance: means of ${mu1.length} and ${mu2.length} values; expected ${d}`);
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (mu1[i]! - mu2[i]!) ** 2;
  return meanTerm + trace(s1, d) + trace(s2, d) - 2 * traceSqrtProduct(s1, s2, d);
}

/** The Frechet distance between the Gaussians of two sets of moments. */
export function momentsDistance(a: GaussianMoments, b: GaussianMoments): number {
  return frechetDistance(a.mean, a.covariance, b.mean, b.covariance, a.mean.length);
}

/**
 * tr((S1 S2)^{1/2}) = sum_i sqrt(lambda_i(F^T S2 F)) for S1 = F F^T: S1 S2 = F (F^T S2) is similar
 * (on its non-zero spectrum) to the PSD matrix F^T S2 F, whose eigenvalues are real and >= 0 (rounding
 * negatives count as 0). F comes from a pivoted Cholesky factorisation that stops at S1's numerical
 * rank r, so a singular or near-singular S1 (fewer samples than dimensions, constant features) gives an
 * r x r problem instead of NaN, and no O(eps)-noise eigenvalue is square-rooted into the result.
 */
export function traceSqrtProduct(s1: Float64Array, s2: Float64Array, d: number): number {
  if (s1.length !== d * d || s2.length !== d * d) throw new RangeError(`traceSqrtProduct: matrices of ${s1.length} and ${s2.length} values; expected ${d}x${d}`);
  const { factor, rank: r } = pivotedCholesky(s1, d);
  if (r === 0) return 0;
  const s2f = multiply(s2, factor, d, d, r);
  // Upper triangle of F^T (S2 F), r x r; transposed, it is the lower triangle symmetricEigenvalues reads.
  const inner = multiplyTransposed(transpose(factor, d, r), transpose(s2f, d, r), r, d, r, true);
  let sum = 0;
  for (const w of symmetricEigenvalues(transpose(inner, r, r), r)) sum += Math.sqrt(Math.max(w, 0));
  return sum;
}
