import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapMemory, heapView, offsetOf } from '../wasm-heap.ts';
import { adamInputNames } from '../fused-ops.ts';
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
 * One Adam update of every parameter in one kernel call, each in a single SIMD pass over the heap
 * (the composed ops take 11 kernels and as many passes per parameter; a call per parameter costs the
 * engine's dispatch each time): p' = p·decay − stepSize·m' / (√v' / rootCorrection2 + ε),
 * m' = β1·m + (1 − β1)·g, v' = β2·v + (1 − β2)·g². Inputs p<i>, g<i>, m<i>, v<i> for i < count;
 * outputs [p'_0, m'_0, v'_0, p'_1, …].
 */
export const adamUpdateKernel: KernelFunc = (args) => {
  const inputs = args.inputs as Record<string, TensorInfo>;
  const c = args.attrs as unknown as AdamUpdateAttrs & { count: number };
  const backend = args.backend as BackendWasm;
  const groups = Array.from({ length: c.count }, (_, i) => adamInputNames(i).map((name) => inputs[name]!));
  const outs = groups.flatMap(([param, , m, v]) => [param!, m!, v!].map((t) => backend.makeOutput([...t.shape], 'float32')));
  const at = (t: TensorInfo) => offsetOf(backend, t);
  const scalars = { beta1: c.beta1, beta2: c.beta2, a1: 1 - c.beta1, a2: 1 - c.beta2, stepSize: c.stepSize, inverse: 1 / c.rootCorrection2, eps: c.eps, decay: c.decay };
  const kernels = simdOptimizer(heapMemory(backend));
  groups.forEach(([param, grad, m, v], i) => {
    const [p1, m1, v1] = outs.slice(3 * i, 3 * i + 3) as [TensorInfo, TensorInfo, TensorInfo];
    kernels.adam(at(param!), at(grad!), at(m!), at(v!), at(p1), at(m1), at(v1), heapView(backend, param!).length, scalars);
  });
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
