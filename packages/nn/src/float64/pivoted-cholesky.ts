import { F64Arena, wasmOf } from './f64-arena.ts';
import type { F64Matrix } from './f64-matrix.ts';
import { float64Routines, type Float64Routines } from './native-f64.ts';

/** S's pivoted Cholesky factor in an arena: S[order[i]][order[j]] = (L L^T)_ij, L `d` x `rank` lower trapezoidal. */
export interface PivotedFactor {
  readonly l: F64Matrix;
  readonly order: Uint32Array;
  readonly rank: number;
}

/**
 * Cholesky with complete (diagonal) pivoting of a symmetric positive semi-definite matrix, as
 * LAPACK's dpstrf: at step k the largest remaining Schur-complement diagonal is the pivot, and the
 * factorisation stops once it falls to `tolerance` or below (default d * eps * max_i S_ii, LAPACK's),
 * so directions of (numerically) zero variance are dropped instead of producing NaN or noise.
 * Reads only the lower triangle of S (row-major d x d). LAPACK's dpstrf (blocked) where the native
 * backend's library has it, else column by column with gemm_nt for each column's dot products.
 */
export function pivotedCholeskyIn(arena: F64Arena, s: Float64Array, d: number, tolerance?: number): PivotedFactor {
  if (s.length !== d * d) throw new RangeError(`pivotedCholesky: array of ${s.length} values; expected ${d}x${d} = ${d * d}`);
  let largest = 0;
  for (let i = 0; i < d; i++) {
    const v = s[i * d + i]!;
    if (!Number.isFinite(v)) throw new RangeError(`pivotedCholesky: diagonal entry ${i} is ${v}; expected finite values`);
    largest = Math.max(largest, v);
  }
  const stop = tolerance ?? d * 2 ** -52 * largest;
  const dpstrf = float64Routines()?.pivotedCholeskyLower;
  return dpstrf ? nativeFactor(arena, dpstrf, s, d, stop) : wasmFactor(arena, s, d, stop);
}

/** dpstrf on a copy of S, then the strict upper triangle of L's first `rank` columns zeroed (it held S's). */
function nativeFactor(arena: F64Arena, dpstrf: NonNullable<Float64Routines['pivotedCholeskyLower']>, s: Float64Array, d: number, stop: number): PivotedFactor {
  const l = arena.load(s, d, d);
  const { rank, order } = dpstrf(d, arena.viewAt(l, 0, 0), l.ld, stop);
  const view = arena.f64();
  for (let i = 0; i < rank; i++) view.fill(0, l.ptr / 8 + i * l.ld + i + 1, l.ptr / 8 + i * l.ld + rank);
  return { l: { ...l, cols: rank }, order, rank };
}

/** Column k's d - k - 1 dot products L[k+1.., :k] L[k, :k]^T are one wasm gemm_nt call. */
function wasmFactor(arena: F64Arena, s: Float64Array, d: number, stop: number): PivotedFactor {
  const wasm = wasmOf(arena);
  const entry = (i: number, j: number) => (i >= j ? s[i * d + j]! : s[j * d + i]!);
  const diagonal = Float64Array.from({ length: d }, (_, i) => s[i * d + i]!);
  const l = arena.matrix(d, d);
  const dots = arena.matrix(d, 2);
  const order = Uint32Array.from({ length: d }, (_, i) => i);
  const lp = l.ptr / 8;
  let rank = 0;
  for (let k = 0; k < d; k++) {
    let pivot = k;
    for (let i = k + 1; i < d; i++) if (diagonal[i]! > diagonal[pivot]!) pivot = i;
    const top = diagonal[pivot]!;
    if (!(top > stop)) break;
    const view = arena.f64();
    if (pivot !== k) {
      const a = lp + k * l.ld;
      const b = lp + pivot * l.ld;
      for (let j = 0; j < k; j++) {
        const t = view[a + j]!;
        view[a + j] = view[b + j]!;
        view[b + j] = t;
      }
      [order[k], order[pivot]] = [order[pivot]!, order[k]!];
      [diagonal[k], diagonal[pivot]] = [diagonal[pivot]!, diagonal[k]!];
    }
    const lkk = Math.sqrt(top);
    view[lp + k * l.ld + k] = lkk;
    const below = d - k - 1;
    view.fill(0, dots.ptr / 8, dots.ptr / 8 + (below + 8) * dots.ld);
    // dots[i][0] = L[k+1+i, :k] . L[k, :k] (column 1 pairs with row k+1 and is not used)
    wasm.gemmNT(dots, 0, 0, l, k + 1, 0, l, k, 0, below, 2, k, 1);
    const pk = order[k]!;
    for (let i = 0; i < below; i++) {
      // L_ik = (S_(p_i p_k) - sum_{j<k} L_ij L_kj) / L_kk
      const v = (entry(order[k + 1 + i]!, pk) - view[dots.ptr / 8 + i * dots.ld]!) / lkk;
      view[lp + (k + 1 + i) * l.ld + k] = v;
      diagonal[k + 1 + i] -= v * v;
    }
    rank = k + 1;
  }
  return { l: { ...l, cols: rank }, order, rank };
}

/** S ~= F F^T with F d x rank, row-major, rows in S's own order: pivotedCholeskyIn in a fresh arena, unpermuted. */
export function pivotedCholesky(s: Float64Array, d: number, tolerance?: number): { factor: Float64Array; rank: number } {
  const arena = new F64Arena();
  const { l, order, rank } = pivotedCholeskyIn(arena, s, d, tolerance);
  const view = arena.f64();
  const factor = new Float64Array(d * rank);
  for (let i = 0; i < d; i++) factor.set(view.subarray(l.ptr / 8 + i * l.ld, l.ptr / 8 + i * l.ld + rank), order[i]! * rank);
  return { factor, rank };
}
