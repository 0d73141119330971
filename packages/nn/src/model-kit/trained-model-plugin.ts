import { z } from 'zod';
import type { ModelEnv, ModelPlugin } from '@ouroboros/core';
import { restored, type TrainedModel } from '../train/trained-model.ts';
import { trainingOptionsShape, type TrainingOptions } from '../train/training-options.ts';
import { sampleBatchOption, type SampleBatchOptions } from './sample-batch.ts';

/**
 * The schema of a trained model family: the shared training options, `sampleBatch` with the family's
 * default, then the family's own options (which may override a training default, e.g. `ema`).
 */
export function trainedModelOptions<S extends z.ZodRawShape>(sampleBatch: number, shape: S) {
  return z.strictObject({ ...trainingOptionsShape, sampleBatch: sampleBatchOption(sampleBatch), ...shape });
}

/** The training part of a family's parsed options: what TrainedModel takes. */
export function trainingPart(options: TrainingOptions): TrainingOptions {
  return Object.fromEntries(Object.keys(trainingOptionsShape).map((key) => [key, options[key as keyof TrainingOptions]])) as unknown as TrainingOptions;
}

/** What a trained model family declares; `build` makes a fresh model, which `load` then restores. */
export interface TrainedModelFamily<O extends TrainingOptions & SampleBatchOptions> {
  readonly id: string;
  readonly description: string;
  /** See PluginDefinition.version. */
  readonly version?: number;
  /** The family's schema, made with `trainedModelOptions` (refinements allowed). */
  readonly options: z.ZodType<O>;
  /** See PluginDefinition.renamedOptions. */
  readonly renamedOptions?: Readonly<Record<string, string>>;
  /** See ModelPlugin.unstableOptions. */
  readonly unstableOptions?: readonly string[];
  build(options: O, training: TrainingOptions, env: ModelEnv): TrainedModel;
}

/** The ModelPlugin of a trained family: `create` builds the model, `load` builds it and restores a saved folder into it. */
export function trainedModelPlugin<O extends TrainingOptions & SampleBatchOptions>(family: TrainedModelFamily<O>): ModelPlugin<O> {
  const build = (options: O, env: ModelEnv) => family.build(options, trainingPart(options), env);
  return {
    id: family.id,
    description: family.description,
    ...(family.version !== undefined && { version: family.version }),
    options: family.options,
    ...(family.renamedOptions && { renamedOptions: family.renamedOptions }),
    ...(family.unstableOptions && { unstableOptions: family.unstableOptions }),
    create: build,
    load: (dir, options, env) => restored(build(options, env), dir),
  };
}
