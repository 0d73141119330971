import type { KoffiModule } from './koffi-module.ts';
import { openLibrary, type OpenedLibrary } from './shared-library.ts';
import { guarded } from './signal-mask.ts';

// CBLAS enums (cblas.h): CblasRowMajor, CblasNoTrans, CblasTrans
const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

type Gemm<T> = (
  order: number,
  transA: number,
  transB: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: T,
  lda: number,
  b: T,
  ldb: number,
  beta: number,
  c: T,
  ldc: number,
) => void;

/** How a CBLAS implementation is told its thread count, and what it says about itself. */
interface Vendor {
  readonly name: string;
  setThreads?(n: number): void;
  describe?(): string;
}

function vendorOf(opened: OpenedLibrary): Vendor {
  const { lib, has } = opened;
  if (has('openblas_set_num_threads')) {
    const set = lib.func('void openblas_set_num_threads(int n)');
    const config = lib.func('const char *openblas_get_config()');
    const core = has('openblas_get_corename') ? lib.func('const char *openblas_get_corename()') : null;
    return {
      name: 'OpenBLAS',
      setThreads: (n) => set(n),
      describe: () => `${config() as string}${core ? `; ${core() as string} kernels` : ''}`,
    };
  }
  if (has('MKL_Set_Num_Threads')) {
    const set = lib.func('void MKL_Set_Num_Threads(int n)');
    return { name: 'Intel MKL', setThreads: (n) => set(n) };
  }
  if (has('bli_thread_set_num_threads')) {
    const set = lib.func('void bli_thread_set_num_threads(int64_t n)');
    return { name: 'BLIS', setThreads: (n) => set(n) };
  }
  if (opened.path.includes('Accelerate')) return { name: 'Apple Accelerate' };
  return { name: 'CBLAS' };
}

/**
 * A CBLAS (OpenBLAS, MKL, BLIS, Accelerate, ...): row-major sgemm and dgemm on typed arrays,
 * which may be views of the wasm heap (koffi passes their memory, no copy).
 */
export class Cblas {
  private readonly sgemmFn: Gemm<Float32Array>;
  private readonly dgemmFn: Gemm<Float64Array>;
  private readonly vendor: Vendor;
  private threadCount: number | null = null;

  private constructor(readonly path: string, opened: OpenedLibrary, koffi: KoffiModule) {
    const { lib } = opened;
    this.sgemmFn = guarded(koffi, lib.func(
      'void cblas_sgemm(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)',
    ) as Gemm<Float32Array>);
    this.dgemmFn = guarded(koffi, lib.func(
      'void cblas_dgemm(int order, int ta, int tb, int m, int n, int k, double alpha, const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc)',
    ) as Gemm<Float64Array>);
    this.vendor = vendorOf(opened);
  }

  /** Opens `path` as a CBLAS; throws when it cannot be opened or exports no cblas_sgemm/cblas_dgemm. */
  static open(koffi: KoffiModule, path: string): Cblas {
    const opened = openLibrary(koffi, path);
    if (!opened.has('cblas_sgemm') || !opened.has('cblas_dgemm')) throw new Error(`${path}: exports no cblas_sgemm/cblas_dgemm`);
    return new Cblas(path, opened, koffi);
  }

  get name(): string {
    return this.vendor.name;
  }

  /** The library's own words on its build (OpenBLAS: config and kernel family). */
  details(): string | undefined {
    return this.vendor.describe?.();
  }

  /** Sets the thread count where the library has a call for it; false where it manages its own. */
  setThreads(n: number): boolean {
    if (!this.vendor.setThreads) return false;
    if (this.threadCount !== n) this.vendor.setThreads(n);
    this.threadCount = n;
    return true;
  }

  get threads(): number | null {
    return this.threadCount;
  }

  // C = alpha·op(A)·op(B) + beta·C, row-major, op = transpose when asked
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number): void {
    this.sgemmFn(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }

  // C = alpha·op(A)·op(B) + beta·C in float64, row-major
  dgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: Float64Array, lda: number, b: Float64Array, ldb: number, beta: number, c: Float64Array, ldc: number): void {
    this.dgemmFn(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
}
