import { tridiagonalEigenvalues } from '@ouroboros/core';
import { F64Arena, type F64Matrix } from './f64-kernels.ts';
import { pivotedCholeskyIn } from './pivoted-cholesky.ts';
import { tridiagonalize } from './tridiagonal.ts';

/** Columns (or rows) per gemm_nt call where a triangle is skipped block by block. */
const BLOCK = 64;

/**
 * tr((S1 S2)^{1/2}) = sum_i sqrt(lambda_i(L^T S2' L)) for the pivoted Cholesky factor S1' = L L^T
 * (S' = S with rows and columns in the pivot order): S1 S2 is similar, on its non-zero spectrum, to
 * the PSD matrix L^T S2' L, whose eigenvalues are real and >= 0 (rounding negatives count as 0). The
 * factorisation stops at S1's numerical rank r, so a singular or near-singular S1 (fewer samples than
 * dimensions, constant features) gives an r x r problem instead of NaN, and no O(eps)-noise eigenvalue
 * is square-rooted into the result. The O(d^3) steps (the factorisation's dot products, T = S2' L
 * and L^T T, both skipping L's zero triangle, and the Householder tridiagonalisation) run as float64
 * WebAssembly SIMD kernels; the tridiagonal eigenvalues by implicit QL.
 */
export function traceSqrtProduct(s1: Float64Array, s2: Float64Array, d: number): number {
  if (s1.length !== d * d || s2.length !== d * d) throw new RangeError(`traceSqrtProduct: matrices of ${s1.length} and ${s2.length} values; expected ${d}x${d}`);
  const arena = new F64Arena();
  const { l, order, rank: r } = pivotedCholeskyIn(arena, s1, d);
  if (r === 0) return 0;
  const s2p = arena.matrix(d, d);
  const lt = arena.matrix(r, d);
  const t = arena.matrix(d, r);
  const tt = arena.matrix(r, d);
  const m = arena.matrix(r, r);
  let view = arena.f64();
  for (let i = 0; i < d; i++) {
    const row = s2p.ptr / 8 + i * s2p.ld;
    const source = order[i]! * d;
    for (let j = 0; j < d; j++) view[row + j] = s2[source + order[j]!]!;
  }
  transposeInto(view, l, lt, d, r);
  // T = S2' L: T[i][j] = sum_{k >= j} S2'[i][k] L^T[j][k] (L[k][j] = 0 above the diagonal).
  for (let j0 = 0; j0 < r; j0 += BLOCK) arena.gemmNT(t, 0, j0, s2p, 0, j0, lt, j0, j0, d, Math.min(BLOCK, r - j0), d - j0);
  view = arena.f64();
  transposeInto(view, t, tt, d, r);
  // M = L^T T, upper blocks: M[i][j] = sum_{k >= i} L^T[i][k] T^T[j][k].
  for (let i0 = 0; i0 < r; i0 += BLOCK) arena.gemmNT(m, i0, i0, lt, i0, i0, tt, i0, i0, Math.min(BLOCK, r - i0), r - i0, d - i0);
  // tridiagonalize reads only M's upper triangle.
  const { diagonal, off } = tridiagonalize(arena, m, r);
  let sum = 0;
  for (const w of tridiagonalEigenvalues(diagonal, off)) sum += Math.sqrt(Math.max(w, 0));
  return sum;
}

/** Tile side of the transposes: a 32 x 32 tile of both matrices stays in L1. */
const TRANSPOSE_TILE = 32;

/** to = from^T for `from` rows x cols, tile by tile (a plain loop's strided writes each miss the cache). */
function transposeInto(view: Float64Array, from: F64Matrix, to: F64Matrix, rows: number, cols: number): void {
  for (let i0 = 0; i0 < rows; i0 += TRANSPOSE_TILE) {
    for (let j0 = 0; j0 < cols; j0 += TRANSPOSE_TILE) {
      const i1 = Math.min(i0 + TRANSPOSE_TILE, rows);
      const j1 = Math.min(j0 + TRANSPOSE_TILE, cols);
      for (let i = i0; i < i1; i++) {
        const src = from.ptr / 8 + i * from.ld;
        for (let j = j0; j < j1; j++) view[to.ptr / 8 + j * to.ld + i] = view[src + j]!;
      }
    }
  }
}
