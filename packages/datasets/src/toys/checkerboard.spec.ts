import { Rng } from '@ouroboros/core';
import { describe, expect, it } from 'vitest';
import { collect, createDataset, points } from '../testing/collect-samples.ts';
import { checkerboardDataset, checkerboardPoint, isFilledSquare } from './checkerboard.ts';

describe('checkerboard dataset', () => {
  const n = 16_000;

  it('puts every noise-free point in a filled square of [-4, 4]^2, each of the 8 squares getting about 1/8', async () => {
    const sample = points(await collect(createDataset(checkerboardDataset, { train: n }).split('train', Rng.from(61))));
    expect(sample.filter((p) => !isFilledSquare(p))).toEqual([]);
    expect(sample.filter(([x, y]) => Math.max(Math.abs(x), Math.abs(y)) > 4)).toEqual([]);
    const perSquare = new Map<string, number>();
    for (const [x, y] of sample) {
      const key = `${Math.floor(x / 2)},${Math.floor(y / 2)}`;
      perSquare.set(key, (perSquare.get(key) ?? 0) + 1);
    }
    expect(perSquare.size).toBe(8);
    const p = 1 / 8;
    for (const count of perSquare.values()) expect(Math.abs(count - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)));
  });

  it('lets noise spill points into empty squares', async () => {
    const sample = points(await collect(createDataset(checkerboardDataset, { train: 2000, noise: 0.3 }).split('train', Rng.from(62))));
    expect(sample.filter((p) => !isFilledSquare(p)).length).toBeGreaterThan(0);
  });

  it('maps uniform draws to the filled square FFJORD picks: x1 = 4u − 2, x2 = v − 2b + (⌊x1⌋ mod 2), times 2', () => {
    expect(checkerboardPoint(0, 0, false)).toEqual([-4, 0]);
    expect(checkerboardPoint(0, 0, true)).toEqual([-4, -4]);
    expect(checkerboardPoint(0.625, 0.5, false)).toEqual([1, 1]);
    expect(checkerboardPoint(0.375, 0.5, false)).toEqual([-1, 3]);
    expect(checkerboardPoint(0.375, 0.5, true)).toEqual([-1, -1]);
    expect(isFilledSquare([-3, 1])).toBe(true);
    expect(isFilledSquare([-1, 1])).toBe(false);
  });
});
