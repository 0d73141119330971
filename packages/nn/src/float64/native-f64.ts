import type { Cblas } from '../backend/native/cblas.ts';
import { koffiModule, type KoffiModule } from '../backend/native/koffi-module.ts';
import { guarded } from '../backend/native/signal-mask.ts';
import { openLibrary, type OpenedLibrary } from '../backend/native/shared-library.ts';
import { currentBackend } from '../backend/select-backend.ts';

// CBLAS enums (cblas.h): CblasRowMajor, CblasUpper, CblasTrans
const ROW_MAJOR = 101;
const UPPER = 121;
const TRANS = 112;

/**
 * The CBLAS that serves the float64 products: the native backend's while it is the active
 * backend and has one, else null (the wasm kernels). Asked at every operation, not kept by an
 * arena, so that selecting another backend takes effect at the next call.
 */
export function float64Blas(): Cblas | null {
  return currentBackend()?.native?.libraries.blas ?? null;
}

/** A pivoted Cholesky factorisation's numerical rank and 0-based pivot order. */
export interface NativePivots {
  readonly rank: number;
  readonly order: Uint32Array;
}

/**
 * The float64 routines beyond dgemm, on row-major arrays (views of an arena's memory), bound from
 * the CBLAS's own library; each null where the library does not export it (BLIS and the
 * reference CBLAS carry no LAPACK). LAPACK is column-major, so a row-major triangle is the other
 * one to it. LP64 only: 32-bit integers, as Debian's, Homebrew's and MKL's default builds.
 */
export interface Float64Routines {
  /** The upper triangle of C (n x n) += A^T A for A k x n: cblas_dsyrk(RowMajor, Upper, Trans, beta 1). */
  readonly syrkUpper: ((n: number, k: number, a: Float64Array, lda: number, c: Float64Array, ldc: number) => void) | null;
  /**
   * dpstrf: S[order][order] = L L^T with complete pivoting, stopping once the largest remaining
   * diagonal is <= tolerance; reads S's lower triangle, overwrites it with L's first `rank` columns
   * (and the trailing block with what dpstrf leaves there); the strict upper triangle is left alone.
   */
  readonly pivotedCholeskyLower: ((n: number, s: Float64Array, lds: number, tolerance: number) => NativePivots) | null;
  /** dsyev('N'): the eigenvalues, ascending, of the symmetric n x n matrix whose upper triangle is given (destroyed). */
  readonly eigenvaluesUpper: ((n: number, a: Float64Array, lda: number) => Float64Array) | null;
}

type Dsyrk = (order: number, uplo: number, trans: number, n: number, k: number, alpha: number, a: Float64Array, lda: number, beta: number, c: Float64Array, ldc: number) => void;
type Dpstrf = (uplo: string, n: number[], a: Float64Array, lda: number[], piv: Int32Array, rank: Int32Array, tol: number[], work: Float64Array, info: Int32Array, uploLength: number) => void;
type Dsyev = (jobz: string, uplo: string, n: number[], a: Float64Array, lda: number[], w: Float64Array, work: Float64Array, lwork: number[], info: Int32Array, jobzLength: number, uploLength: number) => void;

/** Throws LAPACK's own complaint about an argument (info < 0). */
function checkInfo(routine: string, info: number): void {
  if (info < 0) throw new Error(`${routine}: argument ${-info} rejected`);
}

function bind(opened: OpenedLibrary, koffi: KoffiModule): Float64Routines {
  const { lib, has } = opened;
  const func = <F extends (...args: never[]) => unknown>(signature: string) => guarded(koffi, lib.func(signature) as unknown as F);
  const dsyrk = has('cblas_dsyrk')
    ? func<Dsyrk>('void cblas_dsyrk(int order, int uplo, int trans, int n, int k, double alpha, const double *a, int lda, double beta, double *c, int ldc)')
    : null;
  // Fortran symbols, with gfortran's hidden lengths of the character arguments last (ignored by MKL's and Accelerate's C ABI).
  const dpstrf = has('dpstrf_')
    ? func<Dpstrf>('void dpstrf_(const char *uplo, const int *n, double *a, const int *lda, int *piv, int *rank, const double *tol, double *work, int *info, size_t uploLength)')
    : null;
  const dsyev = has('dsyev_')
    ? func<Dsyev>('void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work, const int *lwork, int *info, size_t jobzLength, size_t uploLength)')
    : null;
  return {
    syrkUpper: dsyrk && ((n, k, a, lda, c, ldc) => dsyrk(ROW_MAJOR, UPPER, TRANS, n, k, 1, a, lda, 1, c, ldc)),
    pivotedCholeskyLower:
      dpstrf &&
      ((n, s, lds, tolerance) => {
        const piv = new Int32Array(Math.max(n, 1));
        const rank = new Int32Array(1);
        const info = new Int32Array(1);
        // Row-major lower = column-major upper: dpstrf('U') gives U^T U = P^T S P, U^T = L.
        dpstrf('U', [n], s, [lds], piv, rank, [tolerance], new Float64Array(Math.max(2 * n, 1)), info, 1);
        checkInfo('dpstrf', info[0]!);
        return { rank: rank[0]!, order: Uint32Array.from(piv.subarray(0, n), (p) => p - 1) };
      }),
    eigenvaluesUpper:
      dsyev &&
      ((n, a, lda) => {
        const w = new Float64Array(n);
        const info = new Int32Array(1);
        const size = new Float64Array(1);
        dsyev('N', 'L', [n], a, [lda], w, size, [-1], info, 1, 1);
        const work = new Float64Array(Math.max(size[0]!, 1));
        // Row-major upper = column-major lower.
        dsyev('N', 'L', [n], a, [lda], w, work, [work.length], info, 1, 1);
        checkInfo('dsyev', info[0]!);
        if (info[0]! > 0) throw new Error(`dsyev: ${info[0]} off-diagonal elements did not converge to zero`);
        return w;
      }),
  };
}

const bound = new WeakMap<Cblas, Float64Routines>();

/** The float64 routines of `blas`'s library, bound once per library. */
export function routinesOf(blas: Cblas): Float64Routines {
  let routines = bound.get(blas);
  if (!routines) {
    const loaded = koffiModule();
    if ('reason' in loaded) throw new Error(loaded.reason);
    routines = bind(openLibrary(loaded.koffi, blas.path), loaded.koffi);
    bound.set(blas, routines);
  }
  return routines;
}

/** The float64 routines of the CBLAS that float64Blas() gives now; null without one. */
export function float64Routines(): Float64Routines | null {
  const blas = float64Blas();
  return blas ? routinesOf(blas) : null;
}
