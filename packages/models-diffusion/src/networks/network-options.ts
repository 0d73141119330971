import { z } from 'zod';
import type { DataInfo, Rng } from '@ouroboros/core';
import type { DenoiserNetwork } from './denoiser-network.ts';
import { MlpDenoiser } from './mlp-denoiser.ts';
import { UNet } from './unet.ts';

export const mlpOptions = z.strictObject({
  /** Width of every hidden layer. */
  hidden: z.int().positive().default(256),
  /** Hidden layers (SiLU after each). */
  layers: z.int().positive().default(3),
  /** Sinusoidal embedding features of the noise level / time. */
  timeEmbedding: z.int().min(2).default(64),
});

export const unetOptions = z.strictObject({
  /** Base channels ch (128 in DDPM's CIFAR-10 net). */
  channels: z.int().positive().default(64),
  /** Channel multiplier per resolution level; the image halves between levels ([1, 2, 2, 2] for CIFAR-10). */
  channelMult: z.array(z.int().positive()).min(1).default([1, 2, 2]),
  /** Res blocks per level (2 in DDPM). */
  resBlocks: z.int().positive().default(2),
  /** Feature-map heights with self-attention after their res blocks ([16] in DDPM at 32x32). */
  attentionResolutions: z.array(z.int().positive()).default([16]),
  /** Dropout in every res block while training (0.1 in DDPM's CIFAR-10 net). */
  dropout: z.number().min(0).lt(1).default(0.1),
  /** GroupNorm groups; must divide every block's channels (32 in DDPM). */
  groups: z.int().positive().default(32),
  /** Self-attention heads. */
  heads: z.int().positive().default(1),
  /** `ddpm`: Ho et al.'s skips from every block; `compact`: one skip per level (the benchmark's network). */
  layout: z.enum(['ddpm', 'compact']).default('ddpm'),
});

export const networkOptionsShape = {
  /** The denoiser: `mlp` (vectors; any data, flattened), `unet` (images), `auto`: mlp for vectors, unet for images. */
  network: z.enum(['auto', 'mlp', 'unet']).default('auto'),
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
