import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@ouroboros/nn';
import { join } from 'node:path';
import { metricInput, recordingEnv, tempDir, testContext, vectorStore } from '@ouroboros/core/testing';
import { fdMetricPlugin, fdOptions } from './fd-metric.ts';

const temp = tempDir('fd-metric-');
afterAll(() => temp.cleanup());
beforeAll(async () => {
  await selectBackend('wasm');
});

const realRows = [
  [0, 0],
  [1, 2],
  [2, 1],
  [-1, 0.5],
  [0.5, -1.5],
  [3, 3],
];
const generatedRows = [
  [1, 1],
  [2, -1],
  [0, 3],
  [-2, -2],
  [1.5, 0.25],
];

async function fdRow(real: number[][], generated: number[][], name: string, options = {}, seed = 0, extractor = 'identity'): Promise<Record<string, number>> {
  const input = metricInput(await vectorStore(join(temp.dir, `${name}-real`), real), await vectorStore(join(temp.dir, `${name}-generated`), generated), undefined, extractor);
  const metric = fdMetricPlugin.create(fdOptions.parse(options), recordingEnv(real[0]!.length));
  return metric.compute(input, testContext(seed));
}

async function fd(real: number[][], generated: number[][], name: string, options = {}, seed = 0): Promise<number> {
  return (await fdRow(real, generated, name, options, seed)).fd!;
}

describe('fd metric', () => {
  it('matches pytorch-fid (np.cov, unbiased) on two fixed sample sets with non-commuting covariances', async () => {
    // numpy 2.4.6 / scipy 1.17.1: mu = x.mean(0), sigma = np.cov(x, rowvar=False) for each set, then
    // diff @ diff + trace(s1) + trace(s2) - 2 * trace(scipy.linalg.sqrtm(s1 @ s2).real).
    expect(await fd(realRows, generatedRows, 'reference')).toBeCloseTo(0.9366223065115005, 12);
  });

  it('equals the closed form for diagonal fitted covariances: mu +- a e1, mu +- b e2 has mean mu, covariance diag(2a^2, 2b^2)/3', async () => {
    const cross = (mu: number[], a: number, b: number) => [
      [mu[0]! + a, mu[1]!],
      [mu[0]! - a, mu[1]!],
      [mu[0]!, mu[1]! + b],
      [mu[0]!, mu[1]! - b],
    ];
    const expected = 2 + (Math.sqrt(2 / 3) - Math.sqrt(6)) ** 2 + (Math.sqrt(8 / 3) - Math.sqrt(1 / 6)) ** 2;
    expect(await fd(cross([0, 0], 1, 2), cross([1, -1], 3, 0.5), 'diagonal')).toBeCloseTo(expected, 12);
  });

  it('is 0 for identical sets and invariant under a common rotation and shift', async () => {
    expect(Math.abs(await fd(realRows, realRows, 'same'))).toBeLessThan(1e-12);
    const move = (rows: number[][]) => rows.map(([x, y]) => [0.6 * x! - 0.8 * y! + 5, 0.8 * x! + 0.6 * y! - 2]);
    expect(await fd(move(realRows), move(generatedRows), 'moved')).toBeCloseTo(0.9366223065115005, 5);
  });

  it('subsamples with the run rng when maxSamples is set: the same seed gives the same value', async () => {
    const many = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(3 * i) + i / 40]);
    const shifted = many.map(([x, y]) => [x! + 0.5, y!]);
    const full = await fd(many, shifted, 'full');
    const sub1 = await fd(many, shifted, 'sub1', { maxSamples: 20 }, 1);
    const sub1again = await fd(many, shifted, 'sub1again', { maxSamples: 20 }, 1);
    const sub2 = await fd(many, shifted, 'sub2', { maxSamples: 20 }, 2);
    expect(sub1again).toBe(sub1);
    expect(sub1).not.toBe(full);
    expect(sub2).not.toBe(sub1);
    expect(await fd(many, shifted, 'big', { maxSamples: 1000 })).toBe(full);
  });

  it('gives the same value to float32 precision from float32 matMul blocks', async () => {
    expect(await fd(realRows, generatedRows, 'blocks', { covariance: 'float32-blocks' })).toBeCloseTo(0.9366223065115005, 6);
  });

  it('is logged as fid on inception-v3 features, fd_cnn on a classifier\'s and fd on any other', async () => {
    expect(Object.keys(await fdRow(realRows, generatedRows, 'fid', {}, 0, 'inception-v3'))).toEqual(['fid']);
    expect(Object.keys(await fdRow(realRows, generatedRows, 'cnn', {}, 0, 'classifier'))).toEqual(['fd_cnn']);
    expect(Object.keys(await fdRow(realRows, generatedRows, 'pixels', {}, 0, 'pixels'))).toEqual(['fd']);
  });

  it('validates its options', () => {
    expect(fdOptions.parse({})).toEqual({ covariance: 'float64' });
    expect(() => fdOptions.parse({ covariance: 'float16' })).toThrow();
    expect(() => fdOptions.parse({ maxSamples: 0 })).toThrow();
    expect(() => fdOptions.parse({ maxSamples: 2.5 })).toThrow();
  });
});
