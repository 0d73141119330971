import type { MetricInput, RunContext } from '@ouroboros/core';
import { readSamples } from '../subsample.ts';
import { kNearestSquaredRadii } from './knn-radii.ts';
import { pointSet, type PointSet } from './point-set.ts';

/**
 * Both sets' features as point sets, each subsampled to at most `maxSamples` with the run's rng,
 * after checking there are more than k of each; `realKey` names the reference store when it is used whole.
 */
export async function featurePoints(input: MetricInput, metric: string, k: number, maxSamples: number, ctx: RunContext): Promise<{ real: PointSet; generated: PointSet; realKey: string | null }> {
  const features = await input.features();
  const d = features.reference.dim;
  if (features.generated.dim !== d) throw new RangeError(`${metric}: generated features have ${features.generated.dim} values each; expected ${d} like the reference ones`);
  for (const [name, store] of [['real', features.reference.store], ['generated', features.generated.store]] as const) {
    if (Math.min(store.count, maxSamples) <= k) throw new RangeError(`${metric}: k = ${k} needs at least ${k + 1} ${name} samples, got ${Math.min(store.count, maxSamples)}`);
  }
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
  private last: { key: string; radii: Float32Array } | null = null;

  constructor(private readonly k: number) {}

  async of(points: PointSet, key: string | null, onProgress: (fraction: number) => void): Promise<Float32Array> {
    if (key !== null && this.last?.key === key) return this.last.radii;
    const radii = await kNearestSquaredRadii(points, this.k, undefined, onProgress);
    this.last = key === null ? null : { key, radii };
    return radii;
  }
}
