import { z } from 'zod';
import { ConfigError, type DataInfo, type ModelPlugin } from '@ouroboros/core';
import { trainedModelOptions, trainedModelPlugin } from '@ouroboros/nn';
import { flowOptionsShape, flowRenamedOptions, flowSampling } from '../flow-options.ts';
import type { GlowArchitecture } from './glow-flow.ts';
import { GlowModel } from './glow-model.ts';

export const glowOptions = trainedModelOptions(256, {
  ...flowOptionsShape,
  levels: z.int().min(1).default(3).describe('Scales of the multi-scale architecture; each squeezes (halves height and width), so both must be divisible by 2^levels.'),
  stepsPerLevel: z.int().min(1).default(8).describe('Flow steps (actnorm, invertible 1x1 convolution, affine coupling) per level; formerly `steps`.'),
  hidden: z.int().min(1).default(64).describe("Channels of the hidden layers of each coupling's conv net."),
  batchSize: z.int().positive().default(64).describe("Samples per step when the config's `train.batchSize` does not say."),
});
export type GlowOptions = z.infer<typeof glowOptions>;

/** The network options of `options` for `data`; throws a one-line error naming the option that does not fit. */
export function glowArchitecture(options: GlowOptions, data: DataInfo): GlowArchitecture {
  const shape = data.sampleShape;
  if (data.kind !== 'image' || shape.length !== 3) {
    throw new ConfigError(`model: glow needs image data (height x width x channels); the dataset's samples have shape [${shape.join(', ')}]; use realnvp for vectors`);
  }
  const [height, width, channels] = shape as [number, number, number];
  const { levels, stepsPerLevel: steps, hidden } = options;
  const factor = 2 ** levels;
  if (height % factor !== 0 || width % factor !== 0) {
    throw new ConfigError(`model.levels = ${levels}: each level squeezes the image to half its height and width, so they must be divisible by 2^${levels} = ${factor}; the dataset's images are ${height}x${width}`);
  }
  return { height, width, channels, levels, steps, hidden };
}

/** `glow`: a Glow-style multi-scale flow (Kingma & Dhariwal 2018) for images, exact likelihood. */
export const glowModelPlugin: ModelPlugin<GlowOptions> = trainedModelPlugin({
  id: 'glow',
  description: 'Glow multi-scale normalizing flow (actnorm, invertible 1x1 conv, affine coupling, learned split priors) for images, exact likelihood',
  options: glowOptions,
  renamedOptions: { ...flowRenamedOptions, steps: 'stepsPerLevel' },
  unstableOptions: ['temperature', 'lr'],
  build: (options, training, { data, rng }) => new GlowModel(data, glowArchitecture(options, data), training, flowSampling(options), rng),
});
