import { z } from 'zod';
import type { ModelPlugin } from '@ouroboros/core';
import { restored, trainingOptionsShape } from '@ouroboros/nn';
import { VaeModel, type VaeSettings } from './vae-model.ts';

export const vaeOptions = z.strictObject({
  ...trainingOptionsShape,
  latent: z.int().positive().default(8).describe('Latent dimensions.'),
  hidden: z.int().positive().default(128).describe("Width of the encoder's and decoder's hidden layers (vectors)."),
  layers: z.int().positive().default(2).describe('Hidden layers of the encoder and of the decoder (vectors).'),
  channels: z.int().positive().default(32).describe('Channels of the first convolution (images), doubled at every downsampling.'),
  downsample: z.int().min(0).default(2).describe('Stride-2 downsamplings of the conv encoder (images); 2^downsample must divide the height and width.'),
  elboSamples: z.int().positive().default(4).describe('Reparametrised draws averaged in the ELBO that logLikelihood (the nll metric) reports.'),
});
export type VaeOptions = z.infer<typeof vaeOptions>;

function split({ latent, hidden, layers, channels, downsample, elboSamples, ...training }: VaeOptions) {
  const settings: VaeSettings = { latent, hidden, layers, channels, downsample, elboSamples };
  return { settings, training };
}

/** The `vae` model: MLP or conv VAE trained on the ELBO, which is its likelihood bound. */
export const vaeModelPlugin: ModelPlugin<VaeOptions> = {
  id: 'vae',
  description: 'variational auto-encoder (MLP for vectors, conv for images) trained on the ELBO, its likelihood bound (Kingma and Welling 2014)',
  options: vaeOptions,
  create: (options, env) => {
    const { settings, training } = split(options);
    return new VaeModel(env.data, settings, training, env.rng);
  },
  load: (dir, options, env) => {
    const { settings, training } = split(options);
    return restored(new VaeModel(env.data, settings, training, env.rng), dir);
  },
};
