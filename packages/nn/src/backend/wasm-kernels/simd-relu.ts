import { assembleModule, type Code, type Local } from '../../wasm/wasm-assembler.ts';
import { perMemory } from '../../wasm/webassembly.ts';

/** relu and its gradient in one SIMD pass over the tfjs wasm heap: arguments are byte offsets into it. */
export interface SimdRelu {
  /** y = max(x, 0) over n floats (NaN stays NaN, as in torch). */
  forward(x: number, y: number, n: number): void;
  /** dx = dy · [x > 0] over n floats (a NaN in dy stays NaN, as torch's threshold_backward). */
  backward(x: number, dy: number, dx: number, n: number): void;
}

/** Byte ends of the 4-wide part and of the whole of n floats. */
function bounds(code: Code, n: Local): { offset: Local; vectorEnd: Local; end: Local } {
  const [offset, vectorEnd, end] = [code.local('i32'), code.local('i32'), code.local('i32')];
  code.get(n).i32(2).i32Shl().set(end);
  code.get(n).i32(-4).i32And().i32(2).i32Shl().set(vectorEnd);
  code.i32(0).set(offset);
  return { offset, vectorEnd, end };
}

// y = max(x, 0)
function forwardBody(code: Code, [x, y, n]: Local[]): void {
  const { offset, vectorEnd, end } = bounds(code, n!);
  const at = (base: Local) => code.get(base).get(offset).i32Add();
  code.forLoop(offset, vectorEnd, 16, () => {
    at(y!);
    at(x!).v128Load().v128Zero().f32x4Max().v128Store();
  });
  code.forLoop(offset, end, 4, () => {
    at(y!);
    at(x!).f32Load().f32(0).f32Max().f32Store();
  });
}

// dx = dy · [x > 0]
function backwardBody(code: Code, [x, dy, dx, n]: Local[]): void {
  const one = code.local('v128');
  code.f32(1).f32x4Splat().set(one);
  const { offset, vectorEnd, end } = bounds(code, n!);
  const at = (base: Local) => code.get(base).get(offset).i32Add();
  code.forLoop(offset, vectorEnd, 16, () => {
    at(dx!);
    at(dy!).v128Load();
    at(x!).v128Load().v128Zero().f32x4Gt().get(one).v128And();
    code.f32x4Mul().v128Store();
  });
  code.forLoop(offset, end, 4, () => {
    at(dx!);
    at(dy!).f32Load();
    at(x!).f32Load().f32(0).f32Gt().f32ConvertI32U();
    code.f32Mul().f32Store();
  });
}

/** The kernels bound to `memory` (the tfjs wasm heap's WebAssembly.Memory), compiled once and instantiated once per memory. */
export const simdRelu = perMemory<SimdRelu>(
  () =>
    assembleModule(
      [
        { name: 'relu', params: ['i32', 'i32', 'i32'], body: forwardBody },
        { name: 'relu_grad', params: ['i32', 'i32', 'i32', 'i32'], body: backwardBody },
      ],
      { imported: 0 },
    ),
  (exports) => ({
    forward: (x, y, n) => exports.relu!(x, y, n),
    backward: (x, dy, dx, n) => exports.relu_grad!(x, dy, dx, n),
  }),
);
