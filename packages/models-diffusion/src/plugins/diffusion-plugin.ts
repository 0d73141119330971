import { z } from 'zod';
import type { DataInfo, ModelPlugin, Rng } from '@ouroboros/core';
import { trainedModelOptions, trainedModelPlugin, type TrainingOptions } from '@ouroboros/nn';
import { DiffusionModel } from '../diffusion-model.ts';
import { buildNetwork, networkOptionsShape } from '../networks/network-options.ts';
import type { Objective } from '../objectives/objective.ts';

/** The options every diffusion family shares: the kit's training options and `sampleBatch` (500), EMA and clipping defaults, network, class conditioning. */
export const diffusionOptions = trainedModelOptions(500, {
  ema: z.number().min(0).lt(1).nullable().default(0.999).describe("Decay of the EMA of the weights that sampling uses (null: none). 0.999 (half-life 693 steps) suits runs of a few thousand steps; the paper's CIFAR-10 runs use 0.9999 over hundreds of thousands."),
  gradClip: z.number().positive().nullable().default(1).describe('Clip the global gradient norm to this value (null: no clipping); 1 in DDPM and OT-CFM.'),
  ...networkOptionsShape,
  classConditional: z.boolean().default(true).describe('Train and sample class-conditionally when the dataset has labels.'),
  labelDropout: z.number().min(0).lt(1).default(0.1).describe('Probability of training a row with the null label, so one net is also the unconditional model (0.1).'),
  guidance: z.number().min(0).default(1).describe('Classifier-free guidance scale s: F(x, ∅) + s (F(x, y) − F(x, ∅)); 1 is plain conditional sampling, 0 unconditional.'),
});

export type DiffusionOptions = z.output<typeof diffusionOptions>;

/** Earlier names of the options every diffusion family has: the sampler's steps were `steps`. */
export const diffusionRenamedOptions = { steps: 'samplerSteps' } as const;

/** A DiffusionModel from parsed options: the family's objective, the chosen network, the shared training options. */
export function createDiffusionModel<O extends DiffusionOptions>(options: O, training: TrainingOptions, data: DataInfo, rng: Rng, objective: (options: O, data: DataInfo) => Objective): DiffusionModel {
  const classes = options.classConditional ? (data.classes?.length ?? 0) : 0;
  const network = buildNetwork(options, data, classes, rng.fork('network'));
  return new DiffusionModel(data, objective(options, data), network, training, { labelDropout: options.labelDropout, guidance: options.guidance }, options.sampleBatch);
}

/** A model plugin of one diffusion family, whose schema extends `diffusionOptions`. */
export function diffusionModelPlugin<O extends DiffusionOptions>(definition: {
  id: string;
  description: string;
  options: z.ZodType<O>;
  /** Earlier option names beside `diffusionRenamedOptions`. */
  renamedOptions?: Readonly<Record<string, string>>;
  /** See ModelPlugin.unstableOptions; `lr` follows them. */
  unstableOptions: readonly string[];
  objective: (options: O, data: DataInfo) => Objective;
}): ModelPlugin<O> {
  return trainedModelPlugin({
    id: definition.id,
    description: definition.description,
    options: definition.options,
    renamedOptions: { ...diffusionRenamedOptions, ...definition.renamedOptions },
    unstableOptions: [...definition.unstableOptions, 'lr'],
    build: (options, training, env) => createDiffusionModel(options, training, env.data, env.rng, definition.objective),
  });
}
