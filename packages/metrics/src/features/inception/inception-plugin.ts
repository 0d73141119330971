import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { pathOption, type FeatureExtractor, type FeatureExtractorPlugin } from '@ouroboros/core';
import { INCEPTION_DIM, INCEPTION_SIZE } from './inception-architecture.ts';
import { inceptionInput } from './inception-input.ts';
import { FidInceptionV3 } from './inception-v3.ts';
import { inceptionWeights } from './inception-weights.ts';

export const inceptionOptions = z.strictObject({
  /**
   * pytorch-fid's FID weights (pt_inception-2015-12-05-6726825d.pth, read directly; either torch.save
   * format), or a safetensors file with the same tensor names. Read once per process, on first use.
   */
  weights: pathOption(),
  batchSize: z.int().positive().default(16).describe('Images per forward pass: about 40 MB of activations each at 299 x 299.'),
});
export type InceptionOptions = z.infer<typeof inceptionOptions>;

/**
 * `inception-v3`: the 2048-d pool3 features of pytorch-fid's FID Inception-V3 (TensorFlow's 2015
 * Inception graph ported to PyTorch), so that `fd` on them is the FID published papers report.
 * Images are scaled to [0, 1], resized to 299 x 299 bilinearly (align_corners=False) and mapped to [-1, 1].
 */
export const inceptionFeaturesPlugin: FeatureExtractorPlugin<InceptionOptions> = {
  id: 'inception-v3',
  description: "pool3 features (2048-d) of pytorch-fid's FID Inception-V3, from a local weights file: fd on them is the standard FID",
  options: inceptionOptions,
  create: ({ weights, batchSize }, { data }): FeatureExtractor => {
    if (data.kind !== 'image' || data.dtype !== 'uint8') {
      throw new Error(`inception-v3: needs uint8 images, got ${data.kind} samples of ${data.dtype} [${data.sampleShape.join(', ')}]; use the identity or pixels features`);
    }
    let network: FidInceptionV3 | null = null;
    const ready = () => (network ??= new FidInceptionV3(inceptionWeights(weights)));
    return {
      dim: INCEPTION_DIM,
      batchSize,
      async prepare() {
        ready();
      },
      async extract(samples, count) {
        const net = ready();
        const perImage = samples.length / count;
        const out = new Float32Array(count * INCEPTION_DIM);
        for (let start = 0; start < count; start += batchSize) {
          const n = Math.min(batchSize, count - start);
          const input = inceptionInput(samples.subarray(start * perImage, (start + n) * perImage) as Uint8Array, n, data.sampleShape);
          const features = tf.tidy(() => net.features(tf.tensor4d(input, [n, INCEPTION_SIZE, INCEPTION_SIZE, 3])));
          out.set(features.dataSync(), start * INCEPTION_DIM);
          features.dispose();
        }
        return out;
      },
      dispose() {
        network?.dispose();
        network = null;
      },
    };
  },
};
