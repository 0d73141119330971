import { z } from 'zod';
import type { ModelPlugin } from '@ouroboros/core';
import { trainedModelOptions, trainedModelPlugin } from '@ouroboros/nn';
import { VAE_SAMPLE_BATCH, VaeModel, type VaeSettings } from './vae-model.ts';

export const vaeOptions = trainedModelOptions(VAE_SAMPLE_BATCH, {
  latent: z.int().positive().default(8).describe('Latent dimensions.'),
  hidden: z.int().positive().default(128).describe("Width of the encoder's and decoder's hidden layers (vectors)."),
  layers: z.int().positive().default(2).describe('Hidden layers of the encoder and of the decoder (vectors).'),
  channels: z.int().positive().default(32).describe('Channels of the first convolution (images), doubled at every downsampling.'),
  downsample: z.int().min(0).default(2).describe('Stride-2 downsamplings of the conv encoder (images); 2^downsample must divide the height and width.'),
  elboSamples: z.int().positive().default(4).describe('Reparametrised draws averaged in the ELBO that logLikelihood (the nll metric) reports.'),
});
export type VaeOptions = z.infer<typeof vaeOptions>;

function settings({ latent, hidden, layers, channels, downsample, elboSamples, sampleBatch }: VaeOptions): VaeSettings {
  return { latent, hidden, layers, channels, downsample, elboSamples, sampleBatch };
}

/** The `vae` model: MLP or conv VAE trained on the ELBO, which is its likelihood bound. */
export const vaeModelPlugin: ModelPlugin<VaeOptions> = trainedModelPlugin({
  id: 'vae',
  description: 'variational auto-encoder (MLP for vectors, conv for images) trained on the ELBO, its likelihood bound (Kingma and Welling 2014)',
  options: vaeOptions,
  build: (options, training, env) => new VaeModel(env.data, settings(options), training, env.rng),
});
