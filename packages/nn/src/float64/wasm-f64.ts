import { f64Kernels, type F64Kernels } from './f64-kernels.ts';
import { elementAt, type F64Matrix } from './f64-matrix.ts';

/**
 * Columns of C per gemm_nt call: the kernel streams all of B past each 4-row tile of A, so B is
 * cut into blocks of this many rows that stay in cache (measured: 64 x 2048 x 2048 at 13 GFLOP/s
 * in one call, 19 in blocks of 64; no difference at k = 512).
 */
const GEMM_COLUMN_BLOCK = 64;
/** Rows of C per gemm_nt call of syrkUpper: only these panels' blocks on and above the diagonal are computed. */
const SYRK_PANEL = 64;

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;
const byteAt = (x: F64Matrix, i: number, j: number) => elementAt(x, i, j) * 8;

/**
 * The wasm kernels of f64-kernels.ts on arena matrices: the products every arena falls back to,
 * and the fused Householder step. The kernels round m up to 4, n and k to 2 (and syr2Dot's count
 * to 2): callers keep that inside the zero padding of F64Arena's matrices.
 */
export class WasmF64 {
  private readonly kernels: F64Kernels;

  constructor(fusedMultiplyAdd: boolean) {
    this.kernels = f64Kernels(fusedMultiplyAdd);
  }

  get memory(): F64Kernels['memory'] {
    return this.kernels.memory;
  }

  // C[ci.., cj..] += alpha A[ai.., ak..] B[bi.., bk..]^T over m x n, k inner terms
  gemmNT(c: F64Matrix, ci: number, cj: number, a: F64Matrix, ai: number, ak: number, b: F64Matrix, bi: number, bk: number, m: number, n: number, k: number, alpha: number): void {
    for (let j0 = 0; j0 < n; j0 += GEMM_COLUMN_BLOCK) {
      const width = roundUp(Math.min(GEMM_COLUMN_BLOCK, n - j0), 2);
      this.kernels.gemm_nt(byteAt(c, ci, cj + j0), byteAt(a, ai, ak), byteAt(b, bi + j0, bk), roundUp(m, 4), width, roundUp(k, 2), a.ld, b.ld, c.ld, alpha);
    }
  }

  // upper triangle of C[:n, :n] += At[:n, :k] At[:n, :k]^T (At: the scatter's operand transposed), panel by panel (also writes below the diagonal inside each panel)
  syrkUpper(c: F64Matrix, at: F64Matrix, n: number, k: number): void {
    for (let i0 = 0; i0 < n; i0 += SYRK_PANEL) this.gemmNT(c, i0, i0, at, i0, 0, at, i0, 0, Math.min(SYRK_PANEL, n - i0), n - i0, k, 1);
  }

  /**
   * syr2_dot on the `count` x `count` block of `t` at (i, i): its rows get -= v_r w + w_r v, then
   * p_r = row . vNext; v, w and vNext are 1-row matrices read from the given elements.
   */
  syr2Dot(t: F64Matrix, i: number, count: number, v: F64Matrix, vFrom: number, w: F64Matrix, wFrom: number, vNext: F64Matrix, vNextFrom: number, p: F64Matrix): void {
    if (count <= 0) return;
    this.kernels.syr2_dot(byteAt(t, i, i), t.ld, roundUp(count, 2), byteAt(v, 0, vFrom), byteAt(w, 0, wFrom), byteAt(vNext, 0, vNextFrom), p.ptr);
  }
}
