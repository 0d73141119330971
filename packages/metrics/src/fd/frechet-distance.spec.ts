import { describe, expect, it } from 'vitest';
import { frechetDistance, psdFactor, traceSqrtProduct } from './frechet-distance.ts';

describe('frechetDistance', () => {
  it('matches pytorch-fid on a fixed non-commuting 3-D example', () => {
    const mu1 = Float64Array.of(0, 1, -1);
    const s1 = Float64Array.of(2, 0.5, 0.1, 0.5, 1, -0.3, 0.1, -0.3, 0.7);
    const mu2 = Float64Array.of(0.5, 0.5, 0);
    const s2 = Float64Array.of(1, -0.4, 0.2, -0.4, 2, 0.6, 0.2, 0.6, 1.5);
    // numpy 2.4.6 / scipy 1.17.1, pytorch-fid's formula:
    //   diff @ diff + trace(s1) + trace(s2) - 2 * trace(scipy.linalg.sqrtm(s1 @ s2).real)
    expect(frechetDistance(mu1, s1, mu2, s2, 3)).toBeCloseTo(2.6575505214250796, 12);
  });

  it('equals |m1 - m2|^2 + sum (sqrt a_i - sqrt b_i)^2 for commuting (here diagonal) covariances', () => {
    const a = [0.5, 2, 9, 1e-3];
    const b = [4, 2, 0.25, 1];
    const mu1 = Float64Array.of(1, 2, 3, 4);
    const mu2 = Float64Array.of(0, 2, 5, 4.5);
    const diagonal = (v: number[]) => Float64Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? v[k / 5]! : 0));
    const expected = 1 + 4 + 0.25 + a.reduce((s, ai, i) => s + (Math.sqrt(ai) - Math.sqrt(b[i]!)) ** 2, 0);
    expect(frechetDistance(mu1, diagonal(a), mu2, diagonal(b), 4)).toBeCloseTo(expected, 12);
  });

  it('is 0 between a Gaussian and itself and symmetric in its arguments', () => {
    const mu = Float64Array.of(1, -1);
    const s = Float64Array.of(2, 0.3, 0.3, 0.5);
    const t = Float64Array.of(1, -0.2, -0.2, 3);
    expect(Math.abs(frechetDistance(mu, s, mu, s, 2))).toBeLessThan(1e-13);
    expect(frechetDistance(mu, s, new Float64Array(2), t, 2)).toBeCloseTo(frechetDistance(new Float64Array(2), t, mu, s, 2), 13);
  });

  it('handles a singular first covariance: S1 = a a^T gives tr sqrt(S1 S2) = sqrt(a^T S2 a)', () => {
    // a = sqrt(0.1) (1, 2, 3): tr S1 = 1.4, a^T S2 a = 0.1 * 29.3 = 2.93.
    const s1 = Float64Array.from({ length: 9 }, (_, k) => 0.1 * (Math.floor(k / 3) + 1) * ((k % 3) + 1));
    const s2 = Float64Array.of(1, -0.4, 0.2, -0.4, 2, 0.6, 0.2, 0.6, 1.5);
    expect(traceSqrtProduct(s1, s2, 3)).toBeCloseTo(Math.sqrt(2.93), 7);
    expect(frechetDistance(Float64Array.of(0, 1, -1), s1, Float64Array.of(0.5, 0.5, 0), s2, 3)).toBeCloseTo(1.5 + 1.4 + 4.5 - 2 * Math.sqrt(2.93), 7);
  });

  it('factors a PSD matrix as F F^T whether or not it is positive definite', () => {
    for (const s of [Float64Array.of(4, 2, 2, 3), Float64Array.of(1, 2, 2, 4)]) {
      const f = psdFactor(s, 2);
      const back = [f[0]! * f[0]! + f[1]! * f[1]!, f[0]! * f[2]! + f[1]! * f[3]!, f[2]! * f[0]! + f[3]! * f[1]!, f[2]! * f[2]! + f[3]! * f[3]!];
      for (let k = 0; k < 4; k++) expect(back[k]).toBeCloseTo(s[k]!, 13);
    }
  });

  it('names mismatched means', () => {
    expect(() => frechetDistance(new Float64Array(2), new Float64Array(4), new Float64Array(3), new Float64Array(4), 2)).toThrow(
      'frechetDistance: means of 2 and 3 values; expected 2',
    );
  });
});
