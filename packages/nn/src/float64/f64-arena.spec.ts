import { afterAll, describe, expect, it, vi } from 'vitest';
import { Rng } from '@ouroboros/core';
import { relativeError } from '../backend/wasm-kernels/testing/kernel-cases.ts';
import { selectBackend } from '../backend/select-backend.ts';
import { F64Arena } from './f64-arena.ts';
import type { F64Matrix } from './f64-matrix.ts';
import { routinesOf } from './native-f64.ts';
import { nativeSkipReason, testBlas } from './testing/native-blas.ts';

const dgemmSkip = nativeSkipReason('dgemm');
const syrkSkip = nativeSkipReason('syrkUpper');
for (const reason of new Set([dgemmSkip, syrkSkip])) if (reason) console.log(`F64Arena native tests skipped: ${reason}`);

interface GemmCase {
  readonly arena: F64Arena;
  readonly a: F64Matrix;
  readonly b: F64Matrix;
  readonly c: F64Matrix;
  readonly before: Float64Array;
}

/**
 * A, B and a non-zero C with room around an m x n x k block at offsets (3, 2), (1, 2) and (3, 5),
 * the blocks ending at A's and B's last row and column (the wasm kernel rounds into the zero
 * padding beyond); a large matrix after them grows the memory.
 */
function gemmCase(m: number, n: number, k: number): GemmCase {
  const rng = Rng.from(m, n, k, 'dgemm');
  const arena = new F64Arena();
  const a = arena.load(rng.normals((m + 3) * (k + 2)), m + 3, k + 2);
  const b = arena.load(rng.normals((n + 1) * (k + 2)), n + 1, k + 2);
  const c = arena.load(rng.normals((m + 4) * (n + 7)), m + 4, n + 7);
  arena.matrix(600, 600);
  return { arena, a, b, c, before: arena.read(c) };
}

/** Puts `values` (rows x cols of m, row-major) back into m. */
function restore(arena: F64Arena, m: F64Matrix, values: Float64Array): void {
  const view = arena.f64();
  for (let i = 0; i < m.rows; i++) view.set(values.subarray(i * m.cols, (i + 1) * m.cols), m.ptr / 8 + i * m.ld);
}

/** The block of C at (3, 5) += -0.75 A[3.., 2..] B[1.., 2..]^T on the given backend, from C's first values; C after. */
async function gemm(on: 'native' | 'wasm', { arena, a, b, c, before }: GemmCase, m: number, n: number, k: number): Promise<Float64Array> {
  await selectBackend(on);
  restore(arena, c, before);
  arena.gemmNT(c, 3, 5, a, 3, 2, b, 1, 2, m, n, k, -0.75);
  return arena.read(c);
}

/** A random k x n matrix A and C n x n. */
function syrkCase(n: number, k: number, arena = new F64Arena()) {
  const rng = Rng.from(n, k, 'syrk');
  const a = arena.load(rng.normals(k * n), k, n);
  const c = arena.load(rng.normals(n * n), n, n);
  return { arena, a, c, before: arena.read(c) };
}

/** The n x n values with those below the diagonal set to 0. */
const upper = (values: Float64Array, n: number) => values.map((v, t) => (t % n >= Math.floor(t / n) ? v : 0));

/** C + A^T A by the triple loop, upper triangle. */
function scatterOf({ arena, a, before }: ReturnType<typeof syrkCase>, n: number, k: number): Float64Array {
  const av = arena.read(a);
  const expected = before.slice();
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += av[t * n + i]! * av[t * n + j]!;
      expected[i * n + j] += s;
    }
  }
  return upper(expected, n);
}

async function syrk(on: 'native' | 'wasm', { arena, a, c, before }: ReturnType<typeof syrkCase>, n: number, k: number): Promise<Float64Array> {
  await selectBackend(on);
  restore(arena, c, before);
  arena.syrkUpper(c, a, n, k);
  return upper(arena.read(c), n);
}

afterAll(async () => {
  vi.restoreAllMocks();
  await selectBackend('wasm');
});

