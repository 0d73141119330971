import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues, tridiagonalEigenvalues } from '@ouroboros/core';
import { maxAbsDiff, randomSymmetric } from '@ouroboros/core/testing';
import { F64Arena } from './f64-arena.ts';
import { tridiagonalize } from './tridiagonal.ts';

describe('tridiagonalize', () => {
  it.each([1, 2, 3, 8, 37, 130])('keeps the eigenvalues of a random symmetric n x n matrix, n = %i', (n) => {
    const s = randomSymmetric(n, n);
    const arena = new F64Arena();
    const { diagonal, off } = tridiagonalize(arena, arena.load(s, n, n), n);
    expect(maxAbsDiff(tridiagonalEigenvalues(diagonal, off), symmetricEigenvalues(s, n))).toBeLessThan(1e-10 * n);
  });

  it('handles columns that are already zero (a block-diagonal matrix)', () => {
    const s = Float64Array.of(2, 0, 0, 0, 0, 3, 1, 0, 0, 1, 3, 0, 0, 0, 0, 5);
    const arena = new F64Arena();
    const { diagonal, off } = tridiagonalize(arena, arena.load(s, 4, 4), 4);
    expect(maxAbsDiff(tridiagonalEigenvalues(diagonal, off), [2, 2, 4, 5])).toBeLessThan(1e-14);
  });
});
