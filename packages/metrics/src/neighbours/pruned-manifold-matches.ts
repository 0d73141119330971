import { noMatches, type ManifoldMatches } from './manifold-matches.ts';
import { squaredDistance } from './point-set.ts';
import type { ProjectedPoints } from './projected-points.ts';
import { forEachProjectedRow } from './projected-rows.ts';

/**
 * manifoldMatches with bounds lo <= D_ji <= hi: a pair is decided by its bounds unless a radius it
 * is compared with (r_i, and s_j while real i is not yet recalled) lies in [lo, hi]; only then is
 * D_ji computed exactly. With `mayGiveUp`, returns null as soon as too many pairs needed the
 * exact distance (ExactShare).
 */
export async function prunedManifoldMatches(
  real: ProjectedPoints,
  generated: ProjectedPoints,
  realRadii: Float64Array,
  generatedRadii: Float64Array | null,
  mayGiveUp: boolean,
  rowsPerBlock?: number,
  onProgress?: (fraction: number) => void,
): Promise<ManifoldMatches | null> {
  const m = noMatches(real.points.count, generated.points.count);
  const { realCovered, realInGeneratedBall } = m;
  const { residual: rhoReal, slack: slackReal } = real;
  const { residual: rhoGenerated, slack: slackGenerated } = generated;
  const nReal = real.points.count;
  const complete = await forEachProjectedRow(
    generated,
    real,
    mayGiveUp,
    (j, values, row, share) => {
      const own = generatedRadii ? generatedRadii[j]! : -Infinity;
      const rhoJ = rhoGenerated[j]!;
      const slackJ = slackGenerated[j]!;
      let inBall = 0;
      let around = 0;
      for (let i = 0; i < nReal; i++) {
        const projected = values[row + i]!;
        const slack = slackJ + slackReal[i]!;
        const gap = rhoJ - rhoReal[i]!;
        const lo = projected + gap * gap - slack;
        const radius = realRadii[i]!;
        const recallOpen = realInGeneratedBall[i] === 0 && lo <= own;
        if (lo > radius && !recallOpen) continue;
        const sum = rhoJ + rhoReal[i]!;
        const hi = projected + sum * sum + slack;
        if ((hi < radius || lo > radius) && (!recallOpen || hi <= own)) {
          if (hi < radius) {
            inBall = 1;
            around++;
            realCovered[i] = 1;
          }
          if (recallOpen) realInGeneratedBall[i] = 1;
          continue;
        }
        share.exact++;
        const distance = squaredDistance(generated.points, j, real.points, i);
        if (distance <= radius) {
          inBall = 1;
          if (distance < radius) {
            around++;
            realCovered[i] = 1;
          }
        }
        if (distance <= own) realInGeneratedBall[i] = 1;
      }
      m.generatedInRealBall[j] = inBall;
      m.realBallsAroundGenerated[j] = around;
    },
    rowsPerBlock,
    onProgress,
  );
  return complete ? m : null;
}
