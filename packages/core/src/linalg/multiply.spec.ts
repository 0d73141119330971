import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.ts';
import { multiply, multiplyTransposed } from './multiply.ts';
import { maxAbsDiff } from '../testing/matrices.ts';

/** C_ij = sum_k A_ik B_kj by the textbook triple loop. */
function naiveProduct(a: Float64Array, b: Float64Array, rows: number, inner: number, cols: number): Float64Array {
  const c = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) for (let k = 0; k < inner; k++) c[i * cols + j] += a[i * inner + k]! * b[k * cols + j]!;
  return c;
}

describe('multiply', () => {
  it.each([
    [1, 1, 1],
    [5, 7, 3],
    [8, 2, 9],
    [13, 11, 6],
  ])('matches the triple loop for %i x %i times %i columns', (rows, inner, cols) => {
    const rng = Rng.from(1, rows, inner, cols);
    const a = rng.normals(rows * inner);
    const b = rng.normals(inner * cols);
    expect(maxAbsDiff(multiply(a, b, rows, inner, cols), naiveProduct(a, b, rows, inner, cols))).toBeLessThan(1e-13);
  });

  it('adds A A^T into the upper triangle of an existing matrix when asked for upperOnly', () => {
    const d = 9;
    const n = 5;
    const a = Rng.from(2).normals(d * n);
    const start = Rng.from(3).normals(d * d);
    const full = multiplyTransposed(a, a, d, n, d, false, start.slice());
    const upper = multiplyTransposed(a, a, d, n, d, true, start.slice());
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) expect(upper[i * d + j]).toBeCloseTo(full[i * d + j]!, 13);
  });

  it('names a factor of the wrong size', () => {
    expect(() => multiply(new Float64Array(6), new Float64Array(6), 2, 3, 3)).toThrow('multiply (right factor): array of 6 values; expected 3x3 = 9');
  });
});
