import { sampleSize, stopPoint, type GaussianMoments, type Rng, type SampleStore } from '@ouroboros/core';
import { subsampleIndices } from '../subsample.ts';
import { BlockMomentAccumulator } from './block-moments.ts';

const READ_BATCH = 4096;

/**
 * Mean and unbiased covariance of the rows of a float32 `store`, or of a random subset of at most
 * `maxSamples` drawn with `rng`, streamed through a BlockMomentAccumulator whose scatter is float64
 * (exact) or float32 matMul blocks. An aborted `signal` stops it between batches.
 */
export async function storeMoments(store: SampleStore, rng: Rng, maxSamples: number | undefined, covariance: 'float64' | 'float32-blocks', signal?: AbortSignal): Promise<GaussianMoments> {
  const acc = new BlockMomentAccumulator(sampleSize(store), covariance === 'float64' ? 'float64' : 'float32');
  const stop = signal ? stopPoint(signal) : async () => {};
  for await (const batch of store.batches(READ_BATCH, subsampleIndices(store.count, maxSamples, rng))) {
    acc.add(batch);
    await stop();
  }
  return acc.moments(1);
}
