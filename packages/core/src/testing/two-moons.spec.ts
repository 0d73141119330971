import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.ts';
import { fittedFrechetDistance as fd2d } from './reference-frechet.ts';
import { nearMoons, twoMoons } from './two-moons.ts';

describe('the two-moons yardsticks the family tests use', () => {
  it('separate the moons (0.87 near at 0.15, fd about 0) from a Gaussian with their moments (0.35 near, fd about 0)', () => {
    const data = twoMoons(4000, Rng.from(2));
    const other = twoMoons(4000, Rng.from(3));
    expect(nearMoons(data)).toBeGreaterThan(0.85);
    expect(fd2d(data, other)).toBeLessThan(0.005);
    // N(m, C) with the moons' moments, by Cholesky of C
    const [m0, m1, c00, c01, c11] = [0.5, 0.25, 0.76, -0.19, 0.25];
    const [l00, l10] = [Math.sqrt(c00), c01 / Math.sqrt(c00)];
    const l11 = Math.sqrt(c11 - l10 * l10);
    const rng = Rng.from(4);
    const gaussian = Float32Array.from({ length: 8000 }, () => 0);
    for (let i = 0; i < 4000; i++) {
      const [z0, z1] = [rng.normal(), rng.normal()];
      [gaussian[2 * i], gaussian[2 * i + 1]] = [m0 + l00 * z0, m1 + l10 * z0 + l11 * z1];
    }
    expect(nearMoons(gaussian)).toBeLessThan(0.4);
    expect(fd2d(gaussian, data)).toBeLessThan(0.01);
    expect(fd2d(data.map((v) => v * 1.3), other)).toBeGreaterThan(0.1);
  });
});
