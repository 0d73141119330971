import { describe, expect, it } from 'vitest';
import { Rng, symmetricEigenvalues, tridiagonalEigenvalues } from '@ouroboros/core';
import { F64Arena, hasRelaxedSimd } from './f64-kernels.ts';
import { pivotedCholesky } from './pivoted-cholesky.ts';
import { tridiagonalize } from './tridiagonal.ts';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** A random symmetric n x n matrix. */
function symmetric(n: number, seed: number): Float64Array {
  const g = Rng.from(seed, 'symmetric').normals(n * n);
  return Float64Array.from({ length: n * n }, (_, k) => g[k]! + g[(k % n) * n + Math.floor(k / n)]!);
}

/** The gemm_nt and syr2_dot variants this engine can build: with f64x2.relaxed_madd where it has relaxed SIMD, and always with mul and add. */
const kernels = hasRelaxedSimd() ? [true, false] : [false];

describe('the float64 WebAssembly kernels', () => {
  it.each(
    kernels.flatMap((fusedMultiplyAdd) =>
      [
        [4, 2, 2],
        [7, 5, 3],
        [13, 9, 17],
        [65, 33, 130],
        [9, 7, 37],
        [12, 6, 64],
        [3, 11, 203],
        [10, 150, 21],
      ].map(([m, n, k]) => [m!, n!, k!, fusedMultiplyAdd] as const),
    ),
  )('gemm_nt: C += alpha A B^T equals the triple loop for %i x %i with %i inner terms, on sub-blocks at offsets (fused multiply-add: %s)', (m, n, k, fusedMultiplyAdd) => {
    const rng = Rng.from(m, n, k);
    const arena = new F64Arena({ fusedMultiplyAdd });
    const a = arena.load(rng.normals((m + 3) * (k + 2)), m + 3, k + 2);
    const b = arena.load(rng.normals((n + 1) * (k + 2)), n + 1, k + 2);
    const c = arena.load(rng.normals((m + 3) * (n + 5)), m + 3, n + 5);
    const before = arena.read(c);
    const av = arena.read(a);
    const bv = arena.read(b);
    // The block of C at (3, 5) += -0.5 A[3.., 2..] B[1.., 2..]^T over m x n and k terms; the rest of C unchanged.
    arena.gemmNT(c, 3, 5, a, 3, 2, b, 1, 2, m, n, k, -0.5);
    const after = arena.read(c);
    const expected = before.slice();
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < k; t++) s += av[(3 + i) * (k + 2) + 2 + t]! * bv[(1 + j) * (k + 2) + 2 + t]!;
        expected[(3 + i) * (n + 5) + 5 + j] += -0.5 * s;
      }
    }
    expect(maxAbsDiff(after, expected)).toBeLessThan(1e-12 * Math.sqrt(k));
  });

  it.each(kernels.flatMap((fusedMultiplyAdd) => [1, 2, 5, 8, 13, 38].map((count) => [count, fusedMultiplyAdd] as const)))(
    'syr2_dot on a %i x %i block: the upper triangle gets T - v w^T - w v^T, p = T vNext, the lower triangle is left alone (fused multiply-add: %s)',
    (count, fusedMultiplyAdd) => {
      const n = count + 3;
      const rng = Rng.from(count, 'syr2');
      const arena = new F64Arena({ fusedMultiplyAdd });
      const s = symmetric(n, count);
      const t = arena.load(s, n, n);
      // v, w, vNext: entries from 3 (the block's first column) to n - 1; zero before and after, as tridiagonalize keeps them.
      const vector = () => arena.load(Float64Array.from({ length: n }, (_, c) => (c >= 3 ? rng.normal() : 0)), 1, n);
      const [v, w, vNext] = [vector(), vector(), vector()];
      const [vv, wv, nv] = [arena.read(v), arena.read(w), arena.read(vNext)];
      const p = arena.matrix(1, n);
      arena.syr2Dot(t, 3, count, v, 3, w, 3, vNext, 3, p);
      const after = arena.read(t);
      const updated = (i: number, j: number) => s[(3 + i) * n + 3 + j]! - vv[3 + i]! * wv[3 + j]! - wv[3 + i]! * vv[3 + j]!;
      const expected = s.slice();
      for (let i = 0; i < count; i++) for (let j = i; j < count; j++) expected[(3 + i) * n + 3 + j] = updated(i, j);
      expect(maxAbsDiff(after, expected)).toBeLessThan(1e-13);
      const products = Array.from({ length: count }, (_, i) => {
        let sum = 0;
        for (let j = 0; j < count; j++) sum += updated(Math.min(i, j), Math.max(i, j)) * nv[3 + j]!;
        return sum;
      });
      expect(maxAbsDiff(arena.read(p).subarray(0, count), products)).toBeLessThan(1e-12);
    },
  );

  it('keeps matrices apart and valid while the memory grows', () => {
    const arena = new F64Arena();
    const first = arena.load([1, 2, 3, 4], 2, 2);
    for (let i = 0; i < 5; i++) arena.matrix(300, 300);
    expect(Array.from(arena.read(first))).toEqual([1, 2, 3, 4]);
  });

  it.each(kernels.flatMap((fusedMultiplyAdd) => [1, 2, 3, 8, 37, 130].map((n) => [n, fusedMultiplyAdd] as const)))('tridiagonalize keeps the eigenvalues of a random symmetric n x n matrix, n = %i (fused multiply-add: %s)', (n, fusedMultiplyAdd) => {
    const s = symmetric(n, n);
    const arena = new F64Arena({ fusedMultiplyAdd });
    const { diagonal, off } = tridiagonalize(arena, arena.load(s, n, n), n);
    expect(maxAbsDiff(tridiagonalEigenvalues(diagonal, off), symmetricEigenvalues(s, n))).toBeLessThan(1e-10 * n);
  });

  it('tridiagonalize handles columns that are already zero (a block-diagonal matrix)', () => {
    const s = Float64Array.of(2, 0, 0, 0, 0, 3, 1, 0, 0, 1, 3, 0, 0, 0, 0, 5);
    const arena = new F64Arena();
    const { diagonal, off } = tridiagonalize(arena, arena.load(s, 4, 4), 4);
    expect(maxAbsDiff(tridiagonalEigenvalues(diagonal, off), [2, 2, 4, 5])).toBeLessThan(1e-14);
  });
});

