import { afterAll, describe, expect, it, vi } from 'vitest';
import { Rng } from '@ouroboros/core';
import { maxAbsDiff, randomSpd } from '@ouroboros/core/testing';
import { relativeError } from '../backend/wasm-kernels/testing/kernel-cases.ts';
import { selectBackend } from '../backend/select-backend.ts';
import { routinesOf } from './native-f64.ts';
import { pivotedCholesky } from './pivoted-cholesky.ts';
import { nativeSkipReason, testBlas } from './testing/native-blas.ts';

const skip = nativeSkipReason('pivotedCholeskyLower');
if (skip) console.log(`native pivotedCholesky tests skipped: ${skip}`);
const backends = skip ? (['wasm'] as const) : (['wasm', 'native'] as const);

/** F F^T for F d x r. */
const gram = (f: Float64Array, d: number, r: number) =>
  Float64Array.from({ length: d * d }, (_, k) => {
    let s = 0;
    for (let j = 0; j < r; j++) s += f[Math.floor(k / d) * r + j]! * f[(k % d) * r + j]!;
    return s;
  });

/** G G^T for G d x r with N(0, 1) entries: PSD of rank min(d, r). */
function lowRank(d: number, r: number, seed: number): Float64Array {
  const g = Rng.from(seed, 'low-rank').normals(d * r);
  return gram(g, d, r);
}

afterAll(async () => {
  await selectBackend('wasm');
});

describe.each(backends)('pivotedCholesky on the %s backend', (backend) => {
  it('factors a positive definite matrix completely: F F^T = S', async () => {
    await selectBackend(backend);
    const s = Float64Array.of(4, 2, 0.4, 2, 3, -1, 0.4, -1, 2);
    const { factor, rank } = pivotedCholesky(s, 3);
    expect(rank).toBe(3);
    expect(maxAbsDiff(gram(factor, 3, 3), s)).toBeLessThan(1e-14);
  });

  it('stops at the rank of a singular PSD matrix: u u^T + v v^T in 4-D has rank 2', async () => {
    await selectBackend(backend);
    const u = [1, 2, 0, -1];
    const v = [0, 1, 3, 1];
    const s = Float64Array.from({ length: 16 }, (_, k) => u[Math.floor(k / 4)]! * u[k % 4]! + v[Math.floor(k / 4)]! * v[k % 4]!);
    const { factor, rank } = pivotedCholesky(s, 4);
    expect(rank).toBe(2);
    expect(maxAbsDiff(gram(factor, 4, 2), s)).toBeLessThan(1e-13);
  });

  it('factors a larger SPD matrix (several kernel calls per column)', async () => {
    await selectBackend(backend);
    const d = 70;
    const s = lowRank(d, d, 9);
    const { factor, rank } = pivotedCholesky(s, d);
    expect(rank).toBe(d);
    expect(maxAbsDiff(gram(factor, d, d), s)).toBeLessThan(1e-9);
  });

  it('reads only the lower triangle', async () => {
    await selectBackend(backend);
    const d = 9;
    const s = randomSpd(d, 3);
    const garbled = s.map((v, k) => (k % d > Math.floor(k / d) ? 1e6 : v));
    expect(maxAbsDiff(pivotedCholesky(garbled, d).factor, pivotedCholesky(s, d).factor)).toBe(0);
  });

  it('gives rank 0 for the zero matrix', async () => {
    await selectBackend(backend);
    expect(pivotedCholesky(new Float64Array(9), 3).rank).toBe(0);
  });

  it('names a non-finite diagonal', async () => {
    await selectBackend(backend);
    expect(() => pivotedCholesky(Float64Array.of(1, 0, 0, Number.NaN), 2)).toThrow('pivotedCholesky: diagonal entry 1 is NaN; expected finite values');
  });
});

describe.skipIf(skip !== null)('pivotedCholesky on the native backend (dpstrf) against the wasm path', () => {
  it.each([
    [1, 1],
    [5, 5],
    [37, 37],
    [130, 130],
    [300, 300],
    [130, 41],
    [300, 7],
  ])('d = %i of rank %i: the same rank, pivots and factor to 1e-10 relative', async (d, r) => {
    const s = lowRank(d, r, d + r);
    await selectBackend('wasm');
    const wasm = pivotedCholesky(s, d);
    await selectBackend('native');
    const native = pivotedCholesky(s, d);
    expect(native.rank).toBe(r);
    expect(wasm.rank).toBe(r);
    expect(relativeError(native.factor, wasm.factor)).toBeLessThan(1e-10);
  });

  it('calls dpstrf while native is active, and the wasm path once wasm is selected', async () => {
    const routines = routinesOf(testBlas!);
    const dpstrf = vi.spyOn(routines as { pivotedCholeskyLower: NonNullable<typeof routines.pivotedCholeskyLower> }, 'pivotedCholeskyLower');
    const s = randomSpd(6, 1);
    await selectBackend('native');
    pivotedCholesky(s, 6);
    expect(dpstrf).toHaveBeenCalledTimes(1);
    await selectBackend('wasm');
    pivotedCholesky(s, 6);
    expect(dpstrf).toHaveBeenCalledTimes(1);
    dpstrf.mockRestore();
  });
});
