import { assembleModule, type Code, type Local } from '../../wasm/wasm-assembler.ts';
import { perMemory } from '../../wasm/webassembly.ts';

/** Adam's scalars as the SIMD kernel takes them (a1 = 1 − β1, a2 = 1 − β2, inverse = 1 / √(1 − β2^t)). */
export interface AdamScalars {
  readonly beta1: number;
  readonly beta2: number;
  readonly a1: number;
  readonly a2: number;
  readonly stepSize: number;
  readonly inverse: number;
  readonly eps: number;
  readonly decay: number;
}

/** Kernels that run on the tfjs wasm backend's own heap: arguments are byte offsets into it. */
export interface SimdOptimizer {
  adam(p: number, g: number, m: number, v: number, p1: number, m1: number, v1: number, n: number, c: AdamScalars): void;
  /** Σ x[i]² over n floats at x, accumulated in float64, written as a float32 at out. */
  sumOfSquares(x: number, n: number, out: number): void;
}

const ADAM_SCALARS = ['beta1', 'beta2', 'a1', 'a2', 'stepSize', 'inverse', 'eps', 'decay'] as const;

// per element: m' = β1 m + a1 g;  v' = β2 v + a2 g²;  p' = p·decay − stepSize·m' / (√v'·inverse + ε)
function adamBody(code: Code, params: Local[]): void {
  const [p, g, m, v, p1, m1, v1, n] = params as [Local, Local, Local, Local, Local, Local, Local, Local];
  const scalar = Object.fromEntries(ADAM_SCALARS.map((name, i) => [name, params[8 + i]!])) as Record<(typeof ADAM_SCALARS)[number], Local>;
  const splat = Object.fromEntries(ADAM_SCALARS.map((name) => [name, code.local('v128')])) as Record<(typeof ADAM_SCALARS)[number], Local>;
  for (const name of ADAM_SCALARS) code.get(scalar[name]).f32x4Splat().set(splat[name]);
  const [offset, vectorEnd, end] = [code.local('i32'), code.local('i32'), code.local('i32')];
  const [gv, mv, vv] = [code.local('v128'), code.local('v128'), code.local('v128')];
  code.get(n).i32(2).i32Shl().set(end);
  code.get(n).i32(-4).i32And().i32(2).i32Shl().set(vectorEnd);
  code.i32(0).set(offset);
  const at = (base: Local) => code.get(base).get(offset).i32Add();
  code.forLoop(offset, vectorEnd, 16, () => {
    at(g).v128Load().set(gv);
    at(m1).get(splat.beta1);
    at(m).v128Load().f32x4Mul().get(splat.a1).get(gv).f32x4Mul().f32x4Add().tee(mv).v128Store();
    at(v1).get(splat.beta2);
    at(v).v128Load().f32x4Mul().get(splat.a2).get(gv).f32x4Mul().get(gv).f32x4Mul().f32x4Add().tee(vv).v128Store();
    at(p1);
    at(p).v128Load().get(splat.decay).f32x4Mul();
    code.get(splat.stepSize).get(mv).f32x4Mul();
    code.get(vv).f32x4Sqrt().get(splat.inverse).f32x4Mul().get(splat.eps).f32x4Add();
    code.f32x4Div().f32x4Sub().v128Store();
  });
  const [gs, ms, vs] = [code.local('f32'), code.local('f32'), code.local('f32')];
  code.forLoop(offset, end, 4, () => {
    at(g).f32Load().set(gs);
    at(m1).get(scalar.beta1);
    at(m).f32Load().f32Mul().get(scalar.a1).get(gs).f32Mul().f32Add().tee(ms).f32Store();
    at(v1).get(scalar.beta2);
    at(v).f32Load().f32Mul().get(scalar.a2).get(gs).f32Mul().get(gs).f32Mul().f32Add().tee(vs).f32Store();
    at(p1);
    at(p).f32Load().get(scalar.decay).f32Mul();
    code.get(scalar.stepSize).get(ms).f32Mul();
    code.get(vs).f32Sqrt().get(scalar.inverse).f32Mul().get(scalar.eps).f32Add();
    code.f32Div().f32Sub().f32Store();
  });
}

// Σ x²: squares in f32x4, their sum in two f64x2 accumulators (low and high lanes)
function sumOfSquaresBody(code: Code, [x, n, out]: Local[]): void {
  const [offset, vectorEnd, end] = [code.local('i32'), code.local('i32'), code.local('i32')];
  const [square, low, high] = [code.local('v128'), code.local('v128'), code.local('v128')];
  const total = code.local('f64');
  code.get(n!).i32(2).i32Shl().set(end);
  code.get(n!).i32(-4).i32And().i32(2).i32Shl().set(vectorEnd);
  code.i32(0).set(offset);
  code.v128Zero().set(low).v128Zero().set(high);
  code.forLoop(offset, vectorEnd, 16, () => {
    code.get(x!).get(offset).i32Add().v128Load().tee(square).get(square).f32x4Mul().set(square);
    code.get(low).get(square).f64x2PromoteLowF32x4().f64x2Add().set(low);
    code.get(high).get(square).get(square).i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]).f64x2PromoteLowF32x4().f64x2Add().set(high);
  });
  code.get(low).get(high).f64x2Add().set(low);
  code.get(low).f64x2ExtractLane(0).get(low).f64x2ExtractLane(1).f64Add().set(total);
  code.forLoop(offset, end, 4, () => {
    code.get(total).get(x!).get(offset).i32Add().f32Load().f64PromoteF32().get(x!).get(offset).i32Add().f32Load().f64PromoteF32().f64Mul().f64Add().set(total);
  });
  code.get(out!).get(total).f32DemoteF64().f32Store();
}

/** The kernels bound to `memory` (the tfjs wasm heap's WebAssembly.Memory), compiled once and instantiated once per memory. */
export const simdOptimizer = perMemory<SimdOptimizer>(
  () =>
    assembleModule(
      [
        { name: 'adam', params: [...new Array(8).fill('i32'), ...new Array(ADAM_SCALARS.length).fill('f32')], body: adamBody },
        { name: 'sum_of_squares', params: ['i32', 'i32', 'i32'], body: sumOfSquaresBody },
      ],
      { imported: 0 },
    ),
  (exports) => ({
    adam: (p, g, m, v, p1, m1, v1, n, c) => exports.adam!(p, g, m, v, p1, m1, v1, n, ...ADAM_SCALARS.map((name) => c[name])),
    sumOfSquares: (x, n, out) => exports.sum_of_squares!(x, n, out),
  }),
);
