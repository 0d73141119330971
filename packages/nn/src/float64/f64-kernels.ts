import v8 from 'node:v8';
import { assembleModule, type Code, type Local, type ValueType } from '../wasm/wasm-assembler.ts';
import { webAssembly } from '../wasm/webassembly.ts';

/**
 * Float64 kernels in WebAssembly SIMD (two f64 lanes per instruction), for the O(d^3) steps of the
 * Frechet distance and the O(n d^2) scatter of exact covariances, which plain JavaScript runs at
 * about 1 GFLOP/s. Matrices live in the module's memory, row-major with a leading dimension `ld`,
 * and are padded (see F64Arena in f64-arena.ts) so that the kernels may round dimensions up to whole tiles.
 */

/** gemm_nt's tile of C held in registers (rows x cols f64x2 sums, plus rows + cols loaded vectors: 14 of x64's 15 allocatable) and its k-loop unrolling. */
const TILE = { rows: 4, cols: 2, unroll: 4 } as const;

/**
 * gemm_nt(c, a, b, m, n, k, lda, ldb, ldc, alpha): C += alpha A B^T for A m x k, B n x k, C m x n,
 * with m, n and k multiples of 2 (byte addresses; dimensions in elements). Each 4 x 2 tile of C
 * (2 x 2 at an edge) is eight f64x2 dot products over k kept in registers, accumulated with
 * f64x2.relaxed_madd where `fma` (vfmadd231pd on x64) or with f64x2.mul and f64x2.add.
 */