describe('pivotedCholesky', () => {
  /** F F^T for F d x r. */
  const gram = (f: Float64Array, d: number, r: number) =>
    Float64Array.from({ length: d * d }, (_, k) => {
      let s = 0;
      for (let j = 0; j < r; j++) s += f[Math.floor(k / d) * r + j]! * f[(k % d) * r + j]!;
      return s;
    });

  it('factors a positive definite matrix completely: F F^T = S', () => {
    const s = Float64Array.of(4, 2, 0.4, 2, 3, -1, 0.4, -1, 2);
    const { factor, rank } = pivotedCholesky(s, 3);
    expect(rank).toBe(3);
    expect(maxAbsDiff(gram(factor, 3, 3), s)).toBeLessThan(1e-14);
  });

  it('stops at the rank of a singular PSD matrix: u u^T + v v^T in 4-D has rank 2', () => {
    const u = [1, 2, 0, -1];
    const v = [0, 1, 3, 1];
    const s = Float64Array.from({ length: 16 }, (_, k) => u[Math.floor(k / 4)]! * u[k % 4]! + v[Math.floor(k / 4)]! * v[k % 4]!);
    const { factor, rank } = pivotedCholesky(s, 4);
    expect(rank).toBe(2);
    expect(maxAbsDiff(gram(factor, 4, 2), s)).toBeLessThan(1e-13);
  });

  it('factors a larger SPD matrix (several kernel calls per column)', () => {
    const d = 70;
    const g = Rng.from(9).normals(d * d);
    const s = Float64Array.from({ length: d * d }, (_, k) => {
      let v = 0;
      for (let t = 0; t < d; t++) v += g[Math.floor(k / d) * d + t]! * g[(k % d) * d + t]!;
      return v;
    });
    const { factor, rank } = pivotedCholesky(s, d);
    expect(rank).toBe(d);
    expect(maxAbsDiff(gram(factor, d, d), s)).toBeLessThan(1e-9);
  });

  it('names a non-finite diagonal', () => {
    expect(() => pivotedCholesky(Float64Array.of(1, 0, 0, Number.NaN), 2)).toThrow('pivotedCholesky: diagonal entry 1 is NaN; expected finite values');
  });
});
