import { z } from 'zod';

/**
 * The optimisation options every trained model shares; a model's schema spreads them in
 * (`z.strictObject({ ...trainingOptionsShape, hidden: ... })`).
 */
export const trainingOptionsShape = {
  lr: z.number().positive().default(1e-3).describe('Peak Adam learning rate.'),
  warmupSteps: z.int().min(0).default(0).describe('Steps of linear learning-rate warm-up at the start of training (counted over all generations).'),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]).describe("Adam's moment decay rates."),
  weightDecay: z.number().min(0).default(0).describe('Decoupled (AdamW) weight decay.'),
  gradClip: z.number().positive().nullable().default(null).describe('Clip the global gradient norm to this value (null: no clipping).'),
  ema: z.number().min(0).lt(1).nullable().default(null).describe('Decay of an exponential moving average of the weights, which sampling then uses (null: none).'),
  batchSize: z.int().positive().default(256).describe("Samples per step when the config's `train.batchSize` does not say."),
  logEvery: z.int().positive().default(10).describe('Per-step scalars of steps 0, logEvery, 2 logEvery, ... and the last go to the trackers and steps.jsonl.'),
};

export const trainingOptions = z.strictObject(trainingOptionsShape);
export type TrainingOptions = z.infer<typeof trainingOptions>;
