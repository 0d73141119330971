import { F64Arena, pivotedCholeskyIn, symmetricEigenvaluesIn } from '@ouroboros/nn';

/** Rows per gemmNT call where a triangle is skipped block by block. */
const BLOCK = 64;

/**
 * tr((S1 S2)^{1/2}) = sum_i sqrt(lambda_i(L^T S2' L)) for the pivoted Cholesky factor S1' = L L^T
 * (S' = S with rows and columns in the pivot order): S1 S2 is similar, on its non-zero spectrum, to
 * the PSD matrix L^T S2' L, whose eigenvalues are real and >= 0 (rounding negatives count as 0). The
 * factorisation stops at S1's numerical rank r, so a singular or near-singular S1 (fewer samples than
 * dimensions, constant features) gives an r x r problem instead of NaN, and no O(eps)-noise eigenvalue
 * is square-rooted into the result. The O(d^3) steps (the factorisation, T^T = L^T S2' and
 * M = T^T L, both skipping L's zero triangle, and the symmetric eigenvalues) are @ouroboros/nn's
 * float64 arena operations.
 */
export function traceSqrtProduct(s1: Float64Array, s2: Float64Array, d: number): number {
  if (s1.length !== d * d || s2.length !== d * d) throw new RangeError(`traceSqrtProduct: matrices of ${s1.length} and ${s2.length} values; expected ${d}x${d}`);
  const arena = new F64Arena();
  const { l, order, rank: r } = pivotedCholeskyIn(arena, s1, d);
  if (r === 0) return 0;
  const s2p = arena.matrix(d, d);
  const lt = arena.matrix(r, d);
  const tt = arena.matrix(r, d);
  const m = arena.matrix(r, r);
  const view = arena.f64();
  for (let i = 0; i < d; i++) {
    const row = s2p.ptr / 8 + i * s2p.ld;
    const source = order[i]! * d;
    for (let j = 0; j < d; j++) view[row + j] = s2[source + order[j]!]!;
  }
  arena.transposeInto(l, lt, d, r);
  // T^T = L^T S2': T^T[j][i] = sum_{k >= j} L^T[j][k] S2'[i][k] (L[k][j] = 0 above the diagonal; S2' symmetric).
  for (let j0 = 0; j0 < r; j0 += BLOCK) arena.gemmNT(tt, j0, 0, lt, j0, j0, s2p, 0, j0, Math.min(BLOCK, r - j0), d, d - j0);
  // M = T^T L, upper blocks: M[i][j] = sum_{k >= j} T^T[i][k] L^T[j][k], for j >= i0.
  for (let i0 = 0; i0 < r; i0 += BLOCK) arena.gemmNT(m, i0, i0, tt, i0, i0, lt, i0, i0, Math.min(BLOCK, r - i0), r - i0, d - i0);
  let sum = 0;
  for (const w of symmetricEigenvaluesIn(arena, m, r)) sum += Math.sqrt(Math.max(w, 0));
  return sum;
}
