import { MomentAccumulator } from '../linalg/moments.ts';
import { multiply } from '../linalg/multiply.ts';
import { trace } from '../linalg/matrix.ts';
import { sqrtmPsd } from '../linalg/sqrtm.ts';

/** A Gaussian as its mean and d×d covariance (row-major). */
export interface MeanAndCovariance {
  readonly mean: Float64Array;
  readonly covariance: Float64Array;
}

/**
 * |μ₁ − μ₂|² + tr(S₁ + S₂ − 2 (S₁^½ S₂ S₁^½)^½) (Dowson & Landau 1982) by the textbook formula,
 * for small d: the reference the `fd` metric and the models' tests are checked against.
 */
export function referenceFrechetDistance(a: MeanAndCovariance, b: MeanAndCovariance): number {
  const d = a.mean.length;
  const root = sqrtmPsd(a.covariance, d);
  const cross = sqrtmPsd(multiply(multiply(root, b.covariance, d, d, d), root, d, d, d), d);
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a.mean[i]! - b.mean[i]!) ** 2;
  return meanTerm + trace(a.covariance, d) + trace(b.covariance, d) - 2 * trace(cross, d);
}

/** The reference Fréchet distance between Gaussians fitted to two sets of `dim`-vectors (unbiased covariances, as the fd metric). */
export function fittedFrechetDistance(a: ArrayLike<number>, b: ArrayLike<number>, dim = 2): number {
  const fit = (x: ArrayLike<number>) => {
    const acc = new MomentAccumulator(dim).add(x);
    return { mean: acc.mean(), covariance: acc.covariance(1) };
  };
  return referenceFrechetDistance(fit(a), fit(b));
}
