import { describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { inverse, logAbsDet, luDecompose } from './lu.ts';
import { randomRotation } from './random-rotation.ts';

const matmul = (a: Float64Array, b: Float64Array, n: number) => {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[i * n + j]! += a[i * n + k]! * b[k * n + j]!;
  return out;
};
const randomMatrix = (n: number, seed: number) => Float64Array.from(Rng.from(seed, 'matrix').normals(n * n));

describe('LU decomposition', () => {
  it('reconstructs A with rows permuted, L unit lower and U upper triangular, |L| <= 1 (partial pivoting)', () => {
    const n = 7;
    const a = randomMatrix(n, 1);
    const { perm, lower, upper } = luDecompose(a, n);
    const product = matmul(lower, upper, n);
    for (let i = 0; i < n; i++) {
      expect(lower[i * n + i]).toBe(1);
      for (let j = 0; j < n; j++) {
        expect(product[i * n + j]).toBeCloseTo(a[perm[i]! * n + j]!, 12);
        if (j > i) expect(lower[i * n + j]).toBe(0);
        if (j < i) expect(upper[i * n + j]).toBe(0);
        expect(Math.abs(lower[i * n + j]!)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('gives log |det| of closed forms: a 2x2 ad - bc, a scaled rotation n log s, a triangular product', () => {
    expect(logAbsDet([0, 2, 3, 1], 2)).toBeCloseTo(Math.log(6), 14);
    const n = 5;
    expect(logAbsDet(randomRotation(n, Rng.from(3)).map((v) => 2.5 * v), n)).toBeCloseTo(n * Math.log(2.5), 12);
    expect(logAbsDet([2, 9, 9, 0, -3, 9, 0, 0, 0.5], 3)).toBeCloseTo(Math.log(3), 14);
    expect(() => logAbsDet([1, 2, 2, 4], 2)).toThrow('luDecompose: the matrix is singular');
  });

  it('inverts: A · A⁻¹ = I', () => {
    const n = 6;
    const a = randomMatrix(n, 2);
    const product = matmul(a, inverse(a, n), n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(product[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 12);
  });

  it('draws random rotations: Q Qᵀ = I, different for different streams', () => {
    const n = 12;
    const q = randomRotation(n, Rng.from(4));
    const qt = Float64Array.from({ length: n * n }, (_, k) => q[(k % n) * n + Math.floor(k / n)]!);
    const product = matmul(q, qt, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(product[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 12);
    expect(randomRotation(n, Rng.from(5))).not.toEqual(q);
  });
});
