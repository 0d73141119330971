import { PluginRegistry, Rng } from '@ouroboros/core';
import { describe, expect, it } from 'vitest';
import { collect, createDataset } from '../testing/collect-samples.ts';
import { gaussianDataset } from './gaussian.ts';

const registry = new PluginRegistry({ dataset: [gaussianDataset] });

/** The one-line message the registry gives for these gaussian options. */
function optionError(options: Record<string, unknown>): string {
  try {
    registry.bind('dataset', { id: 'gaussian', ...options });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the options to be rejected');
}

/** Empirical mean vector and (1/n) covariance matrix of n samples of dimension d. */
function moments(flat: Float32Array, dim: number): { mean: number[]; covariance: number[][] } {
  const n = flat.length / dim;
  const mean = Array.from({ length: dim }, (_, i) => {
    let sum = 0;
    for (let s = 0; s < n; s++) sum += flat[s * dim + i]!;
    return sum / n;
  });
  const covariance = mean.map((mi, i) =>
    mean.map((mj, j) => {
      let sum = 0;
      for (let s = 0; s < n; s++) sum += (flat[s * dim + i]! - mi) * (flat[s * dim + j]! - mj);
      return sum / n;
    }),
  );
  return { mean, covariance };
}

describe('gaussian dataset', () => {
  const mean = [1, -2, 0.5];
  const covariance = [
    [2, 0.6, -0.4],
    [0.6, 1, 0.3],
    [-0.4, 0.3, 0.5],
  ];
  const n = 40_000;

  it('has empirical mean and covariance within a few standard errors of the given ones', async () => {
    const dataset = createDataset(gaussianDataset, { mean, covariance, train: n });
    expect(dataset.info.sampleShape).toEqual([3]);
    const empirical = moments(await collect(dataset.split('train', Rng.from(11))), 3);
    for (let i = 0; i < 3; i++) {
      // se(mean_i) = sqrt(Σ_ii / n)
      expect(Math.abs(empirical.mean[i]! - mean[i]!)).toBeLessThan(4 * Math.sqrt(covariance[i]![i]! / n));
      for (let j = 0; j < 3; j++) {
        // se(cov_ij) ≈ sqrt((Σ_ii Σ_jj + Σ_ij²) / n) for gaussian data
        const se = Math.sqrt((covariance[i]![i]! * covariance[j]![j]! + covariance[i]![j]! ** 2) / n);
        expect(Math.abs(empirical.covariance[i]![j]! - covariance[i]![j]!)).toBeLessThan(4 * se);
      }
    }
  });

  it('defaults to the standard normal in 2 dimensions', async () => {
    const dataset = createDataset(gaussianDataset, { train: n });
    expect(dataset.info.sampleShape).toEqual([2]);
    const empirical = moments(await collect(dataset.split('train', Rng.from(12))), 2);
    const se = 1 / Math.sqrt(n);
    expect(Math.abs(empirical.mean[0]!)).toBeLessThan(4 * se);
    expect(Math.abs(empirical.mean[1]!)).toBeLessThan(4 * se);
    expect(Math.abs(empirical.covariance[0]![0]! - 1)).toBeLessThan(4 * Math.SQRT2 * se);
    expect(Math.abs(empirical.covariance[0]![1]!)).toBeLessThan(4 * se);
  });

  it('takes d from dim, else from the length of mean, else from the size of covariance', () => {
    expect(createDataset(gaussianDataset, { dim: 5 }).info.sampleShape).toEqual([5]);
    expect(createDataset(gaussianDataset, { mean: [0, 0, 0] }).info.sampleShape).toEqual([3]);
    expect(createDataset(gaussianDataset, { covariance: [[2]] }).info.sampleShape).toEqual([1]);
  });

  it('rejects a non-symmetric covariance in one line naming the option and the entries', () => {
    const message = optionError({ covariance: [[1, 0.5], [0.2, 1]] });
    expect(message).toMatch(/^dataset\.covariance = \[\[1,0\.5\],\[0\.2,1\]\]: expected a symmetric matrix, but \[0\]\[1\] = 0\.5 and \[1\]\[0\] = 0\.2/);
    expect(message).not.toContain('\n');
  });

  it('rejects a symmetric covariance that is not positive definite', () => {
    expect(optionError({ covariance: [[1, 2], [2, 1]] })).toMatch(/^dataset\.covariance = .*: expected a positive definite matrix/);
  });

  it('rejects a covariance of the wrong size and a mean of the wrong length, naming where d came from', () => {
    expect(optionError({ dim: 3, covariance: [[1, 0], [0, 1]] })).toMatch(/^dataset\.covariance = .*: expected a 3 x 3 matrix \(d = 3, from dim\), got rows of lengths \[2, 2\]$/);
    expect(optionError({ dim: 2, mean: [0, 0, 0] })).toMatch(/^dataset\.mean = \[0,0,0\]: expected 2 numbers \(d = 2, from dim\), got 3$/);
    expect(optionError({ mean: [0], covariance: [[1, 0], [0, 1]] })).toMatch(/^dataset\.covariance = .*: expected a 1 x 1 matrix \(d = 1, from the length of mean\)/);
  });

  it('rejects a dimension below 1 and unknown options', () => {
    expect(optionError({ dim: 0 })).toMatch(/^dataset\.dim = 0: expected/);
    expect(optionError({ covarience: [[1]] })).toMatch(/dataset\.covarience: unknown field/);
  });
});
