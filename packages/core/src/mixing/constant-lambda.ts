import { z } from 'zod';
import type { SchedulePlugin } from '../contracts/schedule.ts';
import { mixWithNewest, syntheticCount } from './synthetic-segment.ts';

const options = z.strictObject({
  lambda: z.number().min(0).describe('Synthetic-to-real ratio: round(lambda * |D|) samples of model t-1 join all of D.'),
});

/** Bertrand et al. 2024: D plus round(lambda*|D|) fresh samples of model t-1, replaced each generation. */
export const constantLambdaSchedule: SchedulePlugin<z.infer<typeof options>> = {
  id: 'constant-lambda',
  description: 'all real data + round(lambda*|D|) samples of the newest model, synthetic replaced each generation (Bertrand et al. 2024)',
  options,
  create: ({ lambda }) => ({
    samplesNeeded: (realCount) => syntheticCount(lambda, realCount),
    compose: async (input) => mixWithNewest({ name: 'real', store: input.real }, lambda, input),
  }),
};
