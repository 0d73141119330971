import { z } from 'zod';
import type { SchedulePlugin } from '../contracts/schedule.ts';
import { TrainingSet } from '../store/training-set.ts';
import { everyEarlierGeneration, syntheticCount } from './synthetic-segment.ts';

const options = z.strictObject({
  lambda: z.number().min(0).default(1).describe('Each generation k < t contributes round(lambda * |D|) of its samples.'),
});

/**
 * Gerstgrasser et al. 2024: D plus the samples of every earlier generation, kept, never replaced.
 * Generation k contributes its first round(lambda*|D|) samples (they are i.i.d., so the first m
 * are a uniform subset), so the data a generation added stays the same in every later set.
 */
export const accumulateSchedule: SchedulePlugin<z.infer<typeof options>> = {
  id: 'accumulate',
  description: 'all real data + round(lambda*|D|) samples of every earlier generation, accumulated (Gerstgrasser et al. 2024)',
  options,
  create: ({ lambda }) => ({
    samplesNeeded: (realCount) => syntheticCount(lambda, realCount),
    compose: async ({ generation, real, synthetic }) =>
      new TrainingSet([{ name: 'real', store: real }, ...everyEarlierGeneration('accumulate', generation, synthetic, syntheticCount(lambda, real.count))]),
  }),
};
