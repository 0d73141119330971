import { z } from 'zod';
import { parseOptions } from './parse-options.ts';

export const lrScheduleOptions = z
  .strictObject({
    lr: z.number().min(0).describe('The peak learning rate, reached at the end of the warm-up.'),
    warmupSteps: z.number().int().min(0).default(0).describe('Updates over which the rate ramps linearly up to `lr` (0: none).'),
    decay: z.enum(['constant', 'cosine']).default('constant').describe('After the warm-up: hold `lr`, or follow a half cosine down to `minLr` at update `totalSteps`.'),
    totalSteps: z.number().int().positive().optional().describe('The number of updates of the whole fit; needed by the cosine decay.'),
    minLr: z.number().min(0).default(0).describe('The floor of the cosine decay.'),
  })
  .refine((o) => o.decay !== 'cosine' || (o.totalSteps !== undefined && o.totalSteps > o.warmupSteps), {
    path: ['totalSteps'],
    message: 'expected an integer above warmupSteps when decay is cosine',
  });
export type LrSchedule = z.output<typeof lrScheduleOptions>;

/** Validates and fills in defaults, failing with a one-line error. */
export function lrSchedule(options: z.input<typeof lrScheduleOptions>): LrSchedule {
  return parseOptions(lrScheduleOptions, options, 'lr schedule');
}

/**
 * The rate for the update that follows `step` completed ones (0 for the first update); with t = step + 1:
 * lr · min(1, t / warmupSteps) during the warm-up, then lr, or for the cosine decay
 * minLr + (lr − minLr) · (1 + cos(π · p)) / 2 with p = (t − warmupSteps) / (totalSteps − warmupSteps) clipped to [0, 1].
 */
export function learningRate(step: number, schedule: LrSchedule): number {
  if (!Number.isSafeInteger(step) || step < 0) throw new Error(`learningRate: step = ${step}: expected a non-negative integer`);
  const t = step + 1;
  if (t < schedule.warmupSteps) return schedule.lr * warmupFactor(t, schedule.warmupSteps);
  if (schedule.decay === 'constant') return schedule.lr;
  const progress = (t - schedule.warmupSteps) / (schedule.totalSteps! - schedule.warmupSteps);
  return schedule.minLr + (schedule.lr - schedule.minLr) * cosineFactor(progress);
}

// min(1, t / warmupSteps)
export function warmupFactor(t: number, warmupSteps: number): number {
  return warmupSteps > 0 ? Math.min(1, t / warmupSteps) : 1;
}

// (1 + cos(π · clip(p, 0, 1))) / 2: 1 at the start, 0 at the end
export function cosineFactor(progress: number): number {
  return (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, progress)))) / 2;
}
