import { forEachSelfDistanceBlock } from './distance-blocks.ts';
import { offerSmallest } from './k-smallest.ts';
import { triesPruning, type NeighbourSearch } from './neighbour-search.ts';
import type { PointSet } from './point-set.ts';
import { projectionBasis } from './projection-basis.ts';
import { projectPoints, type ProjectedPoints } from './projected-points.ts';
import { prunedKnnRadii } from './pruned-knn-radii.ts';

export interface KnnRadiiOptions {
  /** Points a side of the square blocks of the exhaustive pass (default: 4M distances a block). */
  readonly block?: number;
  /** Rows per block of the pruned pass (default: 4M bounds a block). */
  readonly prunedRows?: number;
  readonly search?: NeighbourSearch;
  /** The points already projected (the pruned search projects them otherwise). */
  readonly projected?: ProjectedPoints;
  readonly onProgress?: (fraction: number) => void;
}

/**
 * r_i^2 = squared distance from point i to its k-th nearest neighbour among the other points (a
 * duplicate of it is a neighbour at distance 0): the radii of the k-NN balls of Kynkaanniemi et al.
 * (2019) and Naeem et al. (2020). Pruned (see `pruned-knn-radii.ts`) where `search` allows, else
 * exhaustive.
 */
export async function kNearestSquaredRadii(points: PointSet, k: number, options: KnnRadiiOptions = {}): Promise<Float64Array> {
  const n = points.count;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`kNearestSquaredRadii: k = ${k}; expected an integer >= 1`);
  if (n <= k) throw new RangeError(`kNearestSquaredRadii: k = ${k} needs at least ${k + 1} points, got ${n}`);
  const search = options.search ?? 'auto';
  if (triesPruning(search, points.dim, n)) {
    const projected = options.projected ?? projectPoints(points, projectionBasis([points]));
    const radii = await prunedKnnRadii(projected, k, search === 'auto', options.prunedRows, options.onProgress);
    if (radii) return radii;
  }
  return exhaustiveKnnRadii(points, k, options.block, options.onProgress);
}

/**
 * Every distance once: each row keeps its k smallest distances while the upper block triangle of D
 * is visited, rows and columns, so memory is O(n k + block^2).
 */
async function exhaustiveKnnRadii(points: PointSet, k: number, blockSize?: number, onProgress?: (fraction: number) => void): Promise<Float64Array> {
  const n = points.count;
  // nearest[i * k .. i * k + k): the k smallest distances offered to point i so far, ascending.
  const nearest = new Float64Array(n * k).fill(Infinity);
  await forEachSelfDistanceBlock(
    points,
    ({ rowStart, rows, colStart, cols, values }) => {
      const diagonal = rowStart === colStart;
      for (let r = 0; r < rows; r++) {
        const i = rowStart + r;
        for (let c = diagonal ? r + 1 : 0; c < cols; c++) {
          const value = values[r * cols + c]!;
          offerSmallest(nearest, i * k, k, value);
          offerSmallest(nearest, (colStart + c) * k, k, value);
        }
      }
    },
    blockSize,
    onProgress,
  );
  const radii = new Float64Array(n);
  for (let i = 0; i < n; i++) radii[i] = nearest[i * k + k - 1]!;
  return radii;
}
