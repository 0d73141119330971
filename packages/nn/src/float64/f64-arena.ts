import { hasRelaxedSimd } from './f64-kernels.ts';
import { elementAt, type F64Matrix } from './f64-matrix.ts';
import { float64Blas, float64Routines } from './native-f64.ts';
import { WasmF64 } from './wasm-f64.ts';

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;
/** Tile side of transposeInto: a 32 x 32 tile of both matrices stays in L1. */
const TRANSPOSE_TILE = 32;

/** The wasm kernels of each arena, for the wasm fallbacks of this folder (not part of the package's API). */
const wasmOfArena = new WeakMap<F64Arena, WasmF64>();

/**
 * Float64 matrices in one WebAssembly memory with a bump allocator, and the products on them: the
 * CBLAS's routines while the native backend is active (see float64Blas, asked at every call), else
 * the wasm kernels. Every matrix is zero-filled and padded: `ld` is cols rounded up to 4 plus 4,
 * and 4 spare rows follow the rows rounded up to 4, so a wasm kernel may run over the padding
 * (zeros contribute nothing). Views from `f64()` go stale when an allocation grows the memory:
 * take them after allocating.
 */
export class F64Arena {
  private readonly wasm: WasmF64;
  private top = 16;
  /** The wasm syrkUpper's transposed operand, kept for the next call of the same shape. */
  private transposed: F64Matrix | null = null;

  /** `fusedMultiplyAdd`: the wasm kernels with f64x2.relaxed_madd (the default where the engine has relaxed SIMD: gemm_nt about 1.5x faster) or with mul and add. */
  constructor({ fusedMultiplyAdd = hasRelaxedSimd() }: { readonly fusedMultiplyAdd?: boolean } = {}) {
    this.wasm = new WasmF64(fusedMultiplyAdd);
    wasmOfArena.set(this, this.wasm);
  }

  /** A zero-filled matrix (a vector is one row). */
  matrix(rows: number, cols: number): F64Matrix {
    const ld = roundUp(Math.max(cols, 1), 4) + 4;
    const bytes = (roundUp(Math.max(rows, 1), 4) + 4) * ld * 8;
    const ptr = roundUp(this.top, 16);
    this.top = ptr + bytes;
    const memory = this.wasm.memory;
    if (this.top > memory.buffer.byteLength) memory.grow(Math.ceil((this.top - memory.buffer.byteLength) / 65536));
    this.f64().fill(0, ptr / 8, this.top / 8);
    return { ptr, rows, cols, ld };
  }

  /** The whole memory as float64 values: entry (i, j) of `m` is at `m.ptr / 8 + i * m.ld + j`. */
  f64(): Float64Array {
    return new Float64Array(this.wasm.memory.buffer);
  }

  /** A copy of `values` (rows x cols, row-major) into a new matrix. */
  load(values: ArrayLike<number>, rows: number, cols: number): F64Matrix {
    const m = this.matrix(rows, cols);
    const view = this.f64();
    for (let i = 0; i < rows; i++) {
      const src = i * cols;
      const dst = m.ptr / 8 + i * m.ld;
      for (let j = 0; j < cols; j++) view[dst + j] = values[src + j]!;
    }
    return m;
  }

  /** The rows x cols values of `m`, row-major without padding. */
  read(m: F64Matrix): Float64Array {
    const out = new Float64Array(m.rows * m.cols);
    const view = this.f64();
    for (let i = 0; i < m.rows; i++) out.set(view.subarray(m.ptr / 8 + i * m.ld, m.ptr / 8 + i * m.ld + m.cols), i * m.cols);
    return out;
  }

  /** The memory from entry (i, j) of `m` on, as a view taken now (for a native routine's pointer). */
  viewAt(m: F64Matrix, i: number, j: number): Float64Array {
    return this.f64().subarray(elementAt(m, i, j));
  }

  /**
   * C[ci.., cj..] += alpha A[ai.., ak..] B[bi.., bk..]^T over an m x n block and k inner terms, all
   * offsets in elements: cblas_dgemm (NoTrans, Trans, beta 1) on m, n and k as they are, or the
   * wasm kernel, which rounds m up to 4, n and k to 2: the caller keeps that inside the padding.
   */
  gemmNT(c: F64Matrix, ci: number, cj: number, a: F64Matrix, ai: number, ak: number, b: F64Matrix, bi: number, bk: number, m: number, n: number, k: number, alpha = 1): void {
    if (m <= 0 || n <= 0 || k <= 0) return;
    const blas = float64Blas();
    if (blas) blas.dgemm(false, true, m, n, k, alpha, this.viewAt(a, ai, ak), a.ld, this.viewAt(b, bi, bk), b.ld, 1, this.viewAt(c, ci, cj), c.ld);
    else this.wasm.gemmNT(c, ci, cj, a, ai, ak, b, bi, bk, m, n, k, alpha);
  }

  /**
   * The upper triangle of C[:n, :n] += A[:k, :n]^T A[:k, :n], the scatter of A's k rows:
   * cblas_dsyrk (Upper, Trans), or the wasm kernels on a transposed copy of A kept by the arena.
   * Below the diagonal C is left undefined.
   */
  syrkUpper(c: F64Matrix, a: F64Matrix, n: number, k: number): void {
    if (n <= 0 || k <= 0) return;
    const syrk = float64Routines()?.syrkUpper;
    if (syrk) syrk(n, k, this.viewAt(a, 0, 0), a.ld, this.viewAt(c, 0, 0), c.ld);
    else this.wasm.syrkUpper(c, this.transposedCopy(a, k, n), n, k);
  }

  /** to[j][i] = from[i][j] for i < rows, j < cols, tile by tile (a plain loop's strided writes each miss the cache). */
  transposeInto(from: F64Matrix, to: F64Matrix, rows: number, cols: number): void {
    const view = this.f64();
    for (let i0 = 0; i0 < rows; i0 += TRANSPOSE_TILE) {
      for (let j0 = 0; j0 < cols; j0 += TRANSPOSE_TILE) {
        const i1 = Math.min(i0 + TRANSPOSE_TILE, rows);
        const j1 = Math.min(j0 + TRANSPOSE_TILE, cols);
        for (let i = i0; i < i1; i++) {
          const src = elementAt(from, i, 0);
          for (let j = j0; j < j1; j++) view[elementAt(to, j, i)] = view[src + j]!;
        }
      }
    }
  }

  /** A[:rows, :cols]^T in a scratch matrix kept while its shape fits, zero beyond column `rows` as the wasm kernels need. */
  private transposedCopy(a: F64Matrix, rows: number, cols: number): F64Matrix {
    const kept = this.transposed;
    let t: F64Matrix;
    if (kept && kept.rows === cols && kept.cols >= rows) {
      t = { ...kept, cols: rows };
      const view = this.f64();
      for (let j = 0; j < cols; j++) view.fill(0, elementAt(t, j, rows), elementAt(t, j, 0) + t.ld);
    } else {
      t = this.transposed = this.matrix(cols, rows);
    }
    this.transposeInto(a, t, rows, cols);
    return t;
  }
}

/** The wasm kernels on `arena`'s memory: for this folder's wasm fallbacks, whichever backend is active. */
export function wasmOf(arena: F64Arena): WasmF64 {
  return wasmOfArena.get(arena)!;
}
