import { forEachDistanceBlock } from './distance-blocks.ts';
import type { PointSet } from './point-set.ts';

/** What one pass over the generated-to-real distances gives, per sample. */
export interface ManifoldMatches {
  /** Generated j lies in some real k-NN ball, |y_j - x_i|^2 <= r_i^2 (precision, Kynkaanniemi et al.). */
  readonly generatedInRealBall: Uint8Array;
  /** Real i lies in some generated k-NN ball, |x_i - y_j|^2 <= s_j^2 (recall); all zero without generated radii. */
  readonly realInGeneratedBall: Uint8Array;
  /** Number of real balls that contain generated j strictly, |y_j - x_i|^2 < r_i^2 (density, Naeem et al.). */
  readonly realBallsAroundGenerated: Uint32Array;
  /** min_j |x_i - y_j|^2: real i is covered when it is < r_i^2 (coverage, Naeem et al.). */
  readonly nearestGenerated: Float32Array;
}

/**
 * One blockwise pass over D_ji = |y_j - x_i|^2 (generated rows, real columns) collecting everything
 * precision, recall, density and coverage need, in O(n_real + n_generated) memory besides the block.
 */
export async function manifoldMatches(
  real: PointSet,
  generated: PointSet,
  realRadii: Float32Array,
  generatedRadii: Float32Array | null,
  rowsPerBlock?: number,
  onProgress?: (fraction: number) => void,
): Promise<ManifoldMatches> {
  if (realRadii.length !== real.count) throw new RangeError(`manifoldMatches: ${realRadii.length} real radii; expected one per real point, ${real.count}`);
  if (generatedRadii && generatedRadii.length !== generated.count) throw new RangeError(`manifoldMatches: ${generatedRadii.length} generated radii; expected ${generated.count}`);
  const generatedInRealBall = new Uint8Array(generated.count);
  const realInGeneratedBall = new Uint8Array(real.count);
  const realBallsAroundGenerated = new Uint32Array(generated.count);
  const nearestGenerated = new Float32Array(real.count).fill(Infinity);
  await forEachDistanceBlock(
    generated,
    real,
    ({ rowStart, rows, cols, values }) => {
      for (let r = 0; r < rows; r++) {
        const j = rowStart + r;
        const own = generatedRadii ? generatedRadii[j]! : -Infinity;
        let inBall = 0;
        let around = 0;
        for (let i = 0; i < cols; i++) {
          const value = values[r * cols + i]!;
          const radius = realRadii[i]!;
          if (value <= radius) {
            inBall = 1;
            if (value < radius) around++;
          }
          if (value <= own) realInGeneratedBall[i] = 1;
          if (value < nearestGenerated[i]!) nearestGenerated[i] = value;
        }
        generatedInRealBall[j] = inBall;
        realBallsAroundGenerated[j] = around;
      }
    },
    rowsPerBlock,
    onProgress,
  );
  return { generatedInRealBall, realInGeneratedBall, realBallsAroundGenerated, nearestGenerated };
}
