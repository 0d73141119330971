import { dot } from '@ouroboros/core';

/** A PSD matrix S (d x d) as F F^T with F d x rank, row-major, rows in S's own order. */
export interface PsdFactor {
  readonly factor: Float64Array;
  readonly rank: number;
}

/**
 * Cholesky with complete (diagonal) pivoting of a symmetric positive semi-definite matrix, as
 * LAPACK's dpstrf: at step k the largest remaining Schur-complement diagonal is the pivot, and the
 * factorisation stops once it falls to `tolerance` or below (default d * eps * max_i S_ii, LAPACK's),
 * so directions of (numerically) zero variance are dropped instead of producing NaN or noise.
 * Returns F with S ~= F F^T; reads only the lower triangle of S.
 */
export function pivotedCholesky(s: Float64Array, d: number, tolerance?: number): PsdFactor {
  if (s.length !== d * d) throw new RangeError(`pivotedCholesky: array of ${s.length} values; expected ${d}x${d} = ${d * d}`);
  const entry = (i: number, j: number) => (i >= j ? s[i * d + j]! : s[j * d + i]!);
  const diagonal = new Float64Array(d);
  let largest = 0;
  for (let i = 0; i < d; i++) {
    const v = s[i * d + i]!;
    if (!Number.isFinite(v)) throw new RangeError(`pivotedCholesky: diagonal entry ${i} is ${v}; expected finite values`);
    diagonal[i] = v;
    largest = Math.max(largest, v);
  }
  const stop = tolerance ?? d * 2 ** -52 * largest;
  // Row i of `l` holds L[i, 0..k) for the permuted row order `order` (l's rows are swapped with it).
  const l = new Float64Array(d * d);
  const order = Uint32Array.from({ length: d }, (_, i) => i);
  let rank = 0;
  for (let k = 0; k < d; k++) {
    let pivot = k;
    for (let i = k + 1; i < d; i++) if (diagonal[i]! > diagonal[pivot]!) pivot = i;
    const top = diagonal[pivot]!;
    if (!(top > stop)) break;
    if (pivot !== k) swapRows(l, order, diagonal, k, pivot, d, k);
    const lkk = Math.sqrt(top);
    l[k * d + k] = lkk;
    const pk = order[k]!;
    for (let i = k + 1; i < d; i++) {
      // L_ik = (S_(p_i p_k) - sum_{j<k} L_ij L_kj) / L_kk
      const v = (entry(order[i]!, pk) - dot(l, i * d, l, k * d, k)) / lkk;
      l[i * d + k] = v;
      diagonal[i] -= v * v;
    }
    rank = k + 1;
  }
  const factor = new Float64Array(d * rank);
  for (let i = 0; i < d; i++) factor.set(l.subarray(i * d, i * d + rank), order[i]! * rank);
  return { factor, rank };
}

function swapRows(l: Float64Array, order: Uint32Array, diagonal: Float64Array, a: number, b: number, d: number, filled: number): void {
  for (let j = 0; j < filled; j++) {
    const t = l[a * d + j]!;
    l[a * d + j] = l[b * d + j]!;
    l[b * d + j] = t;
  }
  const o = order[a]!;
  order[a] = order[b]!;
  order[b] = o;
  const v = diagonal[a]!;
  diagonal[a] = diagonal[b]!;
  diagonal[b] = v;
}
