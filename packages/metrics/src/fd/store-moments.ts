import { MomentAccumulator, gaussianMoments, sampleSize, type GaussianMoments, type Rng, type SampleStore } from '@ouroboros/core';
import { subsampleIndices } from '../subsample.ts';
import { BlockMomentAccumulator } from './block-moments.ts';

const READ_BATCH = 4096;

/**
 * Mean and unbiased covariance of the rows of a float32 `store`, or of a random subset of at most
 * `maxSamples` drawn with `rng`, streamed in float64 (core's MomentAccumulator) or through float32
 * matMul blocks (BlockMomentAccumulator).
 */
export async function storeMoments(store: SampleStore, rng: Rng, maxSamples: number | undefined, covariance: 'float64' | 'float32-blocks'): Promise<GaussianMoments> {
  const d = sampleSize(store);
  const order = subsampleIndices(store.count, maxSamples, rng);
  if (covariance === 'float32-blocks') {
    const acc = new BlockMomentAccumulator(d);
    for await (const batch of store.batches(READ_BATCH, order)) acc.add(batch);
    return acc.moments(1);
  }
  const acc = new MomentAccumulator(d);
  for await (const batch of store.batches(READ_BATCH, order)) acc.add(batch);
  return gaussianMoments(acc, 1);
}
