import { allocate, sampleSize, type DataInfo, type Dataset, type DataSplit, type Rng, type SampleArray, type SampleChunk } from '@ouroboros/core';
import type { SplitCounts } from './split-counts.ts';

/** Samples per chunk yielded by `split` and `fresh` (the last chunk may hold fewer). */
export const CHUNK_SAMPLES = 8192;

/**
 * Writes one sample's values into `out` from `offset` on, drawing only from `rng`; returns the
 * sample's label when the data are labelled.
 */
export type SampleWriter<A extends SampleArray = Float32Array> = (rng: Rng, out: A, offset: number) => number | void;

/** How drawn samples are stored: everything of DataInfo but the counts. */
export type DrawnLayout = Omit<DataInfo, 'trainCount' | 'testCount'>;

/**
 * A dataset whose every sample is a fresh draw from a known distribution.
 *
 * Split `s` is the first `count(s)` draws of `rng.fork(s)` and `fresh(n, rng)` the first `n` draws of
 * `rng.fork('fresh')`. Forking here keeps train and test independent even when a caller hands both
 * the same rng, and leaves the caller's rng unadvanced: the same rng always gives the same samples,
 * so a caller wanting new draws passes a new fork (the engine forks per split and per generation).
 */
export function drawnDataset<A extends SampleArray>(layout: DrawnLayout, counts: SplitCounts, writeSample: SampleWriter<A>): Dataset {
  const info: DataInfo = { ...layout, trainCount: counts.train, testCount: counts.test };
  return {
    info,
    split: (split: DataSplit, rng: Rng) => drawChunks(splitCount(counts, split), info, rng.fork(split), writeSample),
    fresh: (n: number, rng: Rng) => {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`fresh: n must be a non-negative integer, got ${n}`);
      return drawChunks(n, info, rng.fork('fresh'), writeSample);
    },
  };
}

/** A float32 vector dataset in R^dim (see `drawnDataset`). */
export function sampledDataset(dim: number, counts: SplitCounts, writeSample: SampleWriter): Dataset {
  return drawnDataset({ kind: 'vector', dtype: 'float32', sampleShape: [dim] }, counts, writeSample);
}

function splitCount(counts: SplitCounts, split: DataSplit): number {
  return split === 'train' ? counts.train : counts.test;
}

async function* drawChunks<A extends SampleArray>(count: number, info: DataInfo, rng: Rng, writeSample: SampleWriter<A>): AsyncGenerator<SampleChunk> {
  const size = sampleSize(info);
  for (let start = 0; start < count; start += CHUNK_SAMPLES) {
    const samples = Math.min(CHUNK_SAMPLES, count - start);
    const chunk = allocate(info.dtype, samples * size) as A;
    const labels = info.classes ? new Int32Array(samples) : undefined;
    for (let i = 0; i < samples; i++) {
      const label = writeSample(rng, chunk, i * size);
      if (labels) labels[i] = label ?? -1;
    }
    yield labels ? { values: chunk, labels } : { values: chunk };
  }
}
