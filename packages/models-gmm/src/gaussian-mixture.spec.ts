import { describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { expectation, jointLogDensities, kMeansPlusPlus, maximization, mixture, nearestCentre, rowLogSumExp } from './gaussian-mixture.ts';

/** An Rng whose int() and uniform() return the given values in turn: k-means++ by hand. */
const scripted = (ints: number[], uniforms: number[] = []) => ({ int: () => ints.shift()!, uniform: () => uniforms.shift()! }) as unknown as Rng;

// weights 1/4, 3/4; N((0, 0), diag(1, 4)) and N((1, -1), [[2, 1], [1, 1]]) (det 1, inverse [[1, -1], [-1, 2]])
const twoComponents = () => mixture(2, Float64Array.of(0.25, 0.75), Float64Array.of(0, 0, 1, -1), Float64Array.of(1, 0, 0, 4, 2, 1, 1, 1));
const queries = [
  [1, 2],
  [-1, 0],
  [30, -40],
];
/** log pi_k + log N(x; mu_k, Sigma_k) of twoComponents, written out for 2 x 2 covariances. */
const joint = ([x, y]: number[]) => {
  const [r1, r2] = [x! - 1, y! + 1];
  return [Math.log(0.25) - Math.log(2 * Math.PI) - 0.5 * Math.log(4) - 0.5 * (x! ** 2 + y! ** 2 / 4), Math.log(0.75) - Math.log(2 * Math.PI) - 0.5 * (r1 ** 2 - 2 * r1 * r2 + 2 * r2 ** 2)];
};

describe('the Gaussian mixture', () => {
  it('keeps each covariance Cholesky factor and log-determinant, and names a singular component', () => {
    const m = twoComponents();
    expect(Array.from(m.lowers)).toEqual([1, 0, 0, 2, Math.SQRT2, 0, Math.SQRT1_2, Math.SQRT1_2].map((v) => expect.closeTo(v, 14)));
    expect(m.logDets[0]).toBeCloseTo(Math.log(4), 14);
    expect(m.logDets[1]).toBeCloseTo(0, 14);
    expect(() => mixture(2, Float64Array.of(0.5, 0.5), new Float64Array(4), Float64Array.of(1, 0, 0, 1, 1, 1, 1, 1))).toThrow(/^covariance of component 1 is singular .*; set the ridge option > 0 or use fewer components$/);
  });

  it('gives log pi_k + log N(x; mu_k, Sigma_k) for each row and component, by hand for 2 x 2 covariances', () => {
    const got = jointLogDensities(twoComponents(), Float64Array.from(queries.flat()));
    expect(got).toHaveLength(6);
    queries.forEach((q, i) => joint(q).forEach((want, c) => expect(got[2 * i + c], `row ${i}, component ${c}`).toBeCloseTo(want, 11)));
  });

  it('sums rows in log space: log(1 + 3) = log 4, and rows near ±1000 stay finite', () => {
    const got = rowLogSumExp(Float64Array.of(0, Math.log(3), 1000, 1000, -1000, -1001, -5, -Infinity), 2);
    expect(got[0]).toBeCloseTo(Math.log(4), 14);
    expect(got[1]).toBeCloseTo(1000 + Math.LN2, 11);
    expect(got[2]).toBeCloseTo(-1000 + Math.log1p(Math.exp(-1)), 11);
    expect(got[3]).toBe(-5);
  });

  it('E-step: responsibilities pi_k N_k / sum_l pi_l N_l and the total log-likelihood, by hand', () => {
    const { responsibilities, logLikelihood } = expectation(twoComponents(), Float64Array.from(queries.slice(0, 2).flat()));
    let total = 0;
    queries.slice(0, 2).forEach((q, i) => {
      const [a, b] = joint(q).map(Math.exp) as [number, number];
      expect(responsibilities[2 * i], `row ${i}`).toBeCloseTo(a / (a + b), 12);
      expect(responsibilities[2 * i + 1], `row ${i}`).toBeCloseTo(b / (a + b), 12);
      total += Math.log(a + b);
    });
    expect(logLikelihood).toBeCloseTo(total, 11);
  });

  it('M-step: weights N_k / n, weighted means and covariances (Bishop eq. 9.24-9.26) plus the ridge, by hand', () => {
    // Corners of the square [0, 2]^2 with responsibilities (1, 0), (3/4, 1/4), (1/2, 1/2), (0, 1):
    // N = 9/4 and 7/4; mu_0 = (2/3, 4/9), mu_1 = (10/7, 12/7); Sigma_0 = [[8/9, -8/27], [-8/27, 56/81]], Sigma_1 = [[40/49, -8/49], [-8/49, 24/49]].
    const x = Float64Array.of(0, 0, 2, 0, 0, 2, 2, 2);
    const m = maximization(x, 2, Float64Array.of(1, 0, 0.75, 0.25, 0.5, 0.5, 0, 1), 2, 0.1);
    const close = (values: number[]) => values.map((v) => expect.closeTo(v, 12));
    expect(Array.from(m.weights)).toEqual(close([9 / 16, 7 / 16]));
    expect(Array.from(m.means)).toEqual(close([2 / 3, 4 / 9, 10 / 7, 12 / 7]));
    expect(Array.from(m.covariances)).toEqual(close([8 / 9 + 0.1, -8 / 27, -8 / 27, 56 / 81 + 0.1, 40 / 49 + 0.1, -8 / 49, -8 / 49, 24 / 49 + 0.1]));
    expect(m.logDets[0]).toBeCloseTo(Math.log((8 / 9 + 0.1) * (56 / 81 + 0.1) - (8 / 27) ** 2), 12);
  });

  it('M-step in 3-D: every entry of the covariance, the upper triangle mirrored from the lower', () => {
    // The origin and the three unit points scaled by 2: mu = (1/2, 1/2, 1/2), Sigma = 3/4 on the diagonal, -1/4 off it.
    const x = Float64Array.of(0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2);
    const m = maximization(x, 3, Float64Array.of(1, 1, 1, 1), 1, 0.1);
    const [diagonal, off] = [3 / 4 + 0.1, -1 / 4];
    expect(Array.from(m.means)).toEqual([0.5, 0.5, 0.5].map((v) => expect.closeTo(v, 12)));
    expect(Array.from(m.covariances)).toEqual([diagonal, off, off, off, diagonal, off, off, off, diagonal].map((v) => expect.closeTo(v, 12)));
  });

  it('M-step: a component that lost every sample keeps a finite mean (0), weight 0 and the ridge as covariance', () => {
    const m = maximization(Float64Array.of(1, 3, 5), 1, Float64Array.of(1, 0, 1, 0, 1, 0), 2, 0.5);
    expect(Array.from(m.weights)).toEqual([1, 0]);
    expect(Array.from(m.means)).toEqual([expect.closeTo(3, 12), 0]);
    expect(Array.from(m.covariances)).toEqual([expect.closeTo(8 / 3 + 0.5, 12), 0.5]);
  });

  it('k-means++: the first centre from rng.int(n), each next one by inverting the CDF of D(x)^2 to the nearest centre so far', () => {
    // Points 0, 4, 6, 10 on a line. From centre 0: D^2 = 0, 16, 36, 100 (total 152); u = 0.9 -> 136.8 falls in 10's share.
    // Then D^2 = min(., distance to 10) = 0, 16, 16, 0 (total 32); u = 0.6 -> 19.2 falls in 6's share, u = 0.4 -> 12.8 in 4's.
    const x = Float64Array.of(0, 4, 6, 10);
    expect(kMeansPlusPlus(x, 1, 3, scripted([0], [0.9, 0.6]))).toEqual([0, 3, 2]);
    expect(kMeansPlusPlus(x, 1, 3, scripted([0], [0.9, 0.4]))).toEqual([0, 3, 1]);
    expect(kMeansPlusPlus(x, 1, 1, scripted([2]))).toEqual([2]);
  });

  it('k-means++: in 2-D the squared distance sums both coordinates, and points all on one spot take any rows', () => {
    // From (0, 0): D^2 = 0, 2^2 + 1^2 = 5, 9 (total 14); u = 0.3 -> 4.2 lands in (2, 1)'s share, u = 0.4 -> 5.6 in (0, 3)'s.
    expect(kMeansPlusPlus(Float64Array.of(0, 0, 2, 1, 0, 3), 2, 2, scripted([0], [0.3]))).toEqual([0, 1]);
    expect(kMeansPlusPlus(Float64Array.of(0, 0, 2, 1, 0, 3), 2, 2, scripted([0], [0.4]))).toEqual([0, 2]);
    expect(kMeansPlusPlus(Float64Array.of(1, 1, 1), 1, 3, scripted([1, 0, 2]))).toEqual([1, 0, 2]);
  });

  it('k-means++ with a seeded rng: two far-apart clusters get a centre each', () => {
    const x = Float64Array.from({ length: 40 }, (_, i) => (i < 20 ? 0.01 * i : 1000 + 0.01 * i));
    for (let seed = 0; seed < 5; seed++) {
      const [a, b] = kMeansPlusPlus(x, 1, 2, Rng.from(seed, 'kmeans'));
      expect(a! < 20, `seed ${seed}`).not.toBe(b! < 20);
    }
  });

  it('assigns each row to its nearest centre, one-hot, a tie to the first centre', () => {
    // Centres are rows 0 (0, 0) and 3 (4, 0); row 1 (2, 0) is equidistant, row 2 (3, 1) nearer the second.
    const got = nearestCentre(Float64Array.of(0, 0, 2, 0, 3, 1, 4, 0), 2, [0, 3]);
    expect(Array.from(got)).toEqual([1, 0, 1, 0, 0, 1, 0, 1]);
    expect(Array.from(nearestCentre(Float64Array.of(0, 0, 1, 5), 2, [1, 0]))).toEqual([0, 1, 1, 0]);
  });
});
