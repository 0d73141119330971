import { z } from 'zod';
import type { FeatureExtractorPlugin } from '../contracts/feature-extractor.ts';
import { sampleSize } from '../store/sample-store.ts';

/** `pixels`: raw pixel values scaled to [0, 1] (uint8 / 255) and flattened; a cheap model-free baseline. */
export const pixelFeaturesPlugin: FeatureExtractorPlugin<Record<string, never>> = {
  id: 'pixels',
  description: 'raw pixels scaled to [0, 1] and flattened, a cheap model-free baseline (default for images)',
  options: z.strictObject({}),
  create: (_options, env) => ({
    dim: sampleSize(env.data),
    batchSize: 1024,
    async extract(samples) {
      if (samples instanceof Float32Array) return samples;
      const out = new Float32Array(samples.length);
      for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 255;
      return out;
    },
  }),
};
