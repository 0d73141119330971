import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapMemory, heapView, offsetOf } from '../wasm-heap.ts';
import { simdOptimizer } from './simd-optimizer.ts';

/** The scalars of one Adam update (see optim/adam.ts for their meaning). */
export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  stepSize: number;
  rootCorrection2: number;
  /** 1 − lr·weightDecay. */
  decay: number;
}

/**
 * One Adam update of one parameter in a single SIMD pass over the heap (the composed ops take 11
 * kernels and as many passes; a JavaScript loop 3-4 ns an element): p' = p·decay − stepSize·m' /
 * (√v' / rootCorrection2 + ε), m' = β1·m + (1 − β1)·g, v' = β2·v + (1 − β2)·g². Outputs [p', m', v'].
 */
export const adamUpdateKernel: KernelFunc = (args) => {
  const { param, grad, m, v } = args.inputs as Record<'param' | 'grad' | 'm' | 'v', TensorInfo>;
  const c = args.attrs as unknown as AdamUpdateAttrs;
  const backend = args.backend as BackendWasm;
  const outs = [param, m, v].map((t) => backend.makeOutput([...t.shape], 'float32'));
  const n = heapView(backend, param).length;
  const at = (t: TensorInfo) => offsetOf(backend, t);
  const scalars = { beta1: c.beta1, beta2: c.beta2, a1: 1 - c.beta1, a2: 1 - c.beta2, stepSize: c.stepSize, inverse: 1 / c.rootCorrection2, eps: c.eps, decay: c.decay };
  simdOptimizer(heapMemory(backend)).adam(at(param), at(grad), at(m), at(v), at(outs[0]!), at(outs[1]!), at(outs[2]!), n, scalars);
  return outs;
};

// Σ_t Σ_i x_t[i]² over every input, accumulated in float64, as a float32 scalar
export const sumOfSquaresKernel: KernelFunc = (args) => {
  const backend = args.backend as BackendWasm;
  const kernels = simdOptimizer(heapMemory(backend));
  const inputs = Object.values(args.inputs as Record<string, TensorInfo>);
  const out = backend.makeOutput([], 'float32');
  const partial = backend.makeOutput([], 'float32');
  let total = 0;
  for (const x of inputs) {
    kernels.sumOfSquares(offsetOf(backend, x), heapView(backend, x).length, offsetOf(backend, partial));
    total += heapView(backend, partial)[0]!;
  }
  backend.disposeData(partial.dataId);
  heapView(backend, out)[0] = total;
  return out;
};
