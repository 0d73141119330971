import { beforeAll, describe, expect, it } from 'vitest';
import { MomentAccumulator, Rng } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { BlockMomentAccumulator } from './block-moments.ts';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** n samples in d dimensions, correlated and far from the origin (offset 100), as float32. */
function samples(n: number, d: number): Float32Array {
  const rng = Rng.from(4, 'block-moments');
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = 100 + (j + 1) * rng.normal() + (j > 0 ? 0.5 * (x[i * d + j - 1]! - 100) : 0);
  return x;
}

describe('BlockMomentAccumulator', () => {
  const n = 1001;
  const d = 13;
  const x = samples(n, d);
  const exact = new MomentAccumulator(d).add(x);

  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('float64: the mean and unbiased covariance of a float64 two-pass computation, streamed in uneven blocks', () => {
    const acc = new BlockMomentAccumulator(d, 'float64', 64);
    for (const [start, end] of [[0, 1], [1, 300], [300, 301], [301, 1001]] as const) acc.add(x.subarray(start * d, end * d));
    const m = acc.moments(1);
    expect(m.count).toBe(n);
    expect(maxAbsDiff(m.mean, exact.mean())).toBeLessThan(1e-11);
    expect(maxAbsDiff(m.covariance, exact.covariance(1))).toBeLessThan(1e-10);
  });

  it('float32: the same to about 1e-7 of the variances', () => {
    const m = new BlockMomentAccumulator(d, 'float32', 128).add(x).moments(1);
    const reference = exact.covariance(1);
    const scale = Math.max(...reference.map(Math.abs));
    expect(maxAbsDiff(m.covariance, reference) / scale).toBeLessThan(1e-6);
  });

  it('gives the maximum-likelihood covariance with ddof 0 and names too few samples', () => {
    expect(maxAbsDiff(new BlockMomentAccumulator(d).add(x).moments(0).covariance, exact.covariance(0))).toBeLessThan(1e-10);
    expect(() => new BlockMomentAccumulator(2).add(Float64Array.of(1, 2)).moments(1)).toThrow('covariance with ddof 1 of 1 samples; expected at least 2');
    expect(() => new BlockMomentAccumulator(3).add(Float64Array.of(1, 2))).toThrow('2 values is not a whole number of 3-dimensional samples');
  });
});
