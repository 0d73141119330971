import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapView } from '../wasm-heap.ts';

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
 * One Adam update of one parameter in a single pass over the heap (the composed ops take 11 kernels
 * and as many passes): p' = p·decay − stepSize·m' / (√v' / rootCorrection2 + ε),
 * m' = β1·m + (1 − β1)·g, v' = β2·v + (1 − β2)·g². Outputs [p', m', v'].
 */
export const adamUpdateKernel: KernelFunc = (args) => {
  const { param, grad, m, v } = args.inputs as Record<'param' | 'grad' | 'm' | 'v', TensorInfo>;
  const backend = args.backend as BackendWasm;
  const outs = [param, m, v].map((t) => backend.makeOutput([...t.shape], 'float32'));
  adamLoop(heapView(backend, param), heapView(backend, grad), heapView(backend, m), heapView(backend, v), heapView(backend, outs[0]!), heapView(backend, outs[1]!), heapView(backend, outs[2]!), args.attrs as unknown as AdamUpdateAttrs);
  return outs;
};

// one monomorphic loop over plain Float32Arrays (V8 keeps it in registers)
function adamLoop(p: Float32Array, g: Float32Array, m0: Float32Array, v0: Float32Array, p1: Float32Array, m1: Float32Array, v1: Float32Array, c: AdamUpdateAttrs): void {
  const { beta1, beta2, eps, stepSize, decay } = c;
  const [a1, a2, inverse] = [1 - beta1, 1 - beta2, 1 / c.rootCorrection2];
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = beta1 * m0[i]! + a1 * gi;
    const vi = beta2 * v0[i]! + a2 * gi * gi;
    m1[i] = mi;
    v1[i] = vi;
    p1[i] = p[i]! * decay - (stepSize * mi) / (Math.sqrt(vi) * inverse + eps);
  }
}

// Σ_t Σ_i x_t[i]² over every input, as a float32 scalar
export const sumOfSquaresKernel: KernelFunc = (args) => {
  const backend = args.backend as BackendWasm;
  let total = 0;
  for (const x of Object.values(args.inputs as Record<string, TensorInfo>)) {
    const values = heapView(backend, x);
    for (let i = 0; i < values.length; i++) total += values[i]! * values[i]!;
  }
  const out = backend.makeOutput([], 'float32');
  heapView(backend, out)[0] = total;
  return out;
};
