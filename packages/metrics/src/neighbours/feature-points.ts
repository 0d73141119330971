import { ConfigError, type MetricInput, type MetricPlan, type RunContext } from '@ouroboros/core';
import { readSamples } from '../subsample.ts';
import { kNearestSquaredRadii } from './knn-radii.ts';
import type { NeighbourSearch } from './neighbour-search.ts';
import { pointSet, type PointSet } from './point-set.ts';

/** The fewest samples each set needs: k + 1 for a set whose k-NN radii are used, 1 otherwise. */
export interface NeighbourMinimum {
  readonly k: number;
  readonly generatedRadii: boolean;
}

/** The first set short of samples for k neighbours (after subsampling to `maxSamples`), or null. */
function shortSet(counts: { real: number; generated: number }, { k, generatedRadii }: NeighbourMinimum, maxSamples: number): string | null {
  for (const [name, count, needed] of [['real', counts.real, k + 1], ['generated', counts.generated, generatedRadii ? k + 1 : 1]] as const) {
    const used = Math.min(count, maxSamples);
    if (used < needed) return `k = ${k} needs at least ${needed} ${name} samples, got ${used}`;
  }
  return null;
}

/** Metric.check: a ConfigError before the run starts when a set will be too small. */
export function checkNeighbourPlan(plan: MetricPlan, minimum: NeighbourMinimum, maxSamples: number): void {
  const problem = shortSet({ real: plan.referenceCount, generated: plan.generatedCount }, minimum, maxSamples);
  if (problem) throw new ConfigError(problem.replace('real samples', `reference (${plan.referenceSplit}) samples`));
}

/**
 * Both sets' features as point sets, each subsampled to at most `maxSamples` with the run's rng,
 * after checking there are enough of each; `realKey` names the reference store when it is used whole.
 */
export async function featurePoints(input: MetricInput, metric: string, minimum: NeighbourMinimum, maxSamples: number, ctx: RunContext): Promise<{ real: PointSet; generated: PointSet; realKey: string | null }> {
  const features = await input.features();
  const d = features.reference.dim;
  if (features.generated.dim !== d) throw new RangeError(`${metric}: generated features have ${features.generated.dim} values each; expected ${d} like the reference ones`);
  const problem = shortSet({ real: features.reference.store.count, generated: features.generated.store.count }, minimum, maxSamples);
  if (problem) throw new RangeError(`${metric}: ${problem}`);
  const real = await readSamples(features.reference.store, maxSamples, ctx.rng.fork(metric, 'real'));
  const generated = await readSamples(features.generated.store, maxSamples, ctx.rng.fork(metric, 'generated'));
  const store = features.reference.store;
  return { real: pointSet(real.values, d), generated: pointSet(generated.values, d), realKey: real.whole ? `${store.dir}#${store.count}` : null };
}

/**
 * The reference set's k-NN radii, kept while the reference is the same whole store: the real side
 * of every generation's comparison is the same, so its k-NN pass runs once per run and process.
 */
export class ReferenceRadii {
  private last: { key: string; radii: Float64Array } | null = null;

  constructor(
    private readonly k: number,
    private readonly search: NeighbourSearch,
  ) {}

  async of(points: PointSet, key: string | null, onProgress: (fraction: number) => void): Promise<Float64Array> {
    if (key !== null && this.last?.key === key) return this.last.radii;
    const radii = await kNearestSquaredRadii(points, this.k, { search: this.search, onProgress });
    this.last = key === null ? null : { key, radii };
    return radii;
  }
}
