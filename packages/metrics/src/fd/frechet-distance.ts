import { trace, type GaussianMoments } from '@ouroboros/core';
import { traceSqrtProduct } from '../linalg/trace-sqrt-product.ts';

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
