import { z } from 'zod';
import { ConfigError, sampleSize, type DataInfo, type ModelPlugin } from '@ouroboros/core';
import { activationNames, trainedModelOptions, trainedModelPlugin } from '@ouroboros/nn';
import { flowOptionsShape, flowRenamedOptions, flowSampling } from '../flow-options.ts';
import type { RealNvpArchitecture } from './realnvp-flow.ts';
import { RealNvpModel } from './realnvp-model.ts';

export const realNvpOptions = trainedModelOptions(1024, {
  ...flowOptionsShape,
  couplings: z.int().min(1).default(8).describe('Affine coupling layers; their masks alternate between the first half of the coordinates and the rest.'),
  hidden: z.int().min(1).default(256).describe("Width of the hidden layers of each coupling's MLP."),
  depth: z.int().min(1).default(2).describe("Hidden layers of each coupling's MLP (2: kept -> hidden -> hidden -> 2·moving)."),
  actnorm: z.boolean().default(false).describe('An actnorm (per-coordinate affine, data-dependent initialisation) before each coupling.'),
  activation: z.enum(activationNames).default('relu').describe('Activation between the MLP layers.'),
});
export type RealNvpOptions = z.infer<typeof realNvpOptions>;

/** The network options of `options` for `data`; throws a one-line error naming what does not fit. */
export function realNvpArchitecture(options: RealNvpOptions, data: DataInfo): RealNvpArchitecture {
  const dims = sampleSize(data);
  if (dims < 2) throw new ConfigError(`model: realnvp needs samples of at least 2 values (a coupling conditions one part on the other); the dataset's have ${dims}`);
  const { couplings, hidden, depth, actnorm, activation } = options;
  return { dims, couplings, hidden, depth, actnorm, activation };
}

/** `realnvp`: RealNVP (Dinh et al. 2017) for vectors, exact likelihood. */
export const realNvpModelPlugin: ModelPlugin<RealNvpOptions> = trainedModelPlugin({
  id: 'realnvp',
  description: 'RealNVP normalizing flow (affine couplings, MLP nets) for vector data, exact likelihood',
  options: realNvpOptions,
  renamedOptions: flowRenamedOptions,
  unstableOptions: ['temperature', 'lr'],
  build: (options, training, { data, rng }) => new RealNvpModel(data, realNvpArchitecture(options, data), training, flowSampling(options), rng),
});
