import type { DataInfo, Dataset, DataSplit, Rng, SampleChunk } from '@ouroboros/core';
import { CHUNK_SAMPLES } from '../sampled-dataset.ts';
import type { ImageRows } from './image-rows.ts';
import { limitOf, relabel, subsetRows, type Subset } from './image-subset.ts';

/**
 * A dataset of fixed images: split `s` is `rowsOf(s)` narrowed by `subset` (kept classes, then a
 * `limit` drawn from `rng.fork('limit')`), yielded in file order in chunks of CHUNK_SAMPLES images.
 * No fresh draws: the images on disk are all there is.
 */
export function imageDataset(info: DataInfo, rowsOf: (split: DataSplit) => ImageRows | Promise<ImageRows>, subset: Subset): Dataset {
  return {
    info,
    split: (split: DataSplit, rng: Rng) => subsetChunks(() => rowsOf(split), subset, limitOf(subset, split), rng.fork('limit')),
  };
}

async function* subsetChunks(rowsOf: () => ImageRows | Promise<ImageRows>, subset: Subset, limit: number | undefined, rng: Rng): AsyncGenerator<SampleChunk> {
  const rows = await rowsOf();
  const picked = subsetRows(rows.count, rows.labels, subset.keep, limit, rng);
  for (let start = 0; start < picked.length; start += CHUNK_SAMPLES) {
    const indices = picked.subarray(start, start + CHUNK_SAMPLES);
    const values = await rows.gather(indices);
    const labels = rows.labels;
    yield labels ? { values, labels: relabel(Int32Array.from(indices, (i) => labels[i]!), subset.keep) } : { values };
  }
}
