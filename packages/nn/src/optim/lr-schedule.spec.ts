import { describe, expect, it } from 'vitest';
import { learningRate, lrSchedule } from './lr-schedule.ts';

describe('learning-rate schedule', () => {
  it('ramps up linearly over warmupSteps, reaching lr at update warmupSteps, then holds it', () => {
    const schedule = lrSchedule({ lr: 0.01, warmupSteps: 4 });
    expect([0, 1, 2, 3, 4, 100].map((step) => learningRate(step, schedule))).toEqual([0.0025, 0.005, 0.0075, 0.01, 0.01, 0.01]);
    expect(learningRate(0, lrSchedule({ lr: 0.01 }))).toBe(0.01);
  });

  it('decays along a half cosine from lr after the warm-up to minLr at update totalSteps, then stays there', () => {
    const schedule = lrSchedule({ lr: 1, warmupSteps: 2, decay: 'cosine', totalSteps: 6, minLr: 0.1 });
    // t = step + 1; p = (t − 2) / 4; lr_t = 0.1 + 0.9 · (1 + cos πp) / 2
    const expected = [0.5, 1, 0.1 + 0.9 * (1 + Math.SQRT1_2) / 2, 0.55, 0.1 + 0.9 * (1 - Math.SQRT1_2) / 2, 0.1, 0.1];
    const actual = [0, 1, 2, 3, 4, 5, 9].map((step) => learningRate(step, schedule));
    actual.forEach((lr, i) => expect(lr).toBeCloseTo(expected[i]!, 12));
  });

  it('rejects inconsistent options and bad steps with one-line errors', () => {
    expect(() => lrSchedule({ lr: 1, decay: 'cosine' })).toThrow('lr schedule: totalSteps is missing: expected an integer above warmupSteps when decay is cosine');
    expect(() => lrSchedule({ lr: 1, decay: 'cosine', warmupSteps: 5, totalSteps: 5 })).toThrow('lr schedule: totalSteps = 5: expected an integer above warmupSteps when decay is cosine');
    expect(lrSchedule({ lr: 1, decay: 'cosine', warmupSteps: 5, totalSteps: 6 }).totalSteps).toBe(6);
    expect(lrSchedule({ lr: 1, warmupSteps: 5, totalSteps: 5 }).totalSteps).toBe(5);
    expect(() => lrSchedule({ lr: 1, warmupSteps: 1.5 })).toThrow('lr schedule: warmupSteps = 1.5: expected int, received number');
    expect(() => learningRate(-1, lrSchedule({ lr: 1 }))).toThrow('learningRate: step = -1: expected a non-negative integer');
  });
});
