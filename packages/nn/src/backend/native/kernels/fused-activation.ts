import type { backend_util } from '@tensorflow/tfjs';
import type { EltwisePrimitives } from '../onednn/eltwise-primitives.ts';
import type { EltwiseKind } from '../onednn/onednn-constants.ts';
import { onesOf } from './ones.ts';
import type { Sgemm } from './sgemm.ts';

type Activation = backend_util.Activation;

/**
 * Whether the activation can be applied in place on rows of `columns` values: every one but prelu,
 * and prelu when its weights are one per column (per channel in NHWC).
 */
export function activationInPlace(activation: Activation | undefined, columns: number, preluWeights?: { shape: number[] }): boolean {
  if (activation !== 'prelu') return preluWeights === undefined;
  return preluWeights !== undefined && preluWeights.shape.reduce((a, b) => a * b, 1) === columns && preluWeights.shape.at(-1) === columns;
}

// y[r, c] = y[r, c] < 0 ? α[c]·y[r, c] : y[r, c]
export function applyPrelu(y: Float32Array, alpha: Float32Array, columns: number): void {
  for (let start = 0; start < y.length; start += columns) {
    for (let c = 0; c < columns; c++) if (y[start + c]! < 0) y[start + c] = alpha[c]! * y[start + c]!;
  }
}

/** The fused activations oneDNN's eltwise computes (in place, vectorised, on the library's threads). */
const ONEDNN_KINDS: Partial<Record<Activation, EltwiseKind>> = { relu: 'relu', sigmoid: 'logistic' };

// y = f(y) for tfjs's fused activations: relu, relu6 = min(max(y, 0), 6), elu = y > 0 ? y : e^y − 1,
// leakyrelu = y < 0 ? α·y : y, sigmoid = 1 / (1 + e^−y), linear = y; oneDNN's where it has them
export function applyActivation(y: Float32Array, activation: Activation | undefined, leakyreluAlpha = 0.2, eltwise?: EltwisePrimitives): void {
  const kind = activation && ONEDNN_KINDS[activation];
  if (kind && eltwise) {
    eltwise.forward(kind, y, y);
    return;
  }
  switch (activation) {
    case undefined:
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < y.length; i++) if (y[i]! < 0) y[i] = 0;
      return;
    case 'relu6':
      for (let i = 0; i < y.length; i++) y[i] = Math.min(Math.max(y[i]!, 0), 6);
      return;
    case 'elu':
      for (let i = 0; i < y.length; i++) if (y[i]! < 0) y[i] = Math.expm1(y[i]!);
      return;
    case 'leakyrelu':
      for (let i = 0; i < y.length; i++) if (y[i]! < 0) y[i] = leakyreluAlpha * y[i]!;
      return;
    case 'sigmoid':
      for (let i = 0; i < y.length; i++) y[i] = 1 / (1 + Math.exp(-y[i]!));
      return;
    default:
      throw new Error(`fused activation '${activation}' is applied by applyPrelu or the kernel below`);
  }
}

// y += 1 · biasᵀ for y [rows, columns]: a rank-1 GEMM (a JavaScript loop takes 3.4 ns an element, 20 times longer)
export function addBiasRows(sgemm: Sgemm, y: Float32Array, bias: Float32Array, columns: number): void {
  const rows = y.length / columns;
  sgemm(false, false, rows, columns, 1, 1, onesOf(rows), 1, bias, columns, 1, y, columns);
}
