import { z } from 'zod';
import type { SchedulePlugin } from '../contracts/schedule.ts';
import { TrainingSet, type TrainingSegment } from '../store/training-set.ts';
import { syntheticCount } from './synthetic-segment.ts';

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
    async compose({ generation, real, synthetic }) {
      const count = syntheticCount(lambda, real.count);
      const segments: TrainingSegment[] = [{ name: 'real', store: real }];
      for (let k = 0; k < generation && count > 0; k++) {
        const store = synthetic[k];
        if (!store) throw new Error(`accumulate: generation ${generation} needs the samples of generation ${k}, which are missing`);
        if (store.count < count) throw new Error(`${store.dir}: generation ${k} has ${store.count} samples, but accumulate needs ${count}`);
        segments.push({ name: `gen-${k}`, store, indices: firstRows(count) });
      }
      return new TrainingSet(segments);
    },
  }),
};

function firstRows(count: number): Uint32Array {
  const rows = new Uint32Array(count);
  for (let i = 0; i < count; i++) rows[i] = i;
  return rows;
}
