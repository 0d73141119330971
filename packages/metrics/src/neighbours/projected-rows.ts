import { forEachDistanceBlock } from './distance-blocks.ts';
import { ExactShare } from './neighbour-search.ts';
import type { ProjectedPoints } from './projected-points.ts';

/** One row of projected squared distances: |p_i - p_j|^2 of a's point i to b's point j is values[offset + j]. */
export type ProjectedRowVisitor = (i: number, values: Float32Array, offset: number, share: ExactShare) => void;

/**
 * Visits every row of the projected distances from a's points to all of b's, in blocks, the
 * visitor counting in `share` the pairs it had to compute exactly; with `mayGiveUp`, stops and
 * returns false as soon as that share is too high (see ExactShare).
 */
export async function forEachProjectedRow(a: ProjectedPoints, b: ProjectedPoints, mayGiveUp: boolean, visit: ProjectedRowVisitor, rowsPerBlock?: number, onProgress?: (fraction: number) => void): Promise<boolean> {
  const share = new ExactShare(mayGiveUp);
  let complete = true;
  await forEachDistanceBlock(
    a.coords,
    b.coords,
    ({ rowStart, rows, cols, values }) => {
      for (let r = 0; r < rows; r++) {
        visit(rowStart + r, values, r * cols, share);
        if (!share.rowDone(cols)) return (complete = false);
      }
      return true;
    },
    rowsPerBlock,
    onProgress,
  );
  return complete;
}
