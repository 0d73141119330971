import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapView, sizeOf } from '../wasm-heap.ts';

/** Where a coupling's parts sit on the last axis of x [rows, features]: the kept part conditions the moving one. */
export interface AffineCouplingAttrs {
  features: number;
  /** First index of the moving part; the kept part is the rest. */
  movingStart: number;
  movingSize: number;
}

/** Rows of x (every axis but the last) that belong to each sample. */
function rowsPerSample(x: TensorInfo, features: number): number {
  return sizeOf(x.shape) / features / x.shape[0]!;
}

/**
 * y = x with its moving part replaced by x_m ⊙ exp(s) + t, s = tanh(raw), [raw, t] = h per row;
 * logDet_i = Σ s over sample i's rows. One pass over x and h; outputs [y, logDet].
 */
export const affineCouplingKernel: KernelFunc = (args) => {
  const { x, h } = args.inputs as Record<'x' | 'h', TensorInfo>;
  const { features, movingStart, movingSize: m } = args.attrs as unknown as AffineCouplingAttrs;
  const backend = args.backend as BackendWasm;
  const samples = x.shape[0]!;
  const perSample = rowsPerSample(x, features);
  const y = backend.makeOutput([...x.shape], 'float32');
  const logDet = backend.makeOutput([samples], 'float32');
  const [xs, hs, ys, ld] = [x, h, y, logDet].map((t) => heapView(backend, t));
  ys!.set(xs!);
  for (let i = 0; i < samples; i++) {
    let sum = 0;
    for (let r = i * perSample; r < (i + 1) * perSample; r++) {
      const [xr, hr] = [r * features + movingStart, r * 2 * m];
      for (let j = 0; j < m; j++) {
        const s = Math.tanh(hs![hr + j]!);
        ys![xr + j] = xs![xr + j]! * Math.exp(s) + hs![hr + m + j]!;
        sum += s;
      }
    }
    ld![i] = sum;
  }
  return [y, logDet];
};

/**
 * The gradient of the coupling to x and h from dy and dLogDet, with s = tanh(raw), e = exp(s):
 *   dx = dy on the kept part, dy_m ⊙ e on the moving one;
 *   d raw = (dy_m ⊙ x_m ⊙ e + dLogDet_i) ⊙ (1 − s²),  d t = dy_m.
 * Outputs [dx, dh] (dx only through the coupling itself: the net's path to the kept part adds to it).
 */
export const affineCouplingGradKernel: KernelFunc = (args) => {
  const { dy, dLogDet, x, h } = args.inputs as Record<'dy' | 'dLogDet' | 'x' | 'h', TensorInfo>;
  const { features, movingStart, movingSize: m } = args.attrs as unknown as AffineCouplingAttrs;
  const backend = args.backend as BackendWasm;
  const samples = x.shape[0]!;
  const perSample = rowsPerSample(x, features);
  const dx = backend.makeOutput([...x.shape], 'float32');
  const dh = backend.makeOutput([...h.shape], 'float32');
  const [dys, dls, xs, hs, dxs, dhs] = [dy, dLogDet, x, h, dx, dh].map((t) => heapView(backend, t));
  dxs!.set(dys!);
  for (let i = 0; i < samples; i++) {
    const dl = dls![i]!;
    for (let r = i * perSample; r < (i + 1) * perSample; r++) {
      const [xr, hr] = [r * features + movingStart, r * 2 * m];
      for (let j = 0; j < m; j++) {
        const s = Math.tanh(hs![hr + j]!);
        const e = Math.exp(s);
        const g = dys![xr + j]!;
        dxs![xr + j] = g * e;
        dhs![hr + j] = (g * xs![xr + j]! * e + dl) * (1 - s * s);
        dhs![hr + m + j] = g;
      }
    }
  }
  return [dx, dh];
};
