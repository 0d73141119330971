import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, MeanAttrs, SumAttrs, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { allocate, heapView, release, sizeOf } from '../../wasm-heap.ts';
import type { Fallback } from './mat-mul.ts';
import { onesOf } from './ones.ts';
import type { Sgemm } from './sgemm.ts';

/** One pass of a reduction: the input seen as [outer, reduce, inner], summed over the middle. */
export interface ReducePass {
  readonly outer: number;
  readonly reduce: number;
  readonly inner: number;
}

/**
 * The passes that sum `shape` over `axes`, innermost run of adjacent axes first: each pass sums
 * one run of axes that are next to each other in memory, so [b, n, g, c] over {1, 3} is two
 * passes: over c ([b·n·g, c, 1]), then over n ([b, n, g]).
 */
export function reducePasses(shape: readonly number[], axes: readonly number[]): ReducePass[] {
  const reduced = new Set(axes);
  let dims = shape.map((size, axis) => ({ size, reduce: reduced.has(axis) }));
  const passes: ReducePass[] = [];
  for (;;) {
    let end = dims.length - 1;
    while (end >= 0 && !dims[end]!.reduce) end--;
    if (end < 0) return passes;
    let start = end;
    while (start > 0 && dims[start - 1]!.reduce) start--;
    const product = (from: number, to: number) => dims.slice(from, to).reduce((p, d) => p * d.size, 1);
    passes.push({ outer: product(0, start), reduce: product(start, end + 1), inner: product(end + 1, dims.length) });
    dims = [...dims.slice(0, start), ...dims.slice(end + 1)];
  }
}

// out[o, i] = scale · Σ_r x[o, r, i]: a GEMM with a vector of ones on the side of the summed axis
function reducePass(sgemm: Sgemm, x: Float32Array, out: Float32Array, { outer, reduce, inner }: ReducePass, scale: number): void {
  const one = onesOf(reduce);
  if (inner === 1) {
    sgemm(false, false, outer, 1, reduce, scale, x, reduce, one, 1, 0, out, 1);
    return;
  }
  for (let o = 0; o < outer; o++) {
    const block = x.subarray(o * reduce * inner, (o + 1) * reduce * inner);
    sgemm(false, false, 1, inner, reduce, scale, one, reduce, block, inner, 0, out.subarray(o * inner, (o + 1) * inner), inner);
  }
}

/** Σ (or the mean, `mean`) of x over `axis`, as GEMM passes; null when the native path does not serve it. */
function reduceNatively(sgemm: Sgemm, backend: BackendWasm, x: TensorInfo, axis: number | number[], keepDims: boolean, mean: boolean): TensorInfo | null {
  if (x.dtype !== 'float32' || sizeOf(x.shape) === 0) return null;
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const [outShape, reduceShape] = tf.backend_util.computeOutAndReduceShapes(x.shape, axes);
  const passes = reducePasses(x.shape, axes);
  const shape = keepDims ? tf.backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
  if (passes.length === 0) return null;
  const scale = mean ? 1 / sizeOf(reduceShape) : 1;
  let input = x;
  let owned: TensorInfo | null = null;
  for (let p = 0; p < passes.length; p++) {
    const pass = passes[p]!;
    const out = allocate(backend, [pass.outer * pass.inner]);
    reducePass(sgemm, heapView(backend, input), heapView(backend, out), pass, p === passes.length - 1 ? scale : 1);
    if (owned) release(backend, owned);
    input = owned = out;
  }
  owned!.shape = shape;
  return owned;
}

// Sum: y = Σ_axes x
export function createNativeSum(sgemm: Sgemm, fallback: Fallback): KernelFunc {
  return (args) => {
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    return reduceNatively(sgemm, args.backend as BackendWasm, (args.inputs as { x: TensorInfo }).x, axis, keepDims, false) ?? fallback()(args);
  };
}

// Mean: y = Σ_axes x / Π_axes size
export function createNativeMean(sgemm: Sgemm, fallback: Fallback): KernelFunc {
  return (args) => {
    const { axis, keepDims } = args.attrs as unknown as MeanAttrs;
    return reduceNatively(sgemm, args.backend as BackendWasm, (args.inputs as { x: TensorInfo }).x, axis, keepDims, true) ?? fallback()(args);
  };
}
