import { z } from 'zod';
import { ConfigError } from '../config/config-error.ts';
import type { SchedulePlugin } from '../contracts/schedule.ts';
import type { Rng } from '../rng/rng.ts';
import { TrainingSet, type TrainingSegment } from '../store/training-set.ts';
import { everyEarlierGeneration, syntheticCount } from './synthetic-segment.ts';

const options = z.strictObject({
  lambda: z.number().min(0).default(1).describe('Each generation k < t adds round(lambda * |D|) of its samples to the pool.'),
  size: z.number().int().positive().optional().describe('Training-set size of every generation; |D| when absent.'),
});

/**
 * Kazdan, Schaeffer et al. 2024 ("Collapse or Thrive?"): the pool is D plus round(lambda*|D|)
 * samples of every earlier generation (as in `accumulate`), and generation t trains on a uniform
 * subsample of `size` rows of that pool, so the training-set size stays fixed while the pool grows.
 */
export const accumulateSubsampleSchedule: SchedulePlugin<z.infer<typeof options>> = {
  id: 'accumulate-subsample',
  description: 'a fixed-size uniform subsample (default |D|) of all real data + round(lambda*|D|) samples of every earlier generation (Kazdan, Schaeffer et al. 2024)',
  options,
  create: ({ lambda, size }) => ({
    samplesNeeded: (realCount) => syntheticCount(lambda, realCount),
    check({ realCount }) {
      // Generation 1's pool, D and generation 0's samples, is the smallest.
      const smallest = realCount + syntheticCount(lambda, realCount);
      if (size !== undefined && size > smallest) throw new ConfigError(`schedule.size = ${size}: generation 1 draws from a pool of ${smallest} samples (|D| = ${realCount} + generation 0's ${smallest - realCount}); expected size <= ${smallest}`);
    },
    async compose({ generation, real, synthetic, rng }) {
      const pool: TrainingSegment[] = [{ name: 'real', store: real }, ...everyEarlierGeneration('accumulate-subsample', generation, synthetic, syntheticCount(lambda, real.count))];
      return new TrainingSet(subsample(pool, size ?? real.count, rng));
    },
  }),
};

/** `size` rows drawn uniformly without replacement from the concatenated pool, kept per segment in row order. */
function subsample(pool: readonly TrainingSegment[], size: number, rng: Rng): TrainingSegment[] {
  const counts = pool.map((s) => s.indices?.length ?? s.store.count);
  const total = counts.reduce((a, b) => a + b, 0);
  if (size > total) throw new Error(`accumulate-subsample: size ${size} is larger than the pool of ${total} samples (${pool.map((s, i) => `${s.name} ${counts[i]}`).join(', ')}); expected size <= ${total}`);
  const positions = rng.choose(total, size).sort();
  const kept: TrainingSegment[] = [];
  let p = 0;
  let start = 0;
  pool.forEach((segment, s) => {
    const end = start + counts[s]!;
    const rows: number[] = [];
    for (; p < positions.length && positions[p]! < end; p++) {
      const local = positions[p]! - start;
      rows.push(segment.indices ? segment.indices[local]! : local);
    }
    if (rows.length > 0) kept.push({ name: segment.name, store: segment.store, indices: Uint32Array.from(rows) });
    start = end;
  });
  return kept;
}
