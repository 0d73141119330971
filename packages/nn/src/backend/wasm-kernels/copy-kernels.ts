import * as tf from '@tensorflow/tfjs';
import type { ConcatAttrs, KernelFunc, SliceAttrs, SplitVAttrs, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { sizeOf } from '../wasm-heap.ts';

type Values = ReturnType<BackendWasm['typedArrayFromHeap']>;

/** Runs shorter than this are copied element by element: a subarray object per run costs more. */
const SHORT_RUN = 64;

// dst[d .. d + n) = src[s .. s + n)
function copyRun(src: Values, s: number, dst: Values, d: number, n: number): void {
  if (n >= SHORT_RUN) dst.set(src.subarray(s, s + n), d);
  else for (let i = 0; i < n; i++) dst[d + i] = src[s + i]!;
}

/**
 * out = x[begin .. begin + size) along every axis, copied run by run: a run is the longest stretch
 * that is contiguous in both (the trailing axes taken whole, times the innermost partial one).
 */
function sliceInto(x: Values, shape: readonly number[], begin: readonly number[], size: readonly number[], out: Values): void {
  const rank = shape.length;
  const strides = tf.util.computeStrides([...shape]);
  let inner = rank - 1;
  while (inner > 0 && size[inner] === shape[inner] && begin[inner] === 0) inner--;
  const run = size.slice(inner).reduce((a, b) => a * b, 1);
  const outer = size.slice(0, inner);
  const count = sizeOf(outer);
  const index = new Array<number>(inner).fill(0);
  for (let r = 0; r < count; r++) {
    let offset = begin[inner]! * (inner < rank - 1 ? strides[inner]! : 1);
    for (let d = 0; d < inner; d++) offset += (begin[d]! + index[d]!) * strides[d]!;
    copyRun(x, offset, out, r * run, run);
    for (let d = inner - 1; d >= 0; d--) {
      if (++index[d]! < outer[d]!) break;
      index[d] = 0;
    }
  }
}

function sliceTensor(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  if (sizeOf(size) > 0) sliceInto(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

/** `Slice` on the wasm heap by runs (the stock kernel makes a subarray per row, 60 µs for [512, 2] -> [512, 1]). */
export function createSliceKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return stock(args);
    const { begin, size } = args.attrs as unknown as SliceAttrs;
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    return sliceTensor(args.backend as BackendWasm, x, begin_, size_);
  };
}

/** `SplitV` as slices by runs. */
export function createSplitVKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return stock(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as SplitVAttrs;
    const along = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, along);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[along] = s;
      const piece = sliceTensor(args.backend as BackendWasm, x, begin, size);
      begin[along]! += s;
      return piece;
    });
  };
}

/** `Concat` by runs: each output row is the inputs' rows side by side. */
export function createConcatKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    if (inputs.some((t) => t.dtype === 'string' || t.dtype !== inputs[0]!.dtype)) return stock(args);
    const { axis } = args.attrs as unknown as ConcatAttrs;
    const along = tf.util.parseAxisParam(axis, inputs[0]!.shape)[0]!;
    tf.backend_util.assertParamsConsistent(inputs.map((t) => t.shape), along);
    const outShape = tf.backend_util.computeOutShape(inputs.map((t) => t.shape), along);
    const parts = inputs.filter((t) => sizeOf(t.shape) > 0);
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(outShape, inputs[0]!.dtype);
    if (parts.length === 0) return out;
    const rows = sizeOf(outShape.slice(0, along));
    const widths = parts.map((t) => sizeOf(t.shape.slice(along)));
    const rowWidth = widths.reduce((a, b) => a + b, 0);
    const sources = parts.map((t) => backend.typedArrayFromHeap(t));
    const target = backend.typedArrayFromHeap(out);
    for (let r = 0; r < rows; r++) {
      let d = r * rowWidth;
      for (let p = 0; p < parts.length; p++) {
        copyRun(sources[p]!, r * widths[p]!, target, d, widths[p]!);
        d += widths[p]!;
      }
    }
    return out;
  };
}

/** `Identity` that shares the input's memory (one more reference) instead of copying it, as the cpu backend does. */
export function createIdentityKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return stock(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}
