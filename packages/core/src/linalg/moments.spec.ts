import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.ts';
import { MomentAccumulator, accumulateMoments } from './moments.ts';
import { maxAbsDiff } from '../testing/matrices.ts';

/** Two passes: mu = sum x / n, then Sigma = sum (x - mu)(x - mu)^T / (n - ddof). */
function twoPassMoments(x: ArrayLike<number>, n: number, d: number, ddof: number): { mean: number[]; cov: number[] } {
  const mean = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  const cov = new Array<number>(d * d).fill(0);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b]! += ((x[i * d + a]! - mean[a]!) * (x[i * d + b]! - mean[b]!)) / (n - ddof);
  }
  return { mean, cov };
}

/** n samples in d dimensions far from the origin (offset 1e4), as float32. */
function offsetSamples(n: number, d: number, seed: number): Float32Array {
  const rng = Rng.from(seed, 'moments-test');
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = 1e4 + (j + 1) * rng.normal() + 0.5 * (j > 0 ? x[i * d + j - 1]! - 1e4 : 0);
  return x;
}

describe('MomentAccumulator', () => {
  const n = 1003;
  const d = 6;
  const x = offsetSamples(n, d, 1);
  const direct = twoPassMoments(x, n, d, 0);

  it('gives the mean and maximum-likelihood covariance of a two-pass computation', () => {
    const acc = new MomentAccumulator(d).add(x);
    expect(acc.count).toBe(n);
    expect(maxAbsDiff(acc.mean(), direct.mean)).toBeLessThan(1e-9);
    expect(maxAbsDiff(acc.covariance(), direct.cov)).toBeLessThan(1e-9);
  });

  it('gives the unbiased covariance with ddof 1', () => {
    const unbiased = twoPassMoments(x, n, d, 1);
    expect(maxAbsDiff(new MomentAccumulator(d).add(x).covariance(1), unbiased.cov)).toBeLessThan(1e-9);
  });

  it('streams batches of uneven sizes to the same moments as one pass', async () => {
    async function* batches() {
      const sizes = [1, 2, 3, 100, 7, 500];
      let start = 0;
      for (let b = 0; start < n; b++) {
        const end = Math.min(n, start + sizes[b % sizes.length]!);
        yield x.subarray(start * d, end * d);
        start = end;
      }
    }
    const streamed = await accumulateMoments(batches(), d);
    const onePass = new MomentAccumulator(d).add(x);
    expect(streamed.count).toBe(n);
    expect(maxAbsDiff(streamed.mean(), onePass.mean())).toBeLessThan(1e-10);
    expect(maxAbsDiff(streamed.covariance(), onePass.covariance())).toBeLessThan(1e-10);
  });

  it('merges two accumulators into the moments of the union', () => {
    const left = new MomentAccumulator(d).add(x.subarray(0, 400 * d));
    const right = new MomentAccumulator(d).add(x.subarray(400 * d));
    const merged = left.merge(right);
    expect(merged.count).toBe(n);
    expect(maxAbsDiff(merged.covariance(), direct.cov)).toBeLessThan(1e-9);
  });

  it('returns an exactly symmetric covariance', () => {
    const cov = new MomentAccumulator(d).add(x).covariance();
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(cov[i * d + j]).toBe(cov[j * d + i]);
  });

  it('names what is wrong with too few samples or a ragged batch', () => {
    expect(() => new MomentAccumulator(2).mean()).toThrow('MomentAccumulator: mean of 0 samples; expected at least 1');
    expect(() => new MomentAccumulator(2).add([1, 2]).covariance(1)).toThrow('covariance with ddof 1 of 1 samples; expected at least 2');
    expect(() => new MomentAccumulator(3).add([1, 2])).toThrow('2 values is not a whole number of 3-dimensional samples');
  });
});

describe('MomentAccumulator edges', () => {
  it('ignores empty batches and empty accumulators, hands out copies, needs ddof + 1 samples, and refuses bad dimensions in one line', () => {
    const x = Float64Array.of(1, 2, 4, -1, 0.5, 3);
    const plain = new MomentAccumulator(2).add(x);
    const padded = new MomentAccumulator(2).add([]).add(x).merge(new MomentAccumulator(2)).add([]);
    expect([padded.count, Array.from(padded.mean()), Array.from(padded.covariance(1))]).toEqual([3, Array.from(plain.mean()), Array.from(plain.covariance(1))]);
    plain.mean().fill(99);
    expect(Array.from(plain.mean())).toEqual([(1 + 4 + 0.5) / 3, (2 - 1 + 3) / 3]);
    const two = new MomentAccumulator(1).add([1, 3]);
    expect([Array.from(two.covariance(1)), Array.from(new MomentAccumulator(1).add([5]).mean())]).toEqual([[2], [5]]);
    expect(() => new MomentAccumulator(1).add([5]).covariance(1)).toThrow('MomentAccumulator: covariance with ddof 1 of 1 samples; expected at least 2');
    for (const dim of [0, 1.5]) expect(() => new MomentAccumulator(dim)).toThrow(`MomentAccumulator: dim = ${dim}; expected a positive integer`);
    expect(() => new MomentAccumulator(2).merge(new MomentAccumulator(3))).toThrow('MomentAccumulator.merge: dim 3; expected 2');
  });
});
