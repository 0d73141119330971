import { z } from 'zod';

/**
 * The optimisation options every trained model shares; a model's schema spreads them in
 * (`z.strictObject({ ...trainingOptionsShape, hidden: ... })`).
 */
export const trainingOptionsShape = {
  /** Peak Adam learning rate. */
  lr: z.number().positive().default(1e-3),
  /** Steps of linear learning-rate warm-up at the start of training (counted over all generations). */
  warmupSteps: z.int().min(0).default(0),
  /** Adam's moment decay rates. */
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]),
  /** Decoupled (AdamW) weight decay. */
  weightDecay: z.number().min(0).default(0),
  /** Clip the global gradient norm to this value (null: no clipping). */
  gradClip: z.number().positive().nullable().default(null),
  /** Decay of an exponential moving average of the weights, which sampling then uses (null: none). */
  ema: z.number().min(0).lt(1).nullable().default(null),
  /** Samples per step when the config's `train.batchSize` does not say. */
  batchSize: z.int().positive().default(256),
  /** Per-step scalars of steps 0, logEvery, 2 logEvery, ... and the last go to the trackers and steps.jsonl. */
  logEvery: z.int().positive().default(10),
};

export const trainingOptions = z.strictObject(trainingOptionsShape);
export type TrainingOptions = z.infer<typeof trainingOptions>;
