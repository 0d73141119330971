import { z } from 'zod';
import { pathOption, type DataInfo, type ModelEnv, type ModelPlugin, type RunContext } from '@ouroboros/core';
import { trainedModelOptions, trainedModelPlugin, type TrainingOptions } from '@ouroboros/nn';
import { DiffusionModel, type SamplingBias } from '../diffusion-model.ts';
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
  truncation: z.number().positive().optional().describe("Truncation trick (Brock et al. 2019) on the sampler's initial noise: each value from N(0, 1) conditioned on |z| ≤ ψ (unset: N(0, I), no truncation)."),
  negativeGuidance: z.number().optional().describe('SIMS negative guidance weight w (Alemohammad et al. 2024): F + w (F − F_self), F_self the network of `selfModel` (unset or 0: none).'),
  selfModel: pathOption().optional().describe("The self model of negative guidance, a saved model folder of this family and architecture (unset: the previous generation's model of this run; generation 0 then samples unguided)."),
});

export type DiffusionOptions = z.output<typeof diffusionOptions>;

/** Earlier names of the options every diffusion family has: the sampler's steps were `steps`. */
export const diffusionRenamedOptions = { steps: 'samplerSteps' } as const;

/** Loads a saved model of the family with the given options (the plugin's `load`). */
type LoadModel<O> = (dir: string, options: O, env: ModelEnv) => Promise<DiffusionModel>;

/** A DiffusionModel from parsed options: the family's objective, the chosen network, the shared training options, the sampling bias. */
export function createDiffusionModel<O extends DiffusionOptions>(options: O, training: TrainingOptions, env: ModelEnv, objective: (options: O, data: DataInfo) => Objective, load?: LoadModel<O>): DiffusionModel {
  const { data, rng } = env;
  const classes = options.classConditional ? (data.classes?.length ?? 0) : 0;
  const network = buildNetwork(options, data, classes, rng.fork('network'));
  return new DiffusionModel(data, objective(options, data), network, training, { labelDropout: options.labelDropout, guidance: options.guidance }, options.sampleBatch, samplingBias(options, env, load));
}

/** The truncation and negative guidance `options` ask for; the self model is loaded with these options less the guidance. */
function samplingBias<O extends DiffusionOptions>(options: O, env: ModelEnv, load?: LoadModel<O>): SamplingBias {
  const { truncation, negativeGuidance: weight, selfModel } = options;
  const selfOptions: O = { ...options, negativeGuidance: undefined, selfModel: undefined };
  const loadSelf = async (ctx: RunContext) => {
    const dir = selfModel ?? ctx.previousModelDir;
    if (dir === undefined) return null;
    if (!load) throw new Error('diffusion: negative guidance needs a way to load the self model');
    try {
      return await load(dir, selfOptions, env);
    } catch (error) {
      throw new Error(`model.negativeGuidance: the self model (${selfModel === undefined ? "the previous generation's" : 'model.selfModel'}) does not load: ${(error as Error).message}`, { cause: error });
    }
  };
  return { ...(truncation !== undefined && { truncation }), ...(weight !== undefined && weight !== 0 && { negativeGuidance: { weight, selfModel: loadSelf } }) };
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
  const plugin: ModelPlugin<O> = trainedModelPlugin({
    id: definition.id,
    description: definition.description,
    options: definition.options,
    renamedOptions: { ...diffusionRenamedOptions, ...definition.renamedOptions },
    unstableOptions: ['negativeGuidance', ...definition.unstableOptions, 'lr'],
    build: (options, training, env) => createDiffusionModel(options, training, env, definition.objective, (dir, o, e) => plugin.load(dir, o, e) as Promise<DiffusionModel>),
  });
  return plugin;
}
