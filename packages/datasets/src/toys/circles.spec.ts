import { Rng } from '@ouroboros/core';
import { describe, expect, it } from 'vitest';
import { collect, createDataset, mean, points, rms } from '../testing/collect-samples.ts';
import { circlesDataset } from './circles.ts';

async function radii(options: Record<string, unknown>): Promise<number[]> {
  const sample = points(await collect(createDataset(circlesDataset, options).split('train', Rng.from(31))));
  return sample.map(([x, y]) => Math.hypot(x, y));
}

describe('circles dataset', () => {
  const n = 20_000;

  it('puts every point on the circle of radius 1 or factor when noise is 0', async () => {
    const r = await radii({ train: n, noise: 0, factor: 0.3 });
    expect(r.every((radius) => Math.abs(radius - 1) < 1e-6 || Math.abs(radius - 0.3) < 1e-6)).toBe(true);
  });

  it('has radii clustered at 1 and 0.5 by default, half the mass on each, spread by the noise std 0.05', async () => {
    const r = await radii({ train: n });
    const outer = r.filter((radius) => radius > 0.75);
    const inner = r.filter((radius) => radius <= 0.75);
    expect(Math.abs(outer.length - n / 2)).toBeLessThan(4 * Math.sqrt(n / 4));
    expect(Math.abs(mean(outer) - 1)).toBeLessThan(0.01);
    expect(Math.abs(mean(inner) - 0.5)).toBeLessThan(0.01);
    const spread = rms([...outer.map((radius) => radius - 1), ...inner.map((radius) => radius - 0.5)]);
    expect(spread).toBeGreaterThan(0.045);
    expect(spread).toBeLessThan(0.055);
  });

  it('rejects a factor outside [0, 1)', () => {
    expect(circlesDataset.options.safeParse({ factor: 1 }).success).toBe(false);
    expect(circlesDataset.options.safeParse({ factor: -0.1 }).success).toBe(false);
  });
});
