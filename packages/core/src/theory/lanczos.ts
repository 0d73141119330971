import { tridiagonalEigenvalues } from '../linalg/symmetric-eigen.ts';
import type { Rng } from '../rng/rng.ts';

/** Ritz values of a symmetric operator after `steps` Lanczos iterations: the extreme ones approach its extreme eigenvalues from inside. */
export interface LanczosResult {
  readonly smallest: number;
  readonly largest: number;
  /** Ascending eigenvalues of the tridiagonal T_k = V_k^T A V_k. */
  readonly ritz: Float64Array;
  readonly steps: number;
}

/**
 * Lanczos with full reorthogonalisation: A V_k = V_k T_k + beta_k v_{k+1} e_k^T, T_k tridiagonal with
 * alpha_j = v_j^T A v_j and beta_j = ||A v_j - alpha_j v_j - beta_{j-1} v_{j-1}||. Stops early at an
 * invariant subspace (beta ~ 0), so an operator of dimension <= steps gives its eigenvalues exactly.
 */
export async function lanczos(apply: (v: Float64Array) => Promise<Float64Array>, dim: number, steps: number, rng: Rng): Promise<LanczosResult> {
  if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`lanczos: dimension ${dim}; expected a positive integer`);
  const k = Math.min(steps, dim);
  const basis: Float64Array[] = [];
  const alphas: number[] = [];
  const betas: number[] = [];
  let v = normalized(rng.normals(dim));
  for (let j = 0; j < k; j++) {
    basis.push(v);
    const w = Float64Array.from(await apply(v));
    if (w.length !== dim) throw new RangeError(`lanczos: the operator returned ${w.length} values; expected ${dim}`);
    alphas.push(dotProduct(w, v));
    for (let pass = 0; pass < 2; pass++) for (const u of basis) subtractProjection(w, u);
    const beta = Math.sqrt(dotProduct(w, w));
    if (j === k - 1 || beta <= 1e-12 * Math.max(1, Math.abs(alphas[j]!))) break;
    betas.push(beta);
    v = w.map((x) => x / beta);
  }
  const ritz = tridiagonalEigenvalues(alphas, betas.slice(0, alphas.length - 1));
  return { smallest: ritz[0]!, largest: ritz[ritz.length - 1]!, ritz, steps: alphas.length };
}

function dotProduct(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

// w <- w - (u^T w) u
function subtractProjection(w: Float64Array, u: Float64Array): void {
  const c = dotProduct(w, u);
  for (let i = 0; i < w.length; i++) w[i]! -= c * u[i]!;
}

function normalized(v: Float64Array): Float64Array {
  const norm = Math.sqrt(dotProduct(v, v));
  return v.map((x) => x / norm);
}
