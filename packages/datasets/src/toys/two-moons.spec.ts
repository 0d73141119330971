import { Rng } from '@ouroboros/core';
import { twoMoons } from '@ouroboros/core/testing';
import { describe, expect, it } from 'vitest';
import { collect, createDataset, points, rms } from '../testing/collect-samples.ts';
import type { Point } from './toy2d.ts';
import { twoMoonsDataset } from './two-moons.ts';

const UPPER_CENTER: Point = [0, 0];
const LOWER_CENTER: Point = [1, 0.5];

/** Distance from p to the half circle of radius 1 around `center`, on the side y >= cy (upper) or y <= cy (lower). */
function distanceToArc([x, y]: Point, center: Point, upper: boolean): number {
  const [cx, cy] = center;
  const onArcSide = upper ? y >= cy : y <= cy;
  if (onArcSide) return Math.abs(Math.hypot(x - cx, y - cy) - 1);
  return Math.min(Math.hypot(x - cx - 1, y - cy), Math.hypot(x - cx + 1, y - cy));
}

function distanceToMoons(p: Point): number {
  return Math.min(distanceToArc(p, UPPER_CENTER, true), distanceToArc(p, LOWER_CENTER, false));
}

async function draw(options: Record<string, unknown>): Promise<Point[]> {
  return points(await collect(createDataset(twoMoonsDataset, options).split('train', Rng.from(21))));
}

describe('two-moons dataset', () => {
  const n = 20_000;

  it('draws the points the test kit\'s twoMoons draws from the same rng, so tests train on what runs train on', async () => {
    const drawn = await collect(createDataset(twoMoonsDataset, { train: 500, noise: 0.05 }).split('train', Rng.from(21)));
    expect(drawn).toEqual(twoMoons(500, Rng.from(21).fork('train'), 0.05));
  });

  it('puts every point on one of the two half circles when noise is 0, half on each', async () => {
    const sample = await draw({ train: n, noise: 0 });
    expect(Math.max(...sample.map(distanceToMoons))).toBeLessThan(1e-6);
    const upper = sample.filter((p) => distanceToArc(p, UPPER_CENTER, true) < 1e-6).length;
    expect(Math.abs(upper - n / 2)).toBeLessThan(4 * Math.sqrt(n / 4));
  });

  it('scatters points off the curves by about the noise std (default 0.1)', async () => {
    const offCurve = rms((await draw({ train: n })).map(distanceToMoons));
    expect(offCurve).toBeGreaterThan(0.085);
    expect(offCurve).toBeLessThan(0.105);
  });

  it('spans the moons: x in about [-1, 2], y in about [-0.5, 1]', async () => {
    const sample = await draw({ train: n, noise: 0 });
    const xs = sample.map(([x]) => x);
    const ys = sample.map(([, y]) => y);
    expect(Math.min(...xs)).toBeCloseTo(-1, 2);
    expect(Math.max(...xs)).toBeCloseTo(2, 2);
    expect(Math.min(...ys)).toBeCloseTo(-0.5, 2);
    expect(Math.max(...ys)).toBeCloseTo(1, 2);
  });
});
