import { describe, expect, it } from 'vitest';
import { multiply } from './multiply.ts';
import { transpose } from './matrix.ts';
import { symmetricEigen, symmetricEigenvalues, tridiagonalEigenvalues } from './symmetric-eigen.ts';
import { maxAbsDiff, randomSymmetric } from '../testing/matrices.ts';

/** V diag(w) V^T. */
function reconstruct(values: Float64Array, vectors: Float64Array, d: number): Float64Array {
  const scaled = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) scaled[i * d + j] = vectors[i * d + j]! * values[j]!;
  return multiply(scaled, transpose(vectors, d, d), d, d, d);
}

function identityMatrix(d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) out[i * d + i] = 1;
  return out;
}

describe('symmetricEigen', () => {
  it.each([1, 2, 3, 7, 16, 50, 200].map((d) => ({ d })))('reconstructs a random symmetric $d x $d matrix as V diag(w) V^T to 1e-10', ({ d }) => {
    const a = randomSymmetric(d, 1);
    const { values, vectors } = symmetricEigen(a, d);
    expect(maxAbsDiff(reconstruct(values, vectors, d), a)).toBeLessThan(1e-10);
    expect(maxAbsDiff(multiply(transpose(vectors, d, d), vectors, d, d, d), identityMatrix(d))).toBeLessThan(1e-10);
    for (let i = 1; i < d; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]!);
  });

  it('gives the same eigenvalues with and without eigenvectors', () => {
    const d = 60;
    const a = randomSymmetric(d, 2);
    expect(maxAbsDiff(symmetricEigenvalues(a, d), symmetricEigen(a, d).values)).toBeLessThan(1e-12);
  });

  it('finds 1 and 3 for [[2, 1], [1, 2]] with eigenvectors (1, -1)/sqrt 2 and (1, 1)/sqrt 2', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[0]! * vectors[2]!).toBeCloseTo(-0.5, 14);
    expect(vectors[1]! * vectors[3]!).toBeCloseTo(0.5, 14);
  });

  it('finds 2 - 2 cos(k pi / (n + 1)) for the second-difference matrix tridiag(-1, 2, -1)', () => {
    const n = 40;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = 2;
      if (i > 0) a[i * n + i - 1] = a[(i - 1) * n + i] = -1;
    }
    const values = symmetricEigen(a, n).values;
    const expected = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));
    expect(maxAbsDiff(values, expected)).toBeLessThan(1e-13);
  });

  it('handles repeated eigenvalues: the all-ones 5 x 5 matrix has 0 (four times) and 5', () => {
    const d = 5;
    const a = new Float64Array(d * d).fill(1);
    const { values, vectors } = symmetricEigen(a, d);
    expect(maxAbsDiff(values, [0, 0, 0, 0, 5])).toBeLessThan(1e-14);
    expect(maxAbsDiff(reconstruct(values, vectors, d), a)).toBeLessThan(1e-14);
  });

  it('returns a diagonal matrix sorted, and the zero matrix as zeros with V = I', () => {
    expect([...symmetricEigen(Float64Array.of(3, 0, 0, 0, -1, 0, 0, 0, 2), 3).values]).toEqual([-1, 2, 3]);
    const zero = symmetricEigen(new Float64Array(9), 3);
    expect([...zero.values]).toEqual([0, 0, 0]);
    expect(maxAbsDiff(zero.vectors, identityMatrix(3))).toBe(0);
  });

  it('reads only the lower triangle', () => {
    const d = 6;
    const a = randomSymmetric(d, 3);
    const upperGarbled = a.slice();
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) upperGarbled[i * d + j] = 1e6;
    expect(maxAbsDiff(symmetricEigen(upperGarbled, d).values, symmetricEigen(a, d).values)).toBe(0);
  });

  it('names a non-finite entry and a size mismatch', () => {
    expect(() => symmetricEigen(Float64Array.of(1, 0, Number.NaN, 1), 2)).toThrow('symmetricEigen: entry (1, 0) is NaN; expected finite values');
    expect(() => symmetricEigen(new Float64Array(5), 2)).toThrow('array of 5 values; expected 2x2 = 4');
  });

  it('finds the eigenvalues of a tridiagonal matrix given by its diagonals: tridiag(-1, 2, -1) again', () => {
    const n = 40;
    const values = tridiagonalEigenvalues(new Float64Array(n).fill(2), new Float64Array(n - 1).fill(-1));
    const expected = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));
    expect(maxAbsDiff(values, expected)).toBeLessThan(1e-13);
    expect(() => tridiagonalEigenvalues([1, 2], [])).toThrow('tridiagonalEigenvalues: 0 off-diagonal values for 2 diagonal ones; expected 1');
  });
});
