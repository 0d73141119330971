import { kNearestSquaredRadii } from './knn-radii.ts';
import { manifoldMatches, type ManifoldMatches } from './manifold-matches.ts';
import { triesPruning, type NeighbourSearch } from './neighbour-search.ts';
import type { PointSet } from './point-set.ts';
import { projectPair, type ProjectedPoints } from './projected-points.ts';

export interface NeighbourOptions {
  /** Points a side of the square blocks of the exhaustive k-NN passes (default: 4M distances a block). */
  readonly knnBlock?: number;
  /** Rows per block of the generated-to-real pass and of the pruned k-NN passes (default: 4M distances a block). */
  readonly crossRows?: number;
  /** `auto` by default: see NeighbourSearch. */
  readonly search?: NeighbourSearch;
  /** The real set's k-NN squared radii when already known (the same reference every generation). */
  readonly realRadii?: Float64Array;
  /** Progress of the whole computation, 0..1, with what is being done. */
  readonly onProgress?: (fraction: number, detail: string) => void;
}

const mean = (flags: Uint8Array) => flags.reduce((s, f) => s + f, 0) / flags.length;

/** Both sets on one basis, when the search may prune. */
const projectBoth = (real: PointSet, generated: PointSet, search: NeighbourSearch) =>
  triesPruning(search, real.dim, Math.min(real.count, generated.count)) ? projectPair(real, generated) : undefined;

/**
 * Improved precision and recall (Kynkaanniemi et al., NeurIPS 2019): precision is the fraction of
 * generated samples inside the k-NN ball of some real sample, recall the fraction of real samples
 * inside the k-NN ball of some generated sample (closed balls, as in the authors' code).
 */
export async function improvedPrecisionRecall(real: PointSet, generated: PointSet, k: number, options: NeighbourOptions = {}): Promise<{ precision: number; recall: number }> {
  const progress = options.onProgress ?? (() => {});
  const search = options.search ?? 'auto';
  const projected = projectBoth(real, generated, search);
  const knn = (points: PointSet, own: ProjectedPoints | undefined, from: number, what: string) =>
    kNearestSquaredRadii(points, k, { block: options.knnBlock, prunedRows: options.crossRows, search, projected: own, onProgress: (f) => progress((from + f) / 3, `${k}-NN radii of ${points.count} ${what} samples`) });
  const realRadii = options.realRadii ?? (await knn(real, projected?.real, 0, 'real'));
  const generatedRadii = await knn(generated, projected?.generated, 1, 'generated');
  const m = await manifoldMatches(real, generated, realRadii, generatedRadii, { rows: options.crossRows, search, projected, onProgress: (f) => progress((2 + f) / 3, 'generated-to-real distances') });
  return { precision: mean(m.generatedInRealBall), recall: mean(m.realInGeneratedBall) };
}

/**
 * Density and coverage (Naeem et al., ICML 2020, eq. 3-4, open balls as in their prdc code):
 * density = (1 / kM) sum_j sum_i [y_j in B(x_i, NND_k(x_i))], coverage = (1 / N) sum_i [exists j: y_j in B(x_i, NND_k(x_i))].
 */
export async function densityCoverage(real: PointSet, generated: PointSet, k: number, options: NeighbourOptions = {}): Promise<{ density: number; coverage: number }> {
  const progress = options.onProgress ?? (() => {});
  const search = options.search ?? 'auto';
  const projected = projectBoth(real, generated, search);
  const realRadii =
    options.realRadii ??
    (await kNearestSquaredRadii(real, k, { block: options.knnBlock, prunedRows: options.crossRows, search, projected: projected?.real, onProgress: (f) => progress(f / 2, `${k}-NN radii of ${real.count} real samples`) }));
  const m = await manifoldMatches(real, generated, realRadii, null, { rows: options.crossRows, search, projected, onProgress: (f) => progress((1 + f) / 2, 'generated-to-real distances') });
  return densityCoverageOf(m, k);
}

function densityCoverageOf(m: ManifoldMatches, k: number): { density: number; coverage: number } {
  let around = 0;
  for (const count of m.realBallsAroundGenerated) around += count;
  return { density: around / (k * m.realBallsAroundGenerated.length), coverage: mean(m.realCovered) };
}