function gemmNT(fma: boolean) {
  return (code: Code, [c, a, b, m, n, k, lda, ldb, ldc, alpha]: Local[]): void => {
    const L = (type: 'i32' | 'v128') => code.local(type);
    const [i, j, kb, kMain, sa, sb, sc, end, iLimit, jLimit] = Array.from({ length: 10 }, () => L('i32'));
    const pa = Array.from({ length: TILE.rows }, () => L('i32'));
    const pb = Array.from({ length: TILE.cols }, () => L('i32'));
    const x = L('v128');
    const y = Array.from({ length: TILE.cols }, () => L('v128'));
    const acc = Array.from({ length: TILE.rows * TILE.cols }, () => L('v128'));
    const stride = 16 * TILE.unroll;
    code.get(k!).i32(3).i32Shl().set(kb);
    // kMain = kb rounded down to whole unrolled iterations (stride a power of 2)
    code.get(kb).i32(-stride).i32And().set(kMain);
    code.get(lda!).i32(3).i32Shl().set(sa);
    code.get(ldb!).i32(3).i32Shl().set(sb);
    code.get(ldc!).i32(3).i32Shl().set(sc);

    const rowPointers = (p: Local[], base: Local, index: Local, step: Local, count: number) => {
      code.get(base).get(index).get(step).i32Mul().i32Add().set(p[0]!);
      for (let r = 1; r < count; r++) code.get(p[r - 1]!).get(step).i32Add().set(p[r]!);
    };
    let guards = 0;
    // An exit never taken (k < 2^30; a constant of its own, so V8 cannot merge them) that V8 schedules no load across: without it all of an unrolled iteration's loads precede its FMAs and spill.
    const guard = () => code.get(k!).i32(0x40000000 + guards++).i32GtU().brIf(1);
    const kStep = (rows: number, cols: number, offset: number) => {
      for (let s = 0; s < cols; s++) code.get(pb[s]!).v128Load(offset).set(y[s]!);
      for (let r = 0; r < rows; r++) {
        code.get(pa[r]!).v128Load(offset).set(x);
        for (let s = 0; s < cols; s++) {
          const sum = acc[r * cols + s]!;
          madd(code, fma, () => code.get(x), () => code.get(y[s]!), () => code.get(sum));
          code.set(sum);
        }
      }
    };
    const bump = (rows: number, cols: number, bytes: number) => {
      for (let r = 1; r < rows; r++) code.get(pa[r]!).i32(bytes).i32Add().set(pa[r]!);
      for (let s = 0; s < cols; s++) code.get(pb[s]!).i32(bytes).i32Add().set(pb[s]!);
    };
    const tile = (rows: number, cols: number) => {
      rowPointers(pa, a!, i, sa, rows);
      rowPointers(pb, b!, j, sb, cols);
      for (let v = 0; v < rows * cols; v++) code.v128Zero().set(acc[v]!);
      // Whole unrolled iterations with constant load offsets and one pointer bump each, then single steps; pa[0] counts.
      code.get(pa[0]!).get(kMain).i32Add().set(end);
      code.forLoop(pa[0]!, end, stride, () => {
        for (let u = 0; u < TILE.unroll; u++) {
          if (u > 0) guard();
          kStep(rows, cols, 16 * u);
        }
        bump(rows, cols, stride);
      });
      code.get(pa[0]!).get(kb).i32Add().get(kMain).i32Sub().set(end);
      code.forLoop(pa[0]!, end, 16, () => {
        kStep(rows, cols, 0);
        bump(rows, cols, 16);
      });
      rowPointers(pa, c!, i, sc, rows);
      for (let r = 0; r < rows; r++) {
        code.get(pa[r]!).get(j).i32(3).i32Shl().i32Add().set(pa[r]!);
        for (let s = 0; s < cols; s++) {
          // C[i + r][j + s] += alpha (lane 0 + lane 1)
          const sum = acc[r * cols + s]!;
          code.get(pa[r]!).get(pa[r]!).f64Load(8 * s);
          code.get(sum).f64x2ExtractLane(0).get(sum).f64x2ExtractLane(1).f64Add().get(alpha!).f64Mul().f64Add();
          code.f64Store(8 * s);
        }
      }
    };
    // counter = 0, size, 2 size, ... while a whole tile fits, then steps of 2 up to the (even) extent
    const sweep = (counter: Local, limit: Local, extent: Local, size: number, body: (size: number) => void) => {
      code.i32(0).set(counter);
      for (const w of size > 2 ? [size, 2] : [2]) {
        code.get(extent).i32(w - 1).i32Sub().set(limit);
        code.forLoop(counter, limit, w, () => body(w));
      }
    };
    sweep(i, iLimit, m!, TILE.rows, (rows) => sweep(j, jLimit, n!, TILE.cols, (cols) => tile(rows, cols)));
  };
}

/** Emits a b + c for the v128 values the three callbacks push: f64x2.relaxed_madd, or f64x2.mul then f64x2.add. */
function madd(code: Code, fma: boolean, a: () => void, b: () => void, c: () => void): void {
  if (fma) {
    a();
    b();
    c();
    code.f64x2RelaxedMadd();
  } else {
    c();
    a();
    b();
    code.f64x2Mul().f64x2Add();
  }
}

/**
 * syr2_dot(t, ld, count, v, w, vNext, p): on the upper triangle of the symmetric count x count block
 * T (leading dimension ld, count even with zero padding beyond; the lower triangle is neither read
 * nor written), T -= v w^T + w v^T (a symmetric rank-2 update), then p = T vNext with the updated T.
 * The fused step of Householder tridiagonalisation: one pass over half the trailing matrix per column.
 * Row r's pass over its columns c >= r gives the dot T_r[r..] . vNext[r..] and adds T[r][c] vNext_r
 * to p_c for c > r (the lower triangle's part of row c). The diagonal, and the next column if that
 * aligns the rest to 16 bytes, go one at a time, the rest in pairs, so a row may run into column
 * `count` (padding: v, w, T and p stay 0 there).
 */
