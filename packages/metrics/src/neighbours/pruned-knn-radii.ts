import { offerSmallest } from './k-smallest.ts';
import { squaredDistance } from './point-set.ts';
import type { ProjectedPoints } from './projected-points.ts';
import { forEachProjectedRow } from './projected-rows.ts';

/**
 * k-NN squared radii with bounds: for point i, U_i = the k-th smallest upper bound over j != i is
 * at least its radius, so its k nearest are among the j with a lower bound <= U_i, and only those
 * distances are computed exactly. Rows against all points (projected distances are cheap).
 * With `mayGiveUp`, returns null as soon as too many pairs needed the exact distance (ExactShare).
 */
export async function prunedKnnRadii(set: ProjectedPoints, k: number, mayGiveUp: boolean, rowsPerBlock?: number, onProgress?: (fraction: number) => void): Promise<Float64Array | null> {
  const n = set.points.count;
  const { residual: rho, slack } = set;
  const radii = new Float64Array(n);
  const upper = new Float64Array(k);
  const nearest = new Float64Array(k);
  const complete = await forEachProjectedRow(
    set,
    set,
    mayGiveUp,
    (i, values, row, share) => {
      const rhoI = rho[i]!;
      const slackI = slack[i]!;
      upper.fill(Infinity);
      let limit = Infinity;
      for (let j = 0; j < n; j++) {
        const sum = rhoI + rho[j]!;
        const hi = values[row + j]! + sum * sum + slackI + slack[j]!;
        if (hi < limit && j !== i) {
          offerSmallest(upper, 0, k, hi);
          limit = upper[k - 1]!;
        }
      }
      nearest.fill(Infinity);
      for (let j = 0; j < n; j++) {
        const gap = rhoI - rho[j]!;
        if (values[row + j]! + gap * gap - slackI - slack[j]! > limit || j === i) continue;
        share.exact++;
        offerSmallest(nearest, 0, k, squaredDistance(set.points, i, set.points, j));
      }
      radii[i] = nearest[k - 1]!;
    },
    rowsPerBlock,
    onProgress,
  );
  return complete ? radii : null;
}
