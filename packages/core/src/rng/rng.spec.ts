import { describe, expect, it } from 'vitest';
import { Rng } from './rng.ts';

describe('Rng', () => {
  it('gives the same stream for the same seed and key path, and another for another', () => {
    const a = Rng.from(7, 'data');
    const b = Rng.from(7, 'data');
    const c = Rng.from(7, 'model');
    const d = Rng.from(8, 'data');
    const draw = (r: Rng) => Array.from({ length: 8 }, () => r.nextUint32());
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
    expect(draw(d)).not.toEqual(first);
  });

  it('forks children that do not depend on how much the parent drew afterwards', () => {
    const parent = Rng.from(1);
    const child = parent.fork('gen', 3).uniform();
    const again = Rng.from(1);
    expect(again.fork('gen', 3).uniform()).toBe(child);
    expect(again.fork('gen', 4).uniform()).not.toBe(child);
  });

  it('draws uniforms with mean 1/2 and variance 1/12, normals with mean 0 and variance 1', () => {
    const rng = Rng.from(0, 'moments');
    const n = 200_000;
    const u = rng.uniforms(n);
    const z = rng.normals(n);
    const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
    const variance = (x: Float64Array) => {
      const m = mean(x);
      return x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length;
    };
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance(u) - 1 / 12)).toBeLessThan(0.002);
    expect(Math.abs(mean(z))).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(variance(z) - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('chooses distinct indices without replacement, every index equally often', () => {
    const rng = Rng.from(3);
    const counts = new Array(10).fill(0);
    for (let rep = 0; rep < 5000; rep++) {
      const pick = rng.choose(10, 4);
      expect(new Set(pick).size).toBe(4);
      for (const i of pick) counts[i]++;
    }
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(150);
    expect(() => rng.choose(3, 4)).toThrow(/cannot draw 4 of 3/);
  });
});