function syr2Dot(fma: boolean) {
  return (code: Code, [t, ld, count, v, w, vNext, p]: Local[]): void => {
    const L = (type: ValueType) => code.local(type);
    const [r, offset, len, lenMain, rowBytes, rowEnd, pt, pv, pw, pn, pp, end] = Array.from({ length: 12 }, () => L('i32'));
    const [minusVs, minusWs, vNextRs, single, dot] = Array.from({ length: 5 }, () => L('f64'));
    const [minusV, minusW, vNextR, value, vNextC] = Array.from({ length: 5 }, () => L('v128'));
    const acc = Array.from({ length: 4 }, () => L('v128'));
    const unroll = acc.length;
    code.get(ld!).i32(3).i32Shl().set(rowBytes);
    // p = 0, one entry past count too (the last pair of an odd-length row)
    code.i32(0).set(offset);
    code.get(count!).i32(2).i32Add().i32(3).i32Shl().set(end);
    code.forLoop(offset, end, 16, () => code.get(p!).get(offset).i32Add().v128Zero().v128Store());
    const step = (u: number, at: number) => {
      // value = T[r][c..c+1] - v_r w[c..] - w_r v[c..]
      madd(code, fma, () => code.get(minusV), () => code.get(pw).v128Load(at), () => code.get(pt).v128Load(at));
      code.set(value);
      madd(code, fma, () => code.get(minusW), () => code.get(pv).v128Load(at), () => code.get(value));
      code.set(value);
      code.get(pt).get(value).v128Store(at);
      code.get(pn).v128Load(at).set(vNextC);
      madd(code, fma, () => code.get(value), () => code.get(vNextC), () => code.get(acc[u]!));
      code.set(acc[u]!);
      // p[c..c+1] += T[r][c..c+1] vNext_r
      code.get(pp);
      madd(code, fma, () => code.get(value), () => code.get(vNextR), () => code.get(pp).v128Load(at));
      code.v128Store(at);
    };
    const bump = (bytes: number) => {
      for (const q of [pv, pw, pn, pp]) code.get(q).i32(bytes).i32Add().set(q);
    };
    /** Column c alone in f64 (pointers at c): T[r][c] -= v_r w_c + w_r v_c, dot += T[r][c] vNext_c, and unless on the diagonal p_c += T[r][c] vNext_r. */
    const scalarStep = (diagonal: boolean) => {
      code.get(pt).f64Load().get(minusVs).get(pw).f64Load().f64Mul().f64Add().get(minusWs).get(pv).f64Load().f64Mul().f64Add().set(single);
      code.get(pt).get(single).f64Store();
      code.get(dot).get(single).get(pn).f64Load().f64Mul().f64Add().set(dot);
      if (!diagonal) code.get(pp).get(pp).f64Load().get(single).get(vNextRs).f64Mul().f64Add().f64Store();
      bump(8);
    };
    code.i32(0).set(r);
    code.forLoop(r, count!, 1, () => {
      code.get(r).i32(3).i32Shl().set(offset);
      code.get(t!).get(r).get(rowBytes).i32Mul().i32Add().get(offset).i32Add().set(pt);
      code.get(t!).get(r).get(rowBytes).i32Mul().i32Add().get(count!).i32(3).i32Shl().i32Add().set(rowEnd);
      for (const [q, base] of [[pv, v], [pw, w], [pn, vNext], [pp, p]] as const) code.get(base!).get(offset).i32Add().set(q);
      code.v128Zero().get(pv).v128Load64Splat().f64x2Sub().tee(minusV).f64x2ExtractLane(0).set(minusVs);
      code.v128Zero().get(pw).v128Load64Splat().f64x2Sub().tee(minusW).f64x2ExtractLane(0).set(minusWs);
      code.get(pn).v128Load64Splat().tee(vNextR).f64x2ExtractLane(0).set(vNextRs);
      for (const a of acc) code.v128Zero().set(a);
      code.f64(0).set(dot);
      scalarStep(true);
      code.get(pt).i32(8).i32Add().set(pt);
      // One more column alone if that leaves the pairs unaligned (every pointer has the same offset mod 16).
      code.get(pt).get(pt).i32(8).i32And().i32Add().set(end);
      code.forLoop(pt, end, 8, () => scalarStep(false));
      // len = the rest of the row rounded up to pairs (0 past its end), in bytes; lenMain = whole unrolled iterations of it
      code.get(rowEnd).get(pt).i32Sub().i32(8).i32Add().i32(-16).i32And().set(len);
      code.get(len).i32(-16 * unroll).i32And().set(lenMain);
      code.get(pt).get(lenMain).i32Add().set(end);
      code.forLoop(pt, end, 16 * unroll, () => {
        for (let u = 0; u < unroll; u++) step(u, 16 * u);
        bump(16 * unroll);
      });
      code.get(pt).get(len).i32Add().get(lenMain).i32Sub().set(end);
      code.forLoop(pt, end, 16, () => {
        step(0, 0);
        bump(16);
      });
      // p_r += T_r[r..] . vNext[r..]
      code.get(acc[0]!).get(acc[1]!).f64x2Add().get(acc[2]!).get(acc[3]!).f64x2Add().f64x2Add().set(value);
      code.get(p!).get(offset).i32Add();
      code.get(p!).get(offset).i32Add().f64Load();
      code.get(value).f64x2ExtractLane(0).get(value).f64x2ExtractLane(1).f64Add().get(dot).f64Add().f64Add();
      code.f64Store();
    });
  };
}

