import { multiply, sqrtmPsd, trace } from '@ouroboros/core';

/** |μ₁ − μ₂|² + tr(S₁ + S₂ − 2 (S₁^½ S₂ S₁^½)^½) (Dowson & Landau 1982), for small d. */
export function frechetDistanceOf(a: { mean: Float64Array; covariance: Float64Array }, b: { mean: Float64Array; covariance: Float64Array }): number {
  const d = a.mean.length;
  const root = sqrtmPsd(a.covariance, d);
  const cross = sqrtmPsd(multiply(multiply(root, b.covariance, d, d, d), root, d, d, d), d);
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a.mean[i]! - b.mean[i]!) ** 2;
  return meanTerm + trace(a.covariance, d) + trace(b.covariance, d) - 2 * trace(cross, d);
}
