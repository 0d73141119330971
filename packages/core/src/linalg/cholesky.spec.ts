import { describe, expect, it } from 'vitest';
import { cholesky, choleskyInverseTrace, choleskyLogDet, solveLower, solveLowerTransposed } from './cholesky.ts';
import { multiply } from './multiply.ts';
import { transpose } from './matrix.ts';
import { symmetricEigenvalues } from './symmetric-eigen.ts';
import { maxAbsDiff, randomSpd } from '../testing/matrices.ts';

describe('cholesky', () => {
  it.each([1, 4, 30, 120])('factors a random SPD %i x %i matrix as L L^T with L lower triangular', (d) => {
    const a = randomSpd(d, 1);
    const l = cholesky(a, d);
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) expect(l[i * d + j]).toBe(0);
    expect(maxAbsDiff(multiply(l, transpose(l, d, d), d, d, d), a)).toBeLessThan(1e-12);
  });

  it('factors [[4, 2], [2, 3]] as [[2, 0], [1, sqrt 2]]', () => {
    expect(maxAbsDiff(cholesky(Float64Array.of(4, 2, 2, 3), 2), [2, 0, 1, Math.SQRT2])).toBeLessThan(1e-15);
  });

  it('names the matrix size and the failing pivot when the matrix is not positive definite', () => {
    expect(() => cholesky(Float64Array.of(1, 2, 0, 2, 1, 0, 0, 0, 1), 3)).toThrow(
      'cholesky: pivot 1 of the 3x3 matrix is -3; expected a symmetric positive definite matrix',
    );
    expect(() => cholesky(new Float64Array(4), 2)).toThrow('pivot 0 of the 2x2 matrix is 0');
  });

  it('gives log det A equal to the sum of the logs of the eigenvalues', () => {
    const d = 40;
    const a = randomSpd(d, 2);
    const logEig = symmetricEigenvalues(a, d).reduce((s, w) => s + Math.log(w), 0);
    expect(choleskyLogDet(cholesky(a, d), d)).toBeCloseTo(logEig, 10);
  });

  it('solves L y = b and L^T x = y, so x = A^{-1} b', () => {
    const d = 25;
    const a = randomSpd(d, 3);
    const l = cholesky(a, d);
    const b = Float64Array.from({ length: d }, (_, i) => Math.sin(i + 1));
    const y = solveLower(l, b, d);
    expect(maxAbsDiff(multiply(l, y, d, d, 1), b)).toBeLessThan(1e-13);
    const x = solveLowerTransposed(l, y, d);
    expect(maxAbsDiff(multiply(a, x, d, d, 1), b)).toBeLessThan(1e-12);
  });

  it('gives tr(A^{-1}) equal to the sum of inverse eigenvalues', () => {
    const d = 30;
    const a = randomSpd(d, 4);
    const expected = symmetricEigenvalues(a, d).reduce((s, w) => s + 1 / w, 0);
    expect(choleskyInverseTrace(cholesky(a, d), d)).toBeCloseTo(expected, 11);
  });
});