const moduleBytes = (fma: boolean) =>
  assembleModule([
    { name: 'gemm_nt', params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f64'], body: gemmNT(fma) },
    { name: 'syr2_dot', params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], body: syr2Dot(fma) },
  ]);


/** One instance of the kernels: their memory, and the two kernels on byte addresses in it. */
export interface F64Kernels {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  gemm_nt(c: number, a: number, b: number, m: number, n: number, k: number, lda: number, ldb: number, ldc: number, alpha: number): void;
  syr2_dot(t: number, ld: number, count: number, v: number, w: number, vNext: number, p: number): void;
}

/** The compiled module with a fused (true) or a mul-and-add (false) gemm_nt, each compiled once. */
const compiled = new Map<boolean, object>();

function kernelModule(fma: boolean): object {
  if (fma && !hasRelaxedSimd()) throw new Error('float64 kernels: fused multiply-add kernels need relaxed SIMD, which this engine does not compile');
  let module = compiled.get(fma);
  if (!module) compiled.set(fma, (module = compileOptimised(moduleBytes(fma))));
  return module;
}

let relaxedSimd: boolean | undefined;

const compiles = (bytes: Uint8Array) => {
  try {
    new webAssembly.Module(bytes);
    return true;
  } catch {
    return false;
  }
};

/**
 * Whether this engine compiles relaxed SIMD (f64x2.relaxed_madd): by default in newer V8, behind
 * a flag in Node 20's, which is then set for good (it only admits the instructions).
 */
export function hasRelaxedSimd(): boolean {
  if (relaxedSimd === undefined) {
    const probe = assembleModule([{ name: 'f', params: [], body: (code) => code.i32(0).v128Zero().v128Zero().v128Zero().f64x2RelaxedMadd().v128Store() }]);
    relaxedSimd = compiles(probe);
    if (!relaxedSimd) {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      relaxedSimd = compiles(probe);
    }
  }
  return relaxedSimd;
}

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
    return new webAssembly.Module(bytes);
  } finally {
    v8.setFlagsFromString('--wasm-lazy-compilation');
    v8.setFlagsFromString('--liftoff');
  }
}

/** A fresh instance (its own memory) of the kernels with f64x2.relaxed_madd (`fusedMultiplyAdd`) or with mul and add. */
export function f64Kernels(fusedMultiplyAdd: boolean): F64Kernels {
  return new webAssembly.Instance(kernelModule(fusedMultiplyAdd)).exports as F64Kernels;
}
