import { z } from 'zod';
import type { SchedulePlugin } from '../contracts/schedule.ts';
import { TrainingSet } from '../store/training-set.ts';
import { drawSynthetic, newest } from './synthetic-segment.ts';

const options = z.strictObject({});

/** |D| samples of model t-1 and no real data: the loop that collapses. */
export const fullySyntheticSchedule: SchedulePlugin<z.infer<typeof options>> = {
  id: 'fully-synthetic',
  description: '|D| samples of the newest model and no real data (collapses)',
  options,
  create: () => ({
    samplesNeeded: (realCount) => realCount,
    async compose({ generation, real, synthetic, rng }) {
      return new TrainingSet([drawSynthetic(newest(synthetic, generation), generation - 1, real.count, rng)]);
    },
  }),
};
