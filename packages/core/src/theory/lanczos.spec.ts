import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues } from '../linalg/symmetric-eigen.ts';
import { Rng } from '../rng/rng.ts';
import { lanczos } from './lanczos.ts';

/** A random symmetric d x d matrix with eigenvalues spread over [-3, 5]. */
function randomSymmetric(d: number, seed: number): Float64Array {
  const rng = Rng.from(seed, 'matrix');
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) a[i * d + j] = a[j * d + i] = rng.normal();
  for (let i = 0; i < d; i++) a[i * d + i]! += i % 2 === 0 ? 1 : -0.5;
  return a;
}

const times = (a: Float64Array, d: number) => async (v: Float64Array) => Float64Array.from({ length: d }, (_, i) => v.reduce((s, x, j) => s + a[i * d + j]! * x, 0));

describe('lanczos', () => {
  it('finds every eigenvalue of an operator no larger than its steps', async () => {
    const d = 7;
    const a = randomSymmetric(d, 1);
    const result = await lanczos(times(a, d), d, 20, Rng.from(0, 'lanczos'));
    const exact = symmetricEigenvalues(a, d);
    expect(result.steps).toBe(d);
    expect([...result.ritz].map((x) => x.toFixed(8))).toEqual([...exact].map((x) => x.toFixed(8)));
  });

  it('approaches the extreme eigenvalues of a larger operator from inside', async () => {
    const d = 120;
    const a = randomSymmetric(d, 2);
    const exact = symmetricEigenvalues(a, d);
    const result = await lanczos(times(a, d), d, 60, Rng.from(0, 'lanczos'));
    expect(result.smallest).toBeGreaterThanOrEqual(exact[0]! - 1e-9);
    expect(result.largest).toBeLessThanOrEqual(exact[d - 1]! + 1e-9);
    expect(result.smallest).toBeCloseTo(exact[0]!, 4);
    expect(result.largest).toBeCloseTo(exact[d - 1]!, 4);
  });

  it('refuses an operator of the wrong size', async () => {
    await expect(lanczos(async () => new Float64Array(2), 3, 3, Rng.from(0))).rejects.toThrow('lanczos: the operator returned 2 values; expected 3');
  });
});
