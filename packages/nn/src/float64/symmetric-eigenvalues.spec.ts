import { afterAll, describe, expect, it, vi } from 'vitest';
import { symmetricEigenvalues } from '@ouroboros/core';
import { randomSymmetric } from '@ouroboros/core/testing';
import { relativeError } from '../backend/wasm-kernels/testing/kernel-cases.ts';
import { selectBackend } from '../backend/select-backend.ts';
import { F64Arena } from './f64-arena.ts';
import { routinesOf } from './native-f64.ts';
import { nativeSkipReason, testBlas } from './testing/native-blas.ts';
import { symmetricEigenvaluesIn } from './symmetric-eigenvalues.ts';

const skip = nativeSkipReason('eigenvaluesUpper');
if (skip) console.log(`native symmetricEigenvaluesIn tests skipped: ${skip}`);
const backends = skip ? (['wasm'] as const) : (['wasm', 'native'] as const);

/** The eigenvalues of `s` (n x n) through an arena, with its lower triangle garbled (only the upper one may be read). */
async function eigenvaluesOn(backend: 'wasm' | 'native', s: Float64Array, n: number): Promise<Float64Array> {
  await selectBackend(backend);
  const arena = new F64Arena();
  return symmetricEigenvaluesIn(arena, arena.load(s.map((v, k) => (k % n < Math.floor(k / n) ? Number.NaN : v)), n, n), n);
}

afterAll(async () => {
  await selectBackend('wasm');
});

describe.each(backends)('symmetricEigenvaluesIn on the %s backend', (backend) => {
  it.each([1, 2, 3, 8, 37, 130])('gives the eigenvalues of a random symmetric n x n matrix, ascending, from its upper triangle, n = %i', async (n) => {
    const s = randomSymmetric(n, n);
    const values = await eigenvaluesOn(backend, s, n);
    expect(relativeError(values, symmetricEigenvalues(s, n).sort())).toBeLessThan(1e-12 * n);
    expect(Array.from(values)).toEqual(Array.from(values).sort((a, b) => a - b));
  });

  it('gives nothing for n = 0', async () => {
    await selectBackend(backend);
    expect(symmetricEigenvaluesIn(new F64Arena(), new F64Arena().matrix(0, 0), 0)).toHaveLength(0);
  });
});

describe.skipIf(skip !== null)('symmetricEigenvaluesIn on the native backend (dsyev) against the wasm path', () => {
  it.each([5, 64, 301])('n = %i: equal to 1e-12 relative', async (n) => {
    const s = randomSymmetric(n, n + 1);
    expect(relativeError(await eigenvaluesOn('native', s, n), await eigenvaluesOn('wasm', s, n))).toBeLessThan(1e-12);
  });

  it('calls dsyev while native is active, and the wasm path once wasm is selected', async () => {
    const routines = routinesOf(testBlas!);
    const dsyev = vi.spyOn(routines as { eigenvaluesUpper: NonNullable<typeof routines.eigenvaluesUpper> }, 'eigenvaluesUpper');
    const s = randomSymmetric(6, 2);
    await eigenvaluesOn('native', s, 6);
    expect(dsyev).toHaveBeenCalledTimes(1);
    await eigenvaluesOn('wasm', s, 6);
    expect(dsyev).toHaveBeenCalledTimes(1);
    dsyev.mockRestore();
  });
});