describe('F64Arena.syrkUpper on the wasm kernels', () => {
  it.each([
    [1, 1],
    [7, 3],
    [70, 33],
    [131, 513],
  ])('C upper += A^T A equals the triple loop for A %i columns x %i rows', async (n, k) => {
    const setup = syrkCase(n, k);
    expect(relativeError(await syrk('wasm', setup, n, k), scatterOf(setup, n, k))).toBeLessThan(1e-13);
  });

  it('reuses its transposed copy for the same width, also for fewer rows (stale columns cleared), and replaces it for more rows or another width', async () => {
    const arena = new F64Arena();
    for (const [n, k] of [[40, 65], [40, 65], [40, 23], [40, 64], [40, 99], [17, 99]] as const) {
      const setup = syrkCase(n, k, arena);
      expect(relativeError(await syrk('wasm', setup, n, k), scatterOf(setup, n, k)), `${n} x ${k}`).toBeLessThan(1e-13);
    }
  });
});

describe.skipIf(dgemmSkip !== null)('F64Arena.gemmNT on the native backend: cblas_dgemm', () => {
  it.each([
    [1, 1, 1],
    [3, 5, 7],
    [7, 5, 3],
    [13, 9, 17],
    [65, 33, 131],
    [9, 7, 37],
    [3, 11, 203],
    [10, 151, 21],
    [129, 257, 65],
    [301, 97, 513],
  ])('equals the wasm kernel to 1e-12 relative for %i x %i with %i inner terms, on sub-blocks at offsets, accumulating into C', async (m, n, k) => {
    const setup = gemmCase(m, n, k);
    const wasm = await gemm('wasm', setup, m, n, k);
    const native = await gemm('native', setup, m, n, k);
    expect(relativeError(native, wasm)).toBeLessThan(1e-12);
    expect(relativeError(native, setup.before)).toBeGreaterThan(1e-3);
  });

  it('calls dgemm(NoTrans, Trans, m, n, k, alpha, ..., beta 1) while native is active, and the wasm kernel again once wasm is selected', async () => {
    const dgemm = vi.spyOn(testBlas!, 'dgemm');
    const setup = gemmCase(5, 3, 9);
    await gemm('native', setup, 5, 3, 9);
    expect(dgemm).toHaveBeenCalledTimes(1);
    const [transA, transB, m, n, k, alpha, , lda, , ldb, beta, , ldc] = dgemm.mock.calls[0]!;
    expect({ transA, transB, m, n, k, alpha, lda, ldb, beta, ldc }).toEqual({ transA: false, transB: true, m: 5, n: 3, k: 9, alpha: -0.75, lda: setup.a.ld, ldb: setup.b.ld, beta: 1, ldc: setup.c.ld });
    await gemm('wasm', setup, 5, 3, 9);
    expect(dgemm).toHaveBeenCalledTimes(1);
    dgemm.mockRestore();
  });
});

describe.skipIf(syrkSkip !== null)('F64Arena.syrkUpper on the native backend: cblas_dsyrk', () => {
  it.each([
    [1, 1],
    [7, 3],
    [70, 33],
    [131, 513],
    [300, 65],
  ])('equals the wasm kernels on the upper triangle to 1e-12 relative for A %i columns x %i rows', async (n, k) => {
    const setup = syrkCase(n, k);
    const wasm = await syrk('wasm', setup, n, k);
    expect(relativeError(await syrk('native', setup, n, k), wasm)).toBeLessThan(1e-12);
  });

  it('calls dsyrk while native is active, and the wasm kernels once wasm is selected', async () => {
    const routines = routinesOf(testBlas!);
    const dsyrk = vi.spyOn(routines as { syrkUpper: NonNullable<typeof routines.syrkUpper> }, 'syrkUpper');
    const setup = syrkCase(9, 4);
    await syrk('native', setup, 9, 4);
    expect(dsyrk).toHaveBeenCalledTimes(1);
    await syrk('wasm', setup, 9, 4);
    expect(dsyrk).toHaveBeenCalledTimes(1);
    dsyrk.mockRestore();
  });
});
