import { kNearestSquaredRadii } from './knn-radii.ts';
import { manifoldMatches, type ManifoldMatches } from './manifold-matches.ts';
import type { PointSet } from './point-set.ts';

export interface NeighbourOptions {
  /** Points a side of the square blocks of the k-NN passes (default: 4M distances a block). */
  readonly knnBlock?: number;
  /** Generated rows per block of the generated-to-real pass (default: 4M distances a block). */
  readonly crossRows?: number;
  /** The real set's k-NN squared radii when already known (the same reference every generation). */
  readonly realRadii?: Float32Array;
  /** Progress of the whole computation, 0..1, with what is being done. */
  readonly onProgress?: (fraction: number, detail: string) => void;
}

const mean = (flags: Uint8Array) => flags.reduce((s, f) => s + f, 0) / flags.length;

/**
 * Improved precision and recall (Kynkaanniemi et al., NeurIPS 2019): precision is the fraction of
 * generated samples inside the k-NN ball of some real sample, recall the fraction of real samples
 * inside the k-NN ball of some generated sample (closed balls, as in the authors' code).
 */
export async function improvedPrecisionRecall(real: PointSet, generated: PointSet, k: number, options: NeighbourOptions = {}): Promise<{ precision: number; recall: number }> {
  const progress = options.onProgress ?? (() => {});
  const realRadii = options.realRadii ?? (await kNearestSquaredRadii(real, k, options.knnBlock, (f) => progress(f / 3, `${k}-NN radii of ${real.count} real samples`)));
  const generatedRadii = await kNearestSquaredRadii(generated, k, options.knnBlock, (f) => progress((1 + f) / 3, `${k}-NN radii of ${generated.count} generated samples`));
  const m = await manifoldMatches(real, generated, realRadii, generatedRadii, options.crossRows, (f) => progress((2 + f) / 3, 'generated-to-real distances'));
  return { precision: mean(m.generatedInRealBall), recall: mean(m.realInGeneratedBall) };
}

/**
 * Density and coverage (Naeem et al., ICML 2020, eq. 3-4, open balls as in their prdc code):
 * density = (1 / kM) sum_j sum_i [y_j in B(x_i, NND_k(x_i))], coverage = (1 / N) sum_i [exists j: y_j in B(x_i, NND_k(x_i))].
 */
export async function densityCoverage(real: PointSet, generated: PointSet, k: number, options: NeighbourOptions = {}): Promise<{ density: number; coverage: number }> {
  const progress = options.onProgress ?? (() => {});
  const realRadii = options.realRadii ?? (await kNearestSquaredRadii(real, k, options.knnBlock, (f) => progress(f / 2, `${k}-NN radii of ${real.count} real samples`)));
  const m = await manifoldMatches(real, generated, realRadii, null, options.crossRows, (f) => progress((1 + f) / 2, 'generated-to-real distances'));
  return densityCoverageOf(m, realRadii, k);
}

function densityCoverageOf(m: ManifoldMatches, realRadii: Float32Array, k: number): { density: number; coverage: number } {
  let around = 0;
  for (const count of m.realBallsAroundGenerated) around += count;
  let covered = 0;
  for (let i = 0; i < realRadii.length; i++) if (m.nearestGenerated[i]! < realRadii[i]!) covered++;
  return { density: around / (k * m.realBallsAroundGenerated.length), coverage: covered / realRadii.length };
}
