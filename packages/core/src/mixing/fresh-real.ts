import { z } from 'zod';
import type { SchedulePlugin } from '../contracts/schedule.ts';
import { ConfigError } from '../config/config-error.ts';
import { mixWithNewest, syntheticCount } from './synthetic-segment.ts';

const options = z.strictObject({
  lambda: z.number().min(0),
});

/** Alemohammad et al. 2024 (MAD) fresh-data loop: |D| new real draws + round(lambda*|D|) samples of model t-1. */
export const freshRealSchedule: SchedulePlugin<z.infer<typeof options>> = {
  id: 'fresh-real',
  description: 'a fresh draw of |D| real samples + round(lambda*|D|) samples of the newest model (MAD fresh-data loop)',
  options,
  create: ({ lambda }, env) => {
    if (!env.canDrawFresh) {
      throw new ConfigError('schedule.id = "fresh-real": the dataset cannot draw fresh real samples; expected a dataset with unlimited draws (e.g. a toy or gaussian dataset)');
    }
    return {
      samplesNeeded: (realCount) => syntheticCount(lambda, realCount),
      compose: async (input) => mixWithNewest({ name: 'fresh-real', store: await input.drawFreshReal(input.real.count) }, lambda, input),
    };
  },
};
