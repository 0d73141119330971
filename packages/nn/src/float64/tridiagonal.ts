import { wasmOf, type F64Arena } from './f64-arena.ts';
import type { F64Matrix } from './f64-matrix.ts';

/** A symmetric tridiagonal matrix: its diagonal (n) and subdiagonal (n - 1). */
export interface Tridiagonal {
  readonly diagonal: Float64Array;
  readonly off: Float64Array;
}

/**
 * Householder reduction of the symmetric n x n matrix `a` (overwritten; only its upper triangle is
 * read and kept up to date) to tridiagonal form with the same eigenvalues (Golub & Van Loan,
 * Algorithm 8.3.1): step k reflects x = A[k+1:, k] (= A[k, k+1:]) onto -sign(x_0) |x| e_1 with
 * H = I - beta v v^T, p = beta B v for the trailing block B, w = p - (beta p.v / 2) v,
 * B -= v w^T + w v^T. The update of step k and the product B v of step k + 1 are one pass over the
 * trailing block's upper triangle (syr2_dot): row k + 1 is updated first, which gives step k + 1's
 * vector, then every other row is updated and multiplied by it.
 */
export function tridiagonalize(arena: F64Arena, a: F64Matrix, n: number): Tridiagonal {
  const wasm = wasmOf(arena);
  const diagonal = new Float64Array(n);
  const off = new Float64Array(Math.max(n - 1, 0));
  const vectors = [arena.matrix(1, n), arena.matrix(1, n)];
  const ws = [arena.matrix(1, n), arena.matrix(1, n)];
  const p = arena.matrix(1, n);
  const zero = arena.matrix(1, n);
  const ap = a.ptr / 8;
  const ld = a.ld;
  let prev = -1;
  for (let k = 0; k < n; k++) {
    const view = arena.f64();
    const v = vectors[k % 2]!;
    const w = ws[k % 2]!;
    const row = ap + k * ld;
    if (prev >= 0) {
      // Row k of the trailing block of step k - 1: A[k][c] -= v_k w_c + w_k v_c, c >= k.
      const vp = vectors[prev % 2]!.ptr / 8;
      const wp = ws[prev % 2]!.ptr / 8;
      const vk = view[vp + k]!;
      const wk = view[wp + k]!;
      for (let c = k; c < n; c++) view[row + c] -= vk * view[wp + c]! + wk * view[vp + c]!;
    }
    diagonal[k] = view[row + k]!;
    if (k === n - 1) break;
    // x = A[k][k+1..] (row k = column k); v = x - alpha e_1 with alpha = -sign(x_0) |x|.
    const vp = v.ptr / 8;
    let norm2 = 0;
    for (let c = k + 1; c < n; c++) norm2 += view[row + c]! ** 2;
    const x0 = view[row + k + 1]!;
    const alpha = norm2 === 0 ? 0 : x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    for (let c = k + 1; c < n; c++) view[vp + c] = view[row + c]!;
    view[vp + k] = 0;
    view[vp + k + 1] = x0 - alpha;
    const vv = norm2 - x0 * x0 + (x0 - alpha) ** 2;
    const beta = vv > 0 ? 2 / vv : 0;
    off[k] = norm2 === 0 ? 0 : alpha;
    // Rows k+1.. of the trailing block: the update of step k - 1 (none at k = 0) and p = B v.
    const count = n - k - 1;
    const [pv0, pw0] = prev < 0 ? [zero, zero] : [vectors[prev % 2]!, ws[prev % 2]!];
    wasm.syr2Dot(a, k + 1, count, pv0, k + 1, pw0, k + 1, v, k + 1, p);
    const after = arena.f64();
    const pp = p.ptr / 8;
    let pv = 0;
    for (let i = 0; i < count; i++) {
      after[pp + i] *= beta;
      pv += after[pp + i]! * after[vp + k + 1 + i]!;
    }
    const wp = w.ptr / 8;
    for (let c = 0; c <= k; c++) after[wp + c] = 0;
    for (let i = 0; i < count; i++) after[wp + k + 1 + i] = after[pp + i]! - 0.5 * beta * pv * after[vp + k + 1 + i]!;
    prev = k;
  }
  return { diagonal, off };
}
