import type { ComposeInput } from '../contracts/schedule.ts';
import type { Rng } from '../rng/rng.ts';
import type { SampleStore } from '../store/sample-store.ts';
import { TrainingSet, type TrainingSegment } from '../store/training-set.ts';

/** round(lambda * |D|): the synthetic share of the paper's mixed training set. */
export function syntheticCount(lambda: number, realCount: number): number {
  return Math.round(lambda * realCount);
}

/** `count` samples of generation `generation`'s store, drawn without replacement with `rng`. */
export function drawSynthetic(store: SampleStore, generation: number, count: number, rng: Rng): TrainingSegment {
  if (count > store.count) {
    throw new Error(`${store.dir}: generation ${generation} has ${store.count} samples, but the schedule needs ${count}`);
  }
  return { name: `gen-${generation}`, store, indices: rng.choose(store.count, count) };
}

/** The newest generation's samples, which every schedule but `accumulate` draws from. */
export function newest(synthetic: readonly SampleStore[], generation: number): SampleStore {
  const store = synthetic[generation - 1];
  if (!store) throw new Error(`generation ${generation} needs the samples of generation ${generation - 1}, which are missing`);
  return store;
}

/** The paper's mixed set: a real part plus round(lambda*|D|) samples of model t-1 without replacement. */
export function mixWithNewest(realPart: TrainingSegment, lambda: number, { generation, real, synthetic, rng }: ComposeInput): TrainingSet {
  const segments = [realPart];
  const count = syntheticCount(lambda, real.count);
  if (count > 0) segments.push(drawSynthetic(newest(synthetic, generation), generation - 1, count, rng));
  return new TrainingSet(segments);
}

/**
 * The first `count` samples of each generation k < `generation` (they are i.i.d., so the first
 * `count` are a uniform subset, and the data a generation added stays the same in every later set).
 */
export function everyEarlierGeneration(scheduleId: string, generation: number, synthetic: readonly SampleStore[], count: number): TrainingSegment[] {
  const segments: TrainingSegment[] = [];
  for (let k = 0; k < generation && count > 0; k++) {
    const store = synthetic[k];
    if (!store) throw new Error(`${scheduleId}: generation ${generation} needs the samples of generation ${k}, which are missing`);
    if (store.count < count) throw new Error(`${store.dir}: generation ${k} has ${store.count} samples, but ${scheduleId} needs ${count}`);
    segments.push({ name: `gen-${k}`, store, indices: firstRows(count) });
  }
  return segments;
}

function firstRows(count: number): Uint32Array {
  const rows = new Uint32Array(count);
  for (let i = 0; i < count; i++) rows[i] = i;
  return rows;
}
