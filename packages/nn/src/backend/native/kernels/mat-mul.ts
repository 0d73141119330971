import type { BatchMatMulAttrs, KernelFunc, NamedAttrMap, TensorInfo, _FusedMatMulAttrs } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { broadcastSourceIndex, matMulGeometry, type MatMulGeometry } from '../../mat-mul-geometry.ts';
import { allocate, heapView } from '../../wasm-heap.ts';
import type { EltwisePrimitives } from '../onednn/eltwise-primitives.ts';
import { activationInPlace, addBiasRows, applyActivation, applyPrelu } from './fused-activation.ts';
import type { Sgemm } from './sgemm.ts';

/** A kernel of the layer below, for the calls a native kernel leaves to it. */
export type Fallback = () => KernelFunc;

// C[t] = op(A[ia(t)]) · op(B[ib(t)]) for each output batch t, written into `out`
function multiply(sgemm: Sgemm, backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, g: MatMulGeometry): TensorInfo {
  const out = allocate(backend, g.outShape);
  const av = heapView(backend, a);
  const bv = heapView(backend, b);
  const cv = heapView(backend, out);
  const { m, n, k } = g;
  const lda = transposeA ? m : k;
  const ldb = transposeB ? k : n;
  if (g.batchB === 1 && !transposeA) {
    // every batch of A times the one B: a single product of (batchA·m) rows
    sgemm(false, transposeB, g.batchA * m, n, k, 1, av, lda, bv, ldb, 0, cv, n);
    return out;
  }
  const aIndex = broadcastSourceIndex(g.outerA, g.outerOut);
  const bIndex = broadcastSourceIndex(g.outerB, g.outerOut);
  for (let t = 0; t < g.batchOut; t++) {
    const aPart = av.subarray(aIndex(t) * m * k, (aIndex(t) + 1) * m * k);
    const bPart = bv.subarray(bIndex(t) * k * n, (bIndex(t) + 1) * k * n);
    sgemm(transposeA, transposeB, m, n, k, 1, aPart, lda, bPart, ldb, 0, cv.subarray(t * m * n, (t + 1) * m * n), n);
  }
  return out;
}

function isFloat32(...infos: Array<TensorInfo | undefined>): boolean {
  return infos.every((info) => info === undefined || info.dtype === 'float32');
}

/** `BatchMatMul` as native GEMM calls on the operands in place (transposes are GEMM flags, no copies). */
export function createNativeBatchMatMul(sgemm: Sgemm, fallback: Fallback): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    if (!isFloat32(a, b) || a.shape.length < 2 || b.shape.length < 2) return fallback()(args);
    const g = matMulGeometry(a, b, transposeA, transposeB);
    if (g.m * g.n * g.k * g.batchOut === 0) return fallback()(args);
    return multiply(sgemm, args.backend as BackendWasm, a, b, transposeA, transposeB, g);
  };
}

/**
 * `_FusedMatMul` (matMul + bias + activation): the product natively, then a per-column bias and the
 * activation in place (prelu with one weight per column); other shapes go to the layer below.
 */
export function createNativeFusedMatMul(sgemm: Sgemm, eltwise: EltwisePrimitives | undefined, fallback: Fallback): KernelFunc {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as unknown as _FusedMatMulAttrs & NamedAttrMap;
    if (!isFloat32(a, b, bias, preluActivationWeights) || a.shape.length < 2 || b.shape.length < 2) return fallback()(args);
    const g = matMulGeometry(a, b, transposeA, transposeB);
    if (!activationInPlace(activation, g.n, preluActivationWeights)) return fallback()(args);
    const biasSize = bias ? bias.shape.reduce((x, y) => x * y, 1) : 0;
    if (g.m * g.n * g.k * g.batchOut === 0 || (bias && (biasSize !== g.n || bias.shape.at(-1) !== g.n))) return fallback()(args);
    const backend = args.backend as BackendWasm;
    const out = multiply(sgemm, backend, a, b, transposeA, transposeB, g);
    const y = heapView(backend, out);
    if (bias) addBiasRows(sgemm, y, heapView(backend, bias), g.n);
    if (preluActivationWeights) applyPrelu(y, heapView(backend, preluActivationWeights), g.n);
    else applyActivation(y, activation, leakyreluAlpha, eltwise);
    return out;
  };
}
