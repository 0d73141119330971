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
