import * as tf from '@tensorflow/tfjs';
import { yieldToEventLoop } from '@ouroboros/core';
import type { PointSet } from './point-set.ts';

/** Distances held at once: 4M float32 values (16 MB) per block, whatever the number of points. */
export const BLOCK_VALUES = 1 << 22;

/** D_ij for rows `rowStart..rowStart+rows` of one set and columns `colStart..colStart+cols` of another, row-major. */
export interface DistanceBlock {
  readonly rowStart: number;
  readonly rows: number;
  readonly colStart: number;
  readonly cols: number;
  readonly values: Float32Array;
}

/**
 * Squared Euclidean distances D_ij = max(|a_i|^2 + |b_j|^2 - 2 a_i . b_j, 0) between the rows of `a`
 * and of `b`, visited in blocks of `rowsPerBlock` rows of `a` against all of `b`, so that memory is
 * O(rowsPerBlock * n) however many rows `a` has. The cross term is a float32 matMul on the tensor
 * backend (XNNPACK on wasm); each entry's value does not depend on the blocking. A visitor that
 * returns false stops the pass.
 */
export async function forEachDistanceBlock(
  a: PointSet,
  b: PointSet,
  visit: (block: DistanceBlock) => boolean | void,
  rowsPerBlock = Math.max(1, Math.floor(BLOCK_VALUES / b.count)),
  onProgress?: (fraction: number) => void,
): Promise<void> {
  checkSameDim(a, b);
  const bT = tf.tidy(() => tf.transpose(tf.tensor2d(b.values, [b.count, b.dim])));
  try {
    for (let start = 0; start < a.count; start += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, a.count - start);
      if (visit(distanceBlock(a, start, rows, b, 0, bT)) === false) return;
      onProgress?.((start + rows) / a.count);
      await yieldToEventLoop();
    }
  } finally {
    bT.dispose();
  }
}

/**
 * The blocks on and above the diagonal of D(a, a), `blockSize` points a side: D is symmetric and
 * a.b = b.a in the same order of summation, so block (J, I) is exactly the transpose of block (I, J).
 */
export async function forEachSelfDistanceBlock(
  a: PointSet,
  visit: (block: DistanceBlock) => void,
  blockSize = Math.max(1, Math.floor(Math.sqrt(BLOCK_VALUES))),
  onProgress?: (fraction: number) => void,
): Promise<void> {
  const starts = Array.from({ length: Math.ceil(a.count / blockSize) }, (_, i) => i * blockSize);
  const sizeOf = (start: number) => Math.min(blockSize, a.count - start);
  const columns = starts.map((start) => tf.tidy(() => tf.transpose(tf.tensor2d(a.values.subarray(start * a.dim, (start + sizeOf(start)) * a.dim), [sizeOf(start), a.dim]))));
  const total = (starts.length * (starts.length + 1)) / 2;
  let done = 0;
  try {
    for (let i = 0; i < starts.length; i++) {
      for (let j = i; j < starts.length; j++) {
        visit(distanceBlock(a, starts[i]!, sizeOf(starts[i]!), a, starts[j]!, columns[j]!));
        onProgress?.(++done / total);
        await yieldToEventLoop();
      }
    }
  } finally {
    tf.dispose(columns);
  }
}

/** D for rows `rowStart..+rows` of a against the points of b whose transposed coordinates are `bColumnsT` (d x cols). */
function distanceBlock(a: PointSet, rowStart: number, rows: number, b: PointSet, colStart: number, bColumnsT: tf.Tensor): DistanceBlock {
  const d = a.dim;
  const cols = bColumnsT.shape[1]!;
  const product = tf.tidy(() => tf.matMul(tf.tensor2d(a.values.subarray(rowStart * d, (rowStart + rows) * d), [rows, d]), bColumnsT as tf.Tensor2D));
  const values = product.dataSync() as Float32Array;
  product.dispose();
  for (let i = 0; i < rows; i++) {
    const an = a.squaredNorms[rowStart + i]!;
    const row = i * cols;
    for (let j = 0; j < cols; j++) values[row + j] = Math.max(an + b.squaredNorms[colStart + j]! - 2 * values[row + j]!, 0);
  }
  return { rowStart, rows, colStart, cols, values };
}

function checkSameDim(a: PointSet, b: PointSet): void {
  if (a.dim !== b.dim) throw new RangeError(`distances: points of ${a.dim} and ${b.dim} dimensions; expected the same`);
}
