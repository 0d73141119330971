import { forEachSelfDistanceBlock } from './distance-blocks.ts';
import type { PointSet } from './point-set.ts';

/**
 * r_i^2 = squared distance from point i to its k-th nearest neighbour among the other points (a
 * duplicate of it is a neighbour at distance 0): the radii of the k-NN balls of Kynkaanniemi et al.
 * (2019) and Naeem et al. (2020). Each row keeps its k smallest distances while the upper block
 * triangle of D is visited once, rows and columns, so memory is O(n k + block^2).
 */
export async function kNearestSquaredRadii(points: PointSet, k: number, blockSize?: number, onProgress?: (fraction: number) => void): Promise<Float32Array> {
  const n = points.count;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`kNearestSquaredRadii: k = ${k}; expected an integer >= 1`);
  if (n <= k) throw new RangeError(`kNearestSquaredRadii: k = ${k} needs at least ${k + 1} points, got ${n}`);
  // nearest[i * k .. i * k + k): the k smallest distances offered to point i so far, ascending.
  const nearest = new Float32Array(n * k).fill(Infinity);
  const offer = (i: number, value: number) => {
    const base = i * k;
    if (!(value < nearest[base + k - 1]!)) return;
    let at = base + k - 1;
    while (at > base && nearest[at - 1]! > value) {
      nearest[at] = nearest[at - 1]!;
      at--;
    }
    nearest[at] = value;
  };
  await forEachSelfDistanceBlock(
    points,
    ({ rowStart, rows, colStart, cols, values }) => {
      const diagonal = rowStart === colStart;
      for (let r = 0; r < rows; r++) {
        const i = rowStart + r;
        for (let c = diagonal ? r + 1 : 0; c < cols; c++) {
          const value = values[r * cols + c]!;
          offer(i, value);
          offer(colStart + c, value);
        }
      }
    },
    blockSize,
    onProgress,
  );
  const radii = new Float32Array(n);
  for (let i = 0; i < n; i++) radii[i] = nearest[i * k + k - 1]!;
  return radii;
}
