import { z } from 'zod';
import type { DataInfo, Rng } from '@ouroboros/core';
import type { DenoiserNetwork } from './denoiser-network.ts';
import { MlpDenoiser } from './mlp-denoiser.ts';
import { UNet } from './unet.ts';

export const mlpOptions = z.strictObject({
  hidden: z.int().positive().default(256).describe('Width of every hidden layer.'),
  layers: z.int().positive().default(3).describe('Hidden layers (SiLU after each).'),
  timeEmbedding: z.int().min(2).default(64).describe('Sinusoidal embedding features of the noise level / time.'),
});

export const unetOptions = z.strictObject({
  channels: z.int().positive().default(64).describe("Base channels ch (128 in DDPM's CIFAR-10 net)."),
  channelMult: z.array(z.int().positive()).min(1).default([1, 2, 2]).describe('Channel multiplier per resolution level; the image halves between levels ([1, 2, 2, 2] for CIFAR-10).'),
  resBlocks: z.int().positive().default(2).describe('Res blocks per level (2 in DDPM).'),
  attentionResolutions: z.array(z.int().positive()).default([16]).describe('Feature-map heights with self-attention after their res blocks ([16] in DDPM at 32x32).'),
  dropout: z.number().min(0).lt(1).default(0.1).describe("Dropout in every res block while training (0.1 in DDPM's CIFAR-10 net)."),
  groups: z.int().positive().default(32).describe("GroupNorm groups; must divide every block's channels (32 in DDPM)."),
  heads: z.int().positive().default(1).describe('Self-attention heads.'),
  layout: z.enum(['ddpm', 'compact']).default('ddpm').describe("`ddpm`: Ho et al.'s skips from every block; `compact`: one skip per level (the benchmark's network)."),
});

export const networkOptionsShape = {
  network: z.enum(['auto', 'mlp', 'unet']).default('auto').describe('The denoiser: `mlp` (vectors; any data, flattened), `unet` (images), `auto`: mlp for vectors, unet for images.'),
  /** Options of the MLP denoiser. */
  mlp: mlpOptions.prefault({}),
  /** Options of the U-Net denoiser. */
  unet: unetOptions.prefault({}),
};

export type NetworkOptions = { network: 'auto' | 'mlp' | 'unet'; mlp: z.output<typeof mlpOptions>; unet: z.output<typeof unetOptions> };

/** The network the options choose for this data, with `classes` real classes (0: unconditional). */
export function buildNetwork(options: NetworkOptions, data: DataInfo, classes: number, rng: Rng): DenoiserNetwork {
  const network = options.network === 'auto' ? (data.kind === 'image' ? 'unet' : 'mlp') : options.network;
  if (network === 'mlp') return new MlpDenoiser(data.sampleShape, classes, options.mlp, rng.fork('mlp'));
  if (data.kind !== 'image') throw new RangeError(`network: unet needs image data; this dataset has ${data.kind} samples of shape [${data.sampleShape.join(', ')}] (use network: mlp)`);
  return new UNet(data.sampleShape, classes, options.unet, rng.fork('unet'));
}
