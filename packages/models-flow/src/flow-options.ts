import { z } from 'zod';
import { trainingOptionsShape, type TrainingOptions } from '@ouroboros/nn';
import type { FlowSampling } from './flow-model.ts';

/** The options every flow plugin's schema spreads in: training (lr, warm-up, clipping, EMA, batch) and sampling. */
export const flowOptionsShape = {
  ...trainingOptionsShape,
  /** Multiplies the standard deviation of the base noise when sampling (1: the model's distribution; < 1: Glow's reduced temperature). */
  temperature: z.number().positive().default(1),
  /** Samples per batch when sampling and when evaluating log-likelihoods. */
  evalBatchSize: z.int().positive().default(1024),
};

/** The training and sampling parts of a flow plugin's parsed options. */
export function flowOptionParts(options: TrainingOptions & FlowSampling): { training: TrainingOptions; sampling: FlowSampling } {
  const training = Object.fromEntries(Object.keys(trainingOptionsShape).map((key) => [key, options[key as keyof TrainingOptions]])) as unknown as TrainingOptions;
  return { training, sampling: { temperature: options.temperature, evalBatchSize: options.evalBatchSize } };
}
