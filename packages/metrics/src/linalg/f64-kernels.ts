import v8 from 'node:v8';
import { assembleModule, type Code, type Local } from './wasm-assembler.ts';

/**
 * Float64 kernels in WebAssembly SIMD (two f64 lanes per instruction), for the O(d^3) steps of the
 * Frechet distance and the O(n d^2) scatter of exact covariances, which plain JavaScript runs at
 * about 1 GFLOP/s. Matrices live in the module's memory, row-major with a leading dimension `ld`,
 * and are padded (see F64Arena) so that the kernels never meet a remainder.
 */

/**
 * gemm_nt(c, a, b, m, n, k, lda, ldb, ldc, alpha): C += alpha A B^T for A m x k, B n x k, C m x n,
 * with m a multiple of 4, n and k multiples of 2 (byte addresses; dimensions in elements). Each
 * 4 x 2 block of C is eight f64x2 dot products over k, kept in registers.
 */
function gemmNT(code: Code, [c, a, b, m, n, k, lda, ldb, ldc, alpha]: Local[]): void {
  const L = (type: 'i32' | 'v128') => code.local(type);
  const [i, j, t, kb, sa, sb, sc, rowC, q] = Array.from({ length: 9 }, () => L('i32'));
  const pa = [L('i32'), L('i32'), L('i32'), L('i32')];
  const pb = [L('i32'), L('i32')];
  const qc = [L('i32'), L('i32'), L('i32'), L('i32')];
  const x = [L('v128'), L('v128'), L('v128'), L('v128')];
  const y = [L('v128'), L('v128')];
  const acc = Array.from({ length: 8 }, () => L('v128'));
  code.get(k!).i32(3).i32Shl().set(kb);
  code.get(lda!).i32(3).i32Shl().set(sa);
  code.get(ldb!).i32(3).i32Shl().set(sb);
  code.get(ldc!).i32(3).i32Shl().set(sc);
  code.i32(0).set(i);
  code.forLoop(i, m!, 4, () => {
    code.get(a!).get(i).get(sa).i32Mul().i32Add().set(pa[0]!);
    for (let r = 1; r < 4; r++) code.get(pa[r - 1]!).get(sa).i32Add().set(pa[r]!);
    code.get(c!).get(i).get(sc).i32Mul().i32Add().set(rowC);
    code.i32(0).set(j);
    code.forLoop(j, n!, 2, () => {
      code.get(b!).get(j).get(sb).i32Mul().i32Add().set(pb[0]!);
      code.get(pb[0]!).get(sb).i32Add().set(pb[1]!);
      for (const v of acc) code.v128Zero().set(v);
      code.i32(0).set(t);
      code.forLoop(t, kb, 16, () => {
        for (let r = 0; r < 4; r++) code.get(pa[r]!).get(t).i32Add().v128Load().set(x[r]!);
        for (let s = 0; s < 2; s++) code.get(pb[s]!).get(t).i32Add().v128Load().set(y[s]!);
        for (let r = 0; r < 4; r++) {
          for (let s = 0; s < 2; s++) code.get(acc[r * 2 + s]!).get(x[r]!).get(y[s]!).f64x2Mul().f64x2Add().set(acc[r * 2 + s]!);
        }
      });
      code.get(rowC).get(j).i32(3).i32Shl().i32Add().set(q);
      code.get(q).set(qc[0]!);
      for (let r = 1; r < 4; r++) code.get(qc[r - 1]!).get(sc).i32Add().set(qc[r]!);
      for (let r = 0; r < 4; r++) {
        for (let s = 0; s < 2; s++) {
          // C[i + r][j + s] += alpha (lane 0 + lane 1)
          const sum = acc[r * 2 + s]!;
          code.get(qc[r]!).get(qc[r]!).f64Load(8 * s);
          code.get(sum).f64x2ExtractLane(0).get(sum).f64x2ExtractLane(1).f64Add().get(alpha!).f64Mul().f64Add();
          code.f64Store(8 * s);
        }
      }
    });
  });
}

/**
 * syr2_dot(t, ld, count, v, w, vNext, p): for the rows r < count of T (count x count, leading
 * dimension ld, count rounded up to even with zero padding beyond): T_r -= v_r w + w_r v (a
 * symmetric rank-2 update), then p_r = T_r . vNext with the updated row. The fused step of
 * Householder tridiagonalisation: one pass over the trailing matrix per column instead of two.
 */
function syr2Dot(code: Code, [t, ld, count, v, w, vNext, p]: Local[]): void {
  const [r, col, cb, row, rowBytes, vp, wp] = Array.from({ length: 7 }, () => code.local('i32'));
  const [vr, wr, acc, value] = Array.from({ length: 4 }, () => code.local('v128'));
  code.get(count!).i32(3).i32Shl().set(cb);
  code.get(ld!).i32(3).i32Shl().set(rowBytes);
  code.get(t!).set(row);
  code.i32(0).set(r);
  code.forLoop(r, count!, 1, () => {
    code.get(v!).get(r).i32(3).i32Shl().i32Add().v128Load64Splat().set(vr);
    code.get(w!).get(r).i32(3).i32Shl().i32Add().v128Load64Splat().set(wr);
    code.v128Zero().set(acc);
    code.i32(0).set(col);
    code.forLoop(col, cb, 16, () => {
      code.get(v!).get(col).i32Add().set(vp);
      code.get(w!).get(col).i32Add().set(wp);
      // value = T[r][c..c+1] - v_r w[c..] - w_r v[c..]
      code.get(row).get(col).i32Add().v128Load();
      code.get(vr).get(wp).v128Load().f64x2Mul().f64x2Sub();
      code.get(wr).get(vp).v128Load().f64x2Mul().f64x2Sub().set(value);
      code.get(row).get(col).i32Add().get(value).v128Store();
      code.get(acc).get(value).get(vNext!).get(col).i32Add().v128Load().f64x2Mul().f64x2Add().set(acc);
    });
    code.get(p!).get(r).i32(3).i32Shl().i32Add();
    code.get(acc).f64x2ExtractLane(0).get(acc).f64x2ExtractLane(1).f64Add().f64Store();
    code.get(row).get(rowBytes).i32Add().set(row);
  });
}

