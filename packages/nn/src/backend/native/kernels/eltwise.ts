import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { allocate, heapView, sizeOf } from '../../wasm-heap.ts';
import type { EltwisePrimitives } from '../onednn/eltwise-primitives.ts';
import type { EltwiseKind } from '../onednn/onednn-constants.ts';
import type { Fallback } from './mat-mul.ts';

// y = f(x) elementwise, f = oneDNN's `kind` (logistic for Sigmoid, tanh for Tanh)
export function createNativeEltwise(kind: EltwiseKind, eltwise: EltwisePrimitives, fallback: Fallback): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32' || sizeOf(x.shape) === 0) return fallback()(args);
    const backend = args.backend as BackendWasm;
    const y = allocate(backend, [...x.shape]);
    eltwise.forward(kind, heapView(backend, x), heapView(backend, y));
    return y;
  };
}
