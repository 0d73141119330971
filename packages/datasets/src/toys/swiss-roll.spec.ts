import { Rng } from '@ouroboros/core';
import { describe, expect, it } from 'vitest';
import { collect, createDataset, mean, points } from '../testing/collect-samples.ts';
import { SWISS_ROLL_T_MAX, SWISS_ROLL_T_MIN, swissRollDataset } from './swiss-roll.ts';

function standardError(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(mean(values.map((v) => (v - m) ** 2)) / values.length);
}

describe('swiss-roll dataset', () => {
  const n = 20_000;

  it('puts every noise-free point on the spiral r = t, angle = t (mod 2π), t in [1.5π, 4.5π]', async () => {
    const sample = points(await collect(createDataset(swissRollDataset, { train: 2000, noise: 0, scale: 1 }).split('train', Rng.from(51))));
    for (const [x, y] of sample) {
      const t = Math.hypot(x, y);
      expect(t).toBeGreaterThanOrEqual(SWISS_ROLL_T_MIN - 1e-4);
      expect(t).toBeLessThanOrEqual(SWISS_ROLL_T_MAX + 1e-4);
      expect(Math.hypot(x - t * Math.cos(t), y - t * Math.sin(t))).toBeLessThan(1e-4);
    }
  });

  it('has the mean and spread of FFJORD\'s roll: scale (2, 2/(3π)) and E|p|² = scale² (E t² + 2 noise²)', async () => {
    const scale = 0.2;
    const sample = points(await collect(createDataset(swissRollDataset, { train: n }).split('train', Rng.from(52))));
    const xs = sample.map(([x]) => x);
    const ys = sample.map(([, y]) => y);
    // t ~ U[a, b]: E[t cos t] = [t sin t + cos t]_a^b / (b − a) = 2, E[t sin t] = [sin t − t cos t]_a^b / (b − a) = 2/(3π)
    expect(Math.abs(mean(xs) - scale * 2)).toBeLessThan(4 * standardError(xs));
    expect(Math.abs(mean(ys) - scale * (2 / (3 * Math.PI)))).toBeLessThan(4 * standardError(ys));
    // E t² = (b³ − a³) / (3 (b − a)) = 9.75 π²
    const squaredNorms = sample.map(([x, y]) => x * x + y * y);
    const expected = scale ** 2 * (9.75 * Math.PI ** 2 + 2);
    expect(Math.abs(mean(squaredNorms) - expected)).toBeLessThan(4 * standardError(squaredNorms));
  });
});