const moduleBytes = assembleModule([
  { name: 'gemm_nt', params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f64'], body: gemmNT },
  { name: 'syr2_dot', params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], body: syr2Dot },
]);

/** The part of the WebAssembly JS API used here (the workspace's type libraries leave it out). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object) => { readonly exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  gemm_nt(c: number, a: number, b: number, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number): void;
  syr2_dot(t: number, ld: number, count: number, v: number, w: number, vNext: number, p: number): void;
}

let compiled: object | null = null;

/**
 * Compiles with V8's optimising compiler from the start: by default V8 first emits baseline
 * (Liftoff) code and optimises a function only after calls to it, which a kernel called once on a
 * large matrix never leaves (measured: gemm_nt 2048^3 at 2.3 GFLOP/s baseline, 4.5 optimised).
 * The flags (and eager compilation, so that the optimised code exists before the flags are
 * restored) are set back at once, so other modules compile as usual.
 */
function compileOptimised(bytes: Uint8Array): object {
  v8.setFlagsFromString('--no-liftoff');
  v8.setFlagsFromString('--no-wasm-lazy-compilation');
  try {
    return new wasm.Module(bytes);
  } finally {
    v8.setFlagsFromString('--wasm-lazy-compilation');
    v8.setFlagsFromString('--liftoff');
  }
}

/** A matrix in an arena: `rows` x `cols` used, row-major with leading dimension `ld`, from byte `ptr`. */
export interface F64Matrix {
  readonly ptr: number;
  readonly rows: number;
  readonly cols: number;
  readonly ld: number;
}

const roundUp = (n: number, m: number) => Math.ceil(n / m) * m;

/**
 * One instance of the kernels with a bump allocator over its memory. Every matrix is zero-filled
 * and padded: `ld` is cols rounded up to 4 plus 4, and 4 spare rows follow the rows rounded up to 4, so
 * a kernel may run over the padding (zeros contribute nothing). Views from `f64()` go stale when
 * an allocation grows the memory: take them after allocating.
 */
export class F64Arena {
  private readonly kernels: KernelExports;
  private top = 16;

  constructor() {
    compiled ??= compileOptimised(moduleBytes);
    this.kernels = new wasm.Instance(compiled).exports as KernelExports;
  }

  /** A zero-filled matrix (a vector is one row). */
  matrix(rows: number, cols: number): F64Matrix {
    const ld = roundUp(Math.max(cols, 1), 4) + 4;
    const bytes = (roundUp(Math.max(rows, 1), 4) + 4) * ld * 8;
    const ptr = roundUp(this.top, 16);
    this.top = ptr + bytes;
    const memory = this.kernels.memory;
    if (this.top > memory.buffer.byteLength) memory.grow(Math.ceil((this.top - memory.buffer.byteLength) / 65536));
    this.f64().fill(0, ptr / 8, this.top / 8);
    return { ptr, rows, cols, ld };
  }

  /** The whole memory as float64 values: entry (i, j) of `m` is at `m.ptr / 8 + i * m.ld + j`. */
  f64(): Float64Array {
    return new Float64Array(this.kernels.memory.buffer);
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

  /**
   * C[ci.., cj..] += alpha A[ai.., ak..] B[bi.., bk..]^T over an m x n block and k inner terms, all
   * offsets in elements. m is rounded up to 4, n and k to 2: the caller keeps that inside the padding.
   */
  gemmNT(c: F64Matrix, ci: number, cj: number, a: F64Matrix, ai: number, ak: number, b: F64Matrix, bi: number, bk: number, m: number, n: number, k: number, alpha = 1): void {
    if (m <= 0 || n <= 0 || k <= 0) return;
    const at = (x: F64Matrix, i: number, j: number) => x.ptr + (i * x.ld + j) * 8;
    this.kernels.gemm_nt(at(c, ci, cj), at(a, ai, ak), at(b, bi, bk), roundUp(m, 4), roundUp(n, 2), roundUp(k, 2), a.ld, b.ld, c.ld, alpha);
  }

  /**
   * syr2_dot on the `count` x `count` block of `t` at (i, i): its rows get -= v_r w + w_r v, then
   * p_r = row . vNext; v, w and vNext are 1-row matrices read from the given elements.
   */
  syr2Dot(t: F64Matrix, i: number, count: number, v: F64Matrix, vFrom: number, w: F64Matrix, wFrom: number, vNext: F64Matrix, vNextFrom: number, p: F64Matrix): void {
    if (count <= 0) return;
    this.kernels.syr2_dot(t.ptr + (i * t.ld + i) * 8, t.ld, roundUp(count, 2), v.ptr + vFrom * 8, w.ptr + wFrom * 8, vNext.ptr + vNextFrom * 8, p.ptr);
  }
}
