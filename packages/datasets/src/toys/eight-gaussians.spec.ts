import { Rng } from '@ouroboros/core';
import { describe, expect, it } from 'vitest';
import { collect, createDataset, mean, points, rms } from '../testing/collect-samples.ts';
import { EIGHT_GAUSSIANS_MODES, eightGaussiansCenter, eightGaussiansDataset } from './eight-gaussians.ts';
import type { Point } from './toy2d.ts';

function nearestMode([x, y]: Point, radius: number): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let k = 0; k < EIGHT_GAUSSIANS_MODES; k++) {
    const [cx, cy] = eightGaussiansCenter(k, radius);
    const distance = Math.hypot(x - cx, y - cy);
    if (distance < bestDistance) [best, bestDistance] = [k, distance];
  }
  return best;
}

describe('eight-gaussians dataset', () => {
  const n = 16_000;

  it('gives each of the 8 modes about 1/8 of the mass, each spread by the noise std', async () => {
    const radius = 2 * Math.SQRT2;
    const std = Math.SQRT2 / 4;
    const sample = points(await collect(createDataset(eightGaussiansDataset, { train: n }).split('train', Rng.from(41))));
    const byMode: Point[][] = Array.from({ length: EIGHT_GAUSSIANS_MODES }, () => []);
    for (const p of sample) byMode[nearestMode(p, radius)]!.push(p);
    const p = 1 / EIGHT_GAUSSIANS_MODES;
    for (const [k, modePoints] of byMode.entries()) {
      expect(Math.abs(modePoints.length - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)));
      const [cx, cy] = eightGaussiansCenter(k, radius);
      const offsets = modePoints.flatMap(([x, y]) => [x - cx, y - cy]);
      expect(Math.abs(mean(offsets))).toBeLessThan(0.03);
      expect(rms(offsets) / std).toBeGreaterThan(0.95);
      expect(rms(offsets) / std).toBeLessThan(1.05);
    }
  });

  it('puts the centres on a circle of radius scale at angles kπ/4', async () => {
    const sample = points(await collect(createDataset(eightGaussiansDataset, { train: 800, scale: 5, noise: 0 }).split('train', Rng.from(42))));
    const angles = new Set(sample.map(([x, y]) => Math.round((Math.atan2(y, x) / (Math.PI / 4)) + 8) % 8));
    expect(angles.size).toBe(8);
    for (const [x, y] of sample) {
      expect(Math.hypot(x, y)).toBeCloseTo(5, 5);
      expect(Math.atan2(y, x) / (Math.PI / 4)).toBeCloseTo(Math.round(Math.atan2(y, x) / (Math.PI / 4)), 5);
    }
  });
});
