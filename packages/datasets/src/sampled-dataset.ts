import type { DataInfo, Dataset, DataSplit, Rng, SampleChunk } from '@ouroboros/core';
import type { SplitCounts } from './split-counts.ts';

/** Samples per chunk yielded by `split` and `fresh` (the last chunk may hold fewer). */
export const CHUNK_SAMPLES = 8192;

/** Writes one sample's values into `out` from `offset` on, drawing only from `rng`. */
export type SampleWriter = (rng: Rng, out: Float32Array, offset: number) => void;

/**
 * A vector dataset whose every sample is a fresh draw from a known distribution.
 *
 * Split `s` is the first `count(s)` draws of `rng.fork(s)` and `fresh(n, rng)` the first `n` draws of
 * `rng.fork('fresh')`. Forking here keeps train and test independent even when a caller hands both
 * the same rng, and leaves the caller's rng unadvanced: the same rng always gives the same samples,
 * so a caller wanting new draws passes a new fork (the engine forks per split and per generation).
 */
export function sampledDataset(dim: number, counts: SplitCounts, writeSample: SampleWriter): Dataset {
  const info: DataInfo = {
    kind: 'vector',
    dtype: 'float32',
    sampleShape: [dim],
    trainCount: counts.train,
    testCount: counts.test,
  };
  return {
    info,
    split: (split: DataSplit, rng: Rng) => drawChunks(splitCount(counts, split), dim, rng.fork(split), writeSample),
    fresh: (n: number, rng: Rng) => {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`fresh: n must be a non-negative integer, got ${n}`);
      return drawChunks(n, dim, rng.fork('fresh'), writeSample);
    },
  };
}

function splitCount(counts: SplitCounts, split: DataSplit): number {
  return split === 'train' ? counts.train : counts.test;
}

async function* drawChunks(count: number, dim: number, rng: Rng, writeSample: SampleWriter): AsyncGenerator<SampleChunk> {
  for (let start = 0; start < count; start += CHUNK_SAMPLES) {
    const samples = Math.min(CHUNK_SAMPLES, count - start);
    const chunk = new Float32Array(samples * dim);
    for (let i = 0; i < samples; i++) writeSample(rng, chunk, i * dim);
    yield { values: chunk };
  }
}
