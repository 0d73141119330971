import type { SampleArray } from './sample-store.ts';

/** What `batchesOf` needs of a sample source. */
interface Readable {
  readonly count: number;
  read(start: number, end: number): Promise<SampleArray>;
  gather(indices: Uint32Array): Promise<SampleArray>;
}

/** Consecutive batches of at most `batchSize` samples, in `order` (positions) when given. */
export async function* batchesOf(source: Readable, batchSize: number, order?: Uint32Array): AsyncIterable<SampleArray> {
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`batches: batchSize = ${batchSize}; expected a positive integer`);
  const count = order ? order.length : source.count;
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    yield order ? await source.gather(order.subarray(start, end)) : await source.read(start, end);
  }
}
