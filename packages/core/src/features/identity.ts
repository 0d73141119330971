import { z } from 'zod';
import type { FeatureExtractorPlugin } from '../contracts/feature-extractor.ts';
import { sampleSize } from '../store/sample-store.ts';

/** `identity`: the samples themselves, flattened (the default for vector data). */
export const identityFeaturesPlugin: FeatureExtractorPlugin<Record<string, never>> = {
  id: 'identity',
  description: 'the samples themselves as feature vectors (default for vector data)',
  options: z.strictObject({}),
  create: (_options, env) => ({
    dim: sampleSize(env.data),
    batchSize: 4096,
    passThrough: true,
    extract: async (samples) => (samples instanceof Float32Array ? samples : Float32Array.from(samples)),
  }),
};
