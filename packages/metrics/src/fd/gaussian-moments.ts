import { gaussianMoments, MomentAccumulator, sampleSize, type GaussianMoments, type Rng, type SampleStore } from '@ouroboros/core';
import { subsampleIndices } from '../subsample.ts';

const BATCH = 4096;

/**
 * Streams `store` (or a random subset of at most `maxSamples`) into its mean and covariance with
 * `ddof` 1 (unbiased, as numpy's np.cov in pytorch-fid) or 0 (maximum likelihood).
 */
export async function storeMoments(store: SampleStore, rng: Rng, maxSamples?: number, ddof: 0 | 1 = 1): Promise<GaussianMoments> {
  const moments = new MomentAccumulator(sampleSize(store));
  const order = subsampleIndices(store.count, maxSamples, rng);
  for await (const batch of store.batches(BATCH, order)) moments.add(batch);
  return gaussianMoments(moments, ddof);
}
