import type { backend_util } from '@tensorflow/tfjs';

type Activation = backend_util.Activation;

/** Whether `applyActivation` computes `activation` (prelu needs its weights broadcast: the fallback does it). */
export function activationInPlace(activation: Activation | undefined): boolean {
  return activation === undefined || activation !== 'prelu';
}

// y = f(y) for tfjs's fused activations: relu, relu6 = min(max(y, 0), 6), elu = y > 0 ? y : e^y − 1,
// leakyrelu = y < 0 ? α·y : y, sigmoid = 1 / (1 + e^−y), linear = y
export function applyActivation(y: Float32Array, activation: Activation | undefined, leakyreluAlpha = 0.2): void {
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
      throw new Error(`fused activation '${activation}' is not computed in place`);
  }
}

// y[r, c] += bias[c] for y of `columns` columns
export function addBiasRows(y: Float32Array, bias: Float32Array, columns: number): void {
  for (let start = 0; start < y.length; start += columns) {
    for (let c = 0; c < columns; c++) y[start + c] += bias[c]!;
  }
}
