import type { BatchMatMulAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { broadcastSourceIndex, matMulGeometry, type MatMulGeometry } from '../mat-mul-geometry.ts';
import { allocate, asShape, heapView, release, sizeOf } from '../wasm-heap.ts';
import type { WasmOps } from './wasm-ops.ts';

/**
 * Below this many multiply-adds per matrix, a batch is left to the stock kernel's scalar loop:
 * one kernel call per matrix costs more than it saves.
 */
export const MIN_MACS_PER_BATCH_CALL = 8 * 1024;

/**
 * `BatchMatMul` for the wasm backend that only ever reaches the stock kernel's fast path
 * (untransposed, batch 1): transposed operands are transposed explicitly first, a batched
 * operand times a shared matrix becomes one 2-D product, other batches a loop of 2-D products.
 */
export function createBatchMatMulKernel(ops: WasmOps, stock: KernelFunc): KernelFunc {
  // C[..., i, j] = Σ_k op(A)[..., i, k] · op(B)[..., k, j], op = transpose when asked, batch dims broadcast
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    const backend = args.backend as BackendWasm;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) {
      return stock(args);
    }
    const g = matMulGeometry(a, b, transposeA, transposeB);
    const { m, k, n, batchA, batchB, batchOut, outShape } = g;
    if (m * n * k * batchOut === 0) return stock(args);

    const aOwned = transposeA ? ops.transposeLastTwo(backend, a) : null;
    const bOwned = transposeB ? ops.transposeLastTwo(backend, b) : null;
    const aPlain = aOwned ?? a;
    const bPlain = bOwned ?? b;
    let out: TensorInfo;
    if (batchB === 1) {
      out = ops.matMul(backend, asShape(aPlain, [batchA * m, k]), asShape(bPlain, [k, n]));
      out.shape = outShape;
    } else if (m * n * k < MIN_MACS_PER_BATCH_CALL && (batchA === batchB || batchA === 1)) {
      out = stock({ inputs: { a: aPlain, b: bPlain }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
      out.shape = outShape;
    } else {
      out = loopOverBatch(ops, backend, aPlain, bPlain, g);
    }
    if (aOwned) release(backend, aOwned);
    if (bOwned) release(backend, bOwned);
    return out;
  };
}

// C[t] = A[ia(t)] · B[ib(t)], ia/ib the broadcast source indices of output batch t
function loopOverBatch(
  ops: WasmOps,
  backend: BackendWasm,
  a: TensorInfo,
  b: TensorInfo,
  g: MatMulGeometry,
): TensorInfo {
  const { m, k, n } = g;
  const aIndex = broadcastSourceIndex(g.outerA, g.outerOut);
  const bIndex = broadcastSourceIndex(g.outerB, g.outerOut);
  const shareA = sizeOf(g.outerA) === 1;
  const out = allocate(backend, g.outShape);
  const batchOut = sizeOf(g.outerOut);
  for (let t = 0; t < batchOut; t++) {
    const aSlice = shareA ? asShape(a, [m, k]) : copySlice(backend, a, aIndex(t), [m, k]);
    // A fresh tensor per product: the stock kernel caches packed weights by the B tensor's id.
    const bSlice = copySlice(backend, b, bIndex(t), [k, n]);
    const product = ops.matMul(backend, aSlice, bSlice);
    heapView(backend, out).set(heapView(backend, product), t * m * n);
    release(backend, product, bSlice);
    if (!shareA) release(backend, aSlice);
  }
  return out;
}

function copySlice(backend: BackendWasm, source: TensorInfo, index: number, shape: number[]): TensorInfo {
  const size = sizeOf(shape);
  const slice = allocate(backend, shape);
  heapView(backend, slice).set(heapView(backend, source).subarray(index * size, (index + 1) * size));
  return slice;
}
