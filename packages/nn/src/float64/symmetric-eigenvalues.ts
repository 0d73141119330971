import { tridiagonalEigenvalues } from '@ouroboros/core';
import type { F64Arena } from './f64-arena.ts';
import type { F64Matrix } from './f64-matrix.ts';
import { float64Routines } from './native-f64.ts';
import { tridiagonalize } from './tridiagonal.ts';

/**
 * The eigenvalues, ascending, of the symmetric n x n arena matrix `a`, of which only the upper
 * triangle is read (`a` is overwritten): LAPACK's dsyev (blocked tridiagonalisation, then
 * Pal-Walker-Kahan QR) where the native backend's library has it, else the wasm Householder
 * tridiagonalisation and core's implicit QL.
 */
export function symmetricEigenvaluesIn(arena: F64Arena, a: F64Matrix, n: number): Float64Array {
  if (n <= 0) return new Float64Array(0);
  const dsyev = float64Routines()?.eigenvaluesUpper;
  if (dsyev) return dsyev(n, arena.viewAt(a, 0, 0), a.ld);
  const { diagonal, off } = tridiagonalize(arena, a, n);
  return tridiagonalEigenvalues(diagonal, off).sort();
}
