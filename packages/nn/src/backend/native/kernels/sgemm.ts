/** A row-major single-precision GEMM: C = alpha·op(A)·op(B) + beta·C (oneDNN's or a CBLAS's). */
export type Sgemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  beta: number,
  c: Float32Array,
  ldc: number,
) => void;

/**
 * Products of at most this many multiply-adds (m·n·k) are small: OpenBLAS runs them on the calling
 * thread (its 65536 · GEMM_MULTITHREAD_THRESHOLD 4), where oneDNN would wake its OpenMP threads.
 */
export const SMALL_GEMM_MACS = 65536 * 4;

/** One Sgemm that hands small products (m·n·k ≤ limit) to `small` and the others to `large`. */
export function sizeRoutedSgemm(small: Sgemm, large: Sgemm, limit = SMALL_GEMM_MACS): Sgemm {
  return (transA, transB, m, n, k, ...rest) => (m * n * k <= limit ? small : large)(transA, transB, m, n, k, ...rest);
}
