import { describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { maxAbsDiff, randomSymmetric } from '@ouroboros/core/testing';
import { F64Arena, wasmOf } from './f64-arena.ts';
import { hasRelaxedSimd } from './f64-kernels.ts';

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
    wasmOf(arena).gemmNT(c, 3, 5, a, 3, 2, b, 1, 2, m, n, k, -0.5);
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

  it.each(kernels.flatMap((fusedMultiplyAdd) => [1, 2, 5, 8, 13, 38].map((count) => ({ count, fusedMultiplyAdd }))))(
    'syr2_dot on a $count x $count block: the upper triangle gets T - v w^T - w v^T, p = T vNext, the lower triangle is left alone (fused multiply-add: $fusedMultiplyAdd)',
    ({ count, fusedMultiplyAdd }) => {
      const n = count + 3;
      const rng = Rng.from(count, 'syr2');
      const arena = new F64Arena({ fusedMultiplyAdd });
      const s = randomSymmetric(n, count);
      const t = arena.load(s, n, n);
      // v, w, vNext: entries from 3 (the block's first column) to n - 1; zero before and after, as tridiagonalize keeps them.
      const vector = () => arena.load(Float64Array.from({ length: n }, (_, c) => (c >= 3 ? rng.normal() : 0)), 1, n);
      const [v, w, vNext] = [vector(), vector(), vector()];
      const [vv, wv, nv] = [arena.read(v), arena.read(w), arena.read(vNext)];
      const p = arena.matrix(1, n);
      wasmOf(arena).syr2Dot(t, 3, count, v, 3, w, 3, vNext, 3, p);
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
});
