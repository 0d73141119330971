import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { sizeOf } from './wasm-heap.ts';

/** The shapes of C = op(A)·op(B) with broadcast batch dimensions. */
export interface MatMulGeometry {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** Batch dims of A, of B, and their broadcast. */
  readonly outerA: number[];
  readonly outerB: number[];
  readonly outerOut: number[];
  readonly outShape: number[];
  readonly batchA: number;
  readonly batchB: number;
  readonly batchOut: number;
}

// C[..., i, j] = Σ_k op(A)[..., i, k] · op(B)[..., k, j], op = transpose when asked, batch dims broadcast
export function matMulGeometry(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulGeometry {
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1]! : a.shape[aRank - 2]!;
  const k = transposeA ? a.shape[aRank - 2]! : a.shape[aRank - 1]!;
  const kB = transposeB ? b.shape[bRank - 1]! : b.shape[bRank - 2]!;
  const n = transposeB ? b.shape[bRank - 2]! : b.shape[bRank - 1]!;
  tf.util.assert(
    k === kB,
    () =>
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ` +
      `${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
  );
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outerOut = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  return {
    m,
    k,
    n,
    outerA,
    outerB,
    outerOut,
    outShape: [...outerOut, m, n],
    batchA: sizeOf(outerA),
    batchB: sizeOf(outerB),
    batchOut: sizeOf(outerOut),
  };
}

/** Maps a flat index over `outer` to the flat index of the operand with batch dims `dims`. */
export function broadcastSourceIndex(dims: number[], outer: number[]): (t: number) => number {
  const padded = [...new Array<number>(outer.length - dims.length).fill(1), ...dims];
  const strides = new Array<number>(padded.length);
  let stride = 1;
  for (let d = padded.length - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : stride;
    stride *= padded[d]!;
  }
  return (t) => {
    let index = 0;
    let rest = t;
    for (let d = outer.length - 1; d >= 0; d--) {
      const coord = rest % outer[d]!;
      rest = (rest - coord) / outer[d]!;
      index += coord * strides[d]!;
    }
    return index;
  };
}
