import { z } from 'zod';
import type { DataInfo, ModelPlugin, Rng } from '@ouroboros/core';
import { restored, trainingOptionsShape, type TrainingOptions } from '@ouroboros/nn';
import type { FlowModel, FlowSampling } from './flow-model.ts';

/** The options every flow plugin's schema spreads in: training (lr, warm-up, clipping, EMA, batch) and sampling. */
export const flowOptionsShape = {
  ...trainingOptionsShape,
  temperature: z.number().positive().default(1).describe("Multiplies the standard deviation of the base noise when sampling (1: the model's distribution; < 1: Glow's reduced temperature)."),
  evalBatchSize: z.int().positive().default(1024).describe('Samples per batch when sampling and when evaluating log-likelihoods.'),
};

/** The training and sampling parts of a flow plugin's parsed options. */
export function flowOptionParts(options: TrainingOptions & FlowSampling): { training: TrainingOptions; sampling: FlowSampling } {
  const training = Object.fromEntries(Object.keys(trainingOptionsShape).map((key) => [key, options[key as keyof TrainingOptions]])) as unknown as TrainingOptions;
  return { training, sampling: { temperature: options.temperature, evalBatchSize: options.evalBatchSize } };
}

/** A flow plugin: its id, description and schema, and how its options build a model for the data. */
export interface FlowPluginDefinition<TOptions extends TrainingOptions & FlowSampling> {
  readonly id: string;
  readonly description: string;
  readonly options: z.ZodType<TOptions>;
  build(options: TOptions, parts: { training: TrainingOptions; sampling: FlowSampling }, data: DataInfo, rng: Rng): FlowModel;
}

/** The ModelPlugin of a flow: `create` builds the model, `load` builds it and restores a saved folder into it. */
export function flowModelPlugin<TOptions extends TrainingOptions & FlowSampling>(definition: FlowPluginDefinition<TOptions>): ModelPlugin<TOptions> {
  const build = (options: TOptions, data: DataInfo, rng: Rng) => definition.build(options, flowOptionParts(options), data, rng);
  return {
    id: definition.id,
    description: definition.description,
    options: definition.options,
    unstableOptions: ['temperature', 'lr'],
    create: (options, env) => build(options, env.data, env.rng),
    load: (dir, options, env) => restored(build(options, env.data, env.rng), dir),
  };
}
