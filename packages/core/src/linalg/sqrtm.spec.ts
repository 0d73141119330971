import { describe, expect, it } from 'vitest';
import { multiply } from './multiply.ts';
import { sqrtmPsd } from './sqrtm.ts';
import { maxAbsDiff, randomSpd } from '../testing/matrices.ts';

describe('sqrtmPsd', () => {
  it('squares back to a random SPD matrix', () => {
    const d = 35;
    const a = randomSpd(d, 1);
    const r = sqrtmPsd(a, d);
    expect(maxAbsDiff(multiply(r, r, d, d, d), a)).toBeLessThan(1e-12);
  });

  it('takes the square root of a diagonal matrix entrywise', () => {
    expect(maxAbsDiff(sqrtmPsd(Float64Array.of(4, 0, 0, 9), 2), [2, 0, 0, 3])).toBeLessThan(1e-15);
  });

  it('clamps rounding-negative eigenvalues of a singular PSD matrix to 0', () => {
    // u u^T with u = (1, 2, 3) has eigenvalues 0, 0, 14 and square root u u^T / |u|.
    const u = [1, 2, 3];
    const a = Float64Array.from({ length: 9 }, (_, k) => u[Math.floor(k / 3)]! * u[k % 3]!);
    const r = sqrtmPsd(a, 3);
    expect(r.every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(r, Array.from(a, (v) => v / Math.sqrt(14)))).toBeLessThan(1e-14);
  });
});
