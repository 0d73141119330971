import { z } from 'zod';
import type { DataInfo, ModelPlugin, Rng } from '@ouroboros/core';
import { restored, trainingOptionsShape, type TrainingOptions } from '@ouroboros/nn';
import { DiffusionModel } from '../diffusion-model.ts';
import { buildNetwork, networkOptionsShape } from '../networks/network-options.ts';
import type { Objective } from '../objectives/objective.ts';

/** The options every diffusion family shares: optimisation, network, class conditioning, sampling batch. */
export const diffusionOptionsShape = {
  ...trainingOptionsShape,
  ema: z.number().min(0).lt(1).nullable().default(0.999).describe("Decay of the EMA of the weights that sampling uses (null: none). 0.999 (half-life 693 steps) suits runs of a few thousand steps; the paper's CIFAR-10 runs use 0.9999 over hundreds of thousands."),
  gradClip: z.number().positive().nullable().default(1).describe('Clip the global gradient norm to this value (null: no clipping); 1 in DDPM and OT-CFM.'),
  ...networkOptionsShape,
  classConditional: z.boolean().default(true).describe('Train and sample class-conditionally when the dataset has labels.'),
  labelDropout: z.number().min(0).lt(1).default(0.1).describe('Probability of training a row with the null label, so one net is also the unconditional model (0.1).'),
  guidance: z.number().min(0).default(1).describe('Classifier-free guidance scale s: F(x, ∅) + s (F(x, y) − F(x, ∅)); 1 is plain conditional sampling, 0 unconditional.'),
  sampleBatch: z.int().positive().default(500).describe('Samples drawn per sampler batch.'),
};

export type DiffusionOptions = z.output<z.ZodObject<typeof diffusionOptionsShape>>;

function trainingPart(options: DiffusionOptions): TrainingOptions {
  return Object.fromEntries(Object.keys(trainingOptionsShape).map((key) => [key, options[key as keyof TrainingOptions]])) as TrainingOptions;
}

/** A DiffusionModel from parsed options: the family's objective, the chosen network, the shared training options. */
export function createDiffusionModel<O extends DiffusionOptions>(options: O, data: DataInfo, rng: Rng, objective: (options: O, data: DataInfo) => Objective): DiffusionModel {
  const classes = options.classConditional ? (data.classes?.length ?? 0) : 0;
  const network = buildNetwork(options, data, classes, rng.fork('network'));
  return new DiffusionModel(data, objective(options, data), network, trainingPart(options), { labelDropout: options.labelDropout, guidance: options.guidance }, options.sampleBatch);
}

/** A model plugin of one diffusion family, whose schema spreads `diffusionOptionsShape`. */
export function diffusionModelPlugin<O extends DiffusionOptions>(definition: {
  id: string;
  description: string;
  options: z.ZodType<O>;
  /** See ModelPlugin.unstableOptions; `lr` follows them. */
  unstableOptions: readonly string[];
  objective: (options: O, data: DataInfo) => Objective;
}): ModelPlugin<O> {
  return {
    id: definition.id,
    description: definition.description,
    options: definition.options,
    unstableOptions: [...definition.unstableOptions, 'lr'],
    create: (options, env) => createDiffusionModel(options, env.data, env.rng, definition.objective),
    load: (dir, options, env) => restored(createDiffusionModel(options, env.data, env.rng, definition.objective), dir),
  };
}
