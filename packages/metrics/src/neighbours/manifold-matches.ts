import { forEachDistanceBlock } from './distance-blocks.ts';
import { triesPruning, type NeighbourSearch } from './neighbour-search.ts';
import type { PointSet } from './point-set.ts';
import { projectPair, type ProjectedPoints } from './projected-points.ts';
import { prunedManifoldMatches } from './pruned-manifold-matches.ts';

/** What one pass over the generated-to-real distances gives, per sample. */
export interface ManifoldMatches {
  /** Generated j lies in some real k-NN ball, |y_j - x_i|^2 <= r_i^2 (precision, Kynkaanniemi et al.). */
  readonly generatedInRealBall: Uint8Array;
  /** Real i lies in some generated k-NN ball, |x_i - y_j|^2 <= s_j^2 (recall); all zero without generated radii. */
  readonly realInGeneratedBall: Uint8Array;
  /** Number of real balls that contain generated j strictly, |y_j - x_i|^2 < r_i^2 (density, Naeem et al.). */
  readonly realBallsAroundGenerated: Uint32Array;
  /** Real i's ball holds a generated sample strictly, min_j |x_i - y_j|^2 < r_i^2 (coverage, Naeem et al.). */
  readonly realCovered: Uint8Array;
}

export interface MatchOptions {
  /** Generated rows per block (default: 4M distances a block). */
  readonly rows?: number;
  readonly search?: NeighbourSearch;
  /** Both sets projected on one basis (the pruned search projects them otherwise). */
  readonly projected?: { readonly real: ProjectedPoints; readonly generated: ProjectedPoints };
  readonly onProgress?: (fraction: number) => void;
}

/**
 * One blockwise pass over D_ji = |y_j - x_i|^2 (generated rows, real columns) collecting everything
 * precision, recall, density and coverage need, in O(n_real + n_generated) memory besides the block.
 */
export async function manifoldMatches(real: PointSet, generated: PointSet, realRadii: Float64Array, generatedRadii: Float64Array | null, options: MatchOptions = {}): Promise<ManifoldMatches> {
  if (realRadii.length !== real.count) throw new RangeError(`manifoldMatches: ${realRadii.length} real radii; expected one per real point, ${real.count}`);
  if (generatedRadii && generatedRadii.length !== generated.count) throw new RangeError(`manifoldMatches: ${generatedRadii.length} generated radii; expected ${generated.count}`);
  const search = options.search ?? 'auto';
  if (triesPruning(search, real.dim, Math.min(real.count, generated.count))) {
    const projected = options.projected ?? projectPair(real, generated);
    const matches = await prunedManifoldMatches(projected.real, projected.generated, realRadii, generatedRadii, search === 'auto', options.rows, options.onProgress);
    if (matches) return matches;
  }
  return exhaustiveMatches(real, generated, realRadii, generatedRadii, options.rows, options.onProgress);
}

/** Empty results for `real` and `generated` points. */
export function noMatches(realCount: number, generatedCount: number): ManifoldMatches {
  return {
    generatedInRealBall: new Uint8Array(generatedCount),
    realInGeneratedBall: new Uint8Array(realCount),
    realBallsAroundGenerated: new Uint32Array(generatedCount),
    realCovered: new Uint8Array(realCount),
  };
}

async function exhaustiveMatches(real: PointSet, generated: PointSet, realRadii: Float64Array, generatedRadii: Float64Array | null, rowsPerBlock?: number, onProgress?: (fraction: number) => void): Promise<ManifoldMatches> {
  const m = noMatches(real.count, generated.count);
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
            if (value < radius) {
              around++;
              m.realCovered[i] = 1;
            }
          }
          if (value <= own) m.realInGeneratedBall[i] = 1;
        }
        m.generatedInRealBall[j] = inBall;
        m.realBallsAroundGenerated[j] = around;
      }
    },
    rowsPerBlock,
    onProgress,
  );
  return m;
}
