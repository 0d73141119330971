import { assembleModule, type Code, type Local } from '../../wasm/wasm-assembler.ts';
import { perMemory } from '../../wasm/webassembly.ts';

/**
 * Per-channel passes over one sample's [pixels, channels] rows (channels a multiple of 4) on the
 * tfjs wasm heap, in WebAssembly SIMD: arguments are byte offsets into it; per-channel vectors
 * (acc, scale, ...) are [channels] float32 arrays there too.
 */
export interface SimdChannels {
  /** acc[c] += Σ_p x[p, c] */
  sums(x: number, pixels: number, channels: number, acc: number): void;
  /** acc[c] += Σ_p (x[p, c] − center[c])² */
  centredSquares(x: number, pixels: number, channels: number, center: number, acc: number): void;
  /** out[p, c] = x[p, c]·scale[c] + shift[c] */
  affine(x: number, out: number, pixels: number, channels: number, scale: number, shift: number): void;
  /** accD[c] += Σ_p dy[p, c];  accDX[c] += Σ_p dy[p, c]·(x[p, c]·rr[c] − mm[c]) */
  gradSums(dy: number, x: number, pixels: number, channels: number, rr: number, mm: number, accD: number, accDX: number): void;
  /** out[p, c] = dy[p, c]·a[c] + x[p, c]·b[c] + k[c] */
  affine2(dy: number, x: number, out: number, pixels: number, channels: number, a: number, b: number, k: number): void;
}

/**
 * Loops p over pixels and c over the channels 4 at a time; `body` gets the byte offset of (p, c)
 * in a row-major [pixels, channels] array (`at`) and of c in a [channels] vector (`lane`).
 */
function overPixels(code: Code, pixels: Local, channels: Local, body: (at: Local, lane: Local) => void): void {
  const [p, row, lane, rowBytes] = [code.local('i32'), code.local('i32'), code.local('i32'), code.local('i32')];
  const at = code.local('i32');
  code.get(channels).i32(2).i32Shl().set(rowBytes);
  code.i32(0).set(p).i32(0).set(row);
  code.forLoop(p, pixels, 1, () => {
    code.i32(0).set(lane);
    code.forLoop(lane, rowBytes, 16, () => {
      code.get(row).get(lane).i32Add().set(at);
      body(at, lane);
    });
    code.get(row).get(rowBytes).i32Add().set(row);
  });
}

// acc[lane] op= value, the value pushed by `value`
function accumulate(code: Code, acc: Local, lane: Local, value: () => void): void {
  code.get(acc).get(lane).i32Add().get(acc).get(lane).i32Add().v128Load();
  value();
  code.f32x4Add().v128Store();
}

const load = (code: Code, base: Local, offset: Local) => code.get(base).get(offset).i32Add().v128Load();

const definitions = [
  {
    name: 'sums',
    params: ['i32', 'i32', 'i32', 'i32'] as const,
    body: (code: Code, [x, pixels, channels, acc]: Local[]) =>
      overPixels(code, pixels!, channels!, (at, lane) => accumulate(code, acc!, lane, () => load(code, x!, at))),
  },
  {
    name: 'centred_squares',
    params: ['i32', 'i32', 'i32', 'i32', 'i32'] as const,
    body: (code: Code, [x, pixels, channels, center, acc]: Local[]) => {
      const d = code.local('v128');
      overPixels(code, pixels!, channels!, (at, lane) =>
        accumulate(code, acc!, lane, () => {
          load(code, x!, at);
          load(code, center!, lane).f32x4Sub().tee(d).get(d).f32x4Mul();
        }),
      );
    },
  },
  {
    name: 'affine',
    params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'] as const,
    body: (code: Code, [x, out, pixels, channels, scale, shift]: Local[]) =>
      overPixels(code, pixels!, channels!, (at, lane) => {
        code.get(out!).get(at).i32Add();
        load(code, x!, at);
        load(code, scale!, lane).f32x4Mul();
        load(code, shift!, lane).f32x4Add().v128Store();
      }),
  },
  {
    name: 'grad_sums',
    params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'] as const,
    body: (code: Code, [dy, x, pixels, channels, rr, mm, accD, accDX]: Local[]) => {
      const g = code.local('v128');
      overPixels(code, pixels!, channels!, (at, lane) => {
        accumulate(code, accD!, lane, () => load(code, dy!, at).tee(g));
        accumulate(code, accDX!, lane, () => {
          code.get(g);
          load(code, x!, at);
          load(code, rr!, lane).f32x4Mul();
          load(code, mm!, lane).f32x4Sub().f32x4Mul();
        });
      });
    },
  },
  {
    name: 'affine2',
    params: ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'] as const,
    body: (code: Code, [dy, x, out, pixels, channels, a, b, k]: Local[]) =>
      overPixels(code, pixels!, channels!, (at, lane) => {
        code.get(out!).get(at).i32Add();
        load(code, dy!, at);
        load(code, a!, lane).f32x4Mul();
        load(code, x!, at);
        load(code, b!, lane).f32x4Mul().f32x4Add();
        load(code, k!, lane).f32x4Add().v128Store();
      }),
  },
];

/** The passes bound to `memory` (the tfjs wasm heap's WebAssembly.Memory), compiled once, instantiated once per memory. */
export const simdChannels = perMemory<SimdChannels>(
  () => assembleModule(definitions.map((d) => ({ name: d.name, params: [...d.params], body: d.body })), { imported: 0 }),
  (e) => ({
    sums: (...args) => e.sums!(...args),
    centredSquares: (...args) => e.centred_squares!(...args),
    affine: (...args) => e.affine!(...args),
    gradSums: (...args) => e.grad_sums!(...args),
    affine2: (...args) => e.affine2!(...args),
  }),
);
