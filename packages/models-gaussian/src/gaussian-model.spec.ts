import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, SampleStore, concatFloat32, TrainingSet, takeFloat32, type RunContext } from '@ouroboros/core';
import { tempDir, testContext } from '@ouroboros/core/testing';
import { GaussianModel } from './gaussian-model.ts';

const temp = tempDir('gaussian-model-');
let stores = 0;

/** A training set holding `data` (flat n x d float32) in a fresh store under the temp dir. */
async function trainingSet(data: Float32Array, d: number): Promise<TrainingSet> {
  const store = await SampleStore.write(join(temp.dir, `store-${stores++}`), { dtype: 'float32', sampleShape: [d] }, data);
  return new TrainingSet([{ name: 'real', store }]);
}

/** n draws of mu + L z with z from `rng`, as float32. */
function gaussianDraws(n: number, mean: number[], lower: number[], rng: Rng): Float32Array {
  const d = mean.length;
  const out = new Float32Array(n * d);
  const z = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < d; k++) z[k] = rng.normal();
    for (let i = 0; i < d; i++) {
      let s = mean[i]!;
      for (let k = 0; k <= i; k++) s += lower[i * d + k]! * z[k]!;
      out[r * d + i] = s;
    }
  }
  return out;
}

async function collect(samples: AsyncIterable<tf.Tensor>): Promise<{ values: Float32Array; shapes: number[][] }> {
  const parts: Float32Array[] = [];
  const shapes: number[][] = [];
  for await (const batch of samples) {
    shapes.push(batch.shape);
    parts.push(await takeFloat32(batch));
  }
  return { values: concatFloat32(parts), shapes };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

describe('GaussianModel.fit', () => {
  it('recovers a known mean and covariance from 40,000 samples', async () => {
    const mean = [1, -2, 0.5];
    const lower = [1, 0, 0, 0.5, 2, 0, -1, 0.3, 0.7];
    const covariance = [1, 0.5, -1, 0.5, 4.25, 0.1, -1, 0.1, 1.58]; // L L^T
    const n = 40_000;
    const model = new GaussianModel([3]);
    const report = await model.fit(await trainingSet(gaussianDraws(n, mean, lower, Rng.from(1, 'fit')), 3), {}, testContext());
    const fittedMean = model.mean;
    const fittedCov = model.covariance;
    // 5 standard errors: se(mu_i) = sqrt(S_ii / n), se(S_ij) = sqrt((S_ii S_jj + S_ij^2) / n).
    for (let i = 0; i < 3; i++) expect(Math.abs(fittedMean[i]! - mean[i]!)).toBeLessThan(5 * Math.sqrt(covariance[i * 4]! / n));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const se = Math.sqrt((covariance[i * 4]! * covariance[j * 4]! + covariance[i * 3 + j]! ** 2) / n);
        expect(Math.abs(fittedCov[i * 3 + j]! - covariance[i * 3 + j]!)).toBeLessThan(5 * se);
      }
    }
    expect(report.steps).toBe(1);
  });

  it('reports as trainLoss the mean NLL of the training data, with and without a ridge', async () => {
    const data = gaussianDraws(500, [0, 3], [2, 0, 1, 1], Rng.from(2, 'loss'));
    for (const ridge of [0, 0.5]) {
      const model = new GaussianModel([2], ridge);
      const { trainLoss } = await model.fit(await trainingSet(data, 2), {}, testContext());
      const meanNll = -model.logDensity(data).reduce((s, v) => s + v, 0) / 500;
      expect(trainLoss).toBeCloseTo(meanNll, 11);
    }
  });

  it('adds the ridge to the covariance diagonal', async () => {
    const data = gaussianDraws(100, [0, 0], [1, 0, 0, 1], Rng.from(3, 'ridge'));
    const plain = new GaussianModel([2]);
    const ridged = new GaussianModel([2], 0.25);
    await plain.fit(await trainingSet(data, 2), {}, testContext());
    await ridged.fit(await trainingSet(data, 2), {}, testContext());
    const a = plain.covariance;
    const b = ridged.covariance;
    expect([b[0]! - a[0]!, b[1]! - a[1]!, b[2]! - a[2]!, b[3]! - a[3]!]).toEqual([0.25, 0, 0, 0.25]);
  });

  it('replaces the parameters on a second fit instead of warm-starting', async () => {
    const model = new GaussianModel([2]);
    await model.fit(await trainingSet(gaussianDraws(200, [5, 5], [1, 0, 0, 1], Rng.from(4)), 2), {}, testContext());
    const second = gaussianDraws(200, [-5, 0], [1, 0, 0, 1], Rng.from(5));
    await model.fit(await trainingSet(second, 2), {}, testContext());
    const fresh = new GaussianModel([2]);
    await fresh.fit(await trainingSet(second, 2), {}, testContext());
    expect(model.mean).toEqual(fresh.mean);
    expect(model.covariance).toEqual(fresh.covariance);
  });

  it('names the problem when the covariance is singular and suggests the ridge', async () => {
    const model = new GaussianModel([2]);
    await expect(model.fit(await trainingSet(Float32Array.of(1, 2), 2), {}, testContext())).rejects.toThrow(
      /gaussian.fit: covariance of 1 samples in 2 dimensions is singular .*; set the ridge option > 0/,
    );
    await new GaussianModel([2], 0.1).fit(await trainingSet(Float32Array.of(1, 2), 2), {}, testContext());
  });

  it('refuses a training set of another sample shape', async () => {
    await expect(new GaussianModel([3]).fit(await trainingSet(Float32Array.of(1, 2), 2), {}, testContext())).rejects.toThrow(
      'gaussian.fit: training set has samples of shape [2]; expected [3]',
    );
  });
});

describe('GaussianModel likelihood', () => {
  // mu +- (2, 1) and mu +- (0, 1) with mu = (1, -1): mean mu, MLE covariance [[2, 1], [1, 1]] exactly
  // (det 1, inverse [[1, -1], [-1, 2]]), so log p(x) = -log(2 pi) - (r1^2 - 2 r1 r2 + 2 r2^2) / 2 with r = x - mu.
  const fourPoints = Float32Array.of(3, 0, -1, -2, 1, 0, 1, -2);
  const queries = Float32Array.of(1, -1, 2, 0.5, 0, 0, -3, 4);
  const expected = [0, 2.5, 5, 16 + 40 + 50].map((q) => -Math.log(2 * Math.PI) - q / 2);

  it('equals the closed-form density of a hand-computed 2-D case to 1e-9 in float64', async () => {
    const model = new GaussianModel([2]);
    await model.fit(await trainingSet(fourPoints, 2), {}, testContext());
    expect(Array.from(model.covariance)).toEqual([2, 1, 1, 1]);
    const logDensity = model.logDensity(queries);
    for (let i = 0; i < expected.length; i++) expect(Math.abs(logDensity[i]! - expected[i]!)).toBeLessThan(1e-9);
  });

  it('returns the same float64 values, one per row, from logLikelihood', async () => {
    const model = new GaussianModel([2]);
    await model.fit(await trainingSet(fourPoints, 2), {}, testContext());
    const x = tf.tensor2d(queries, [4, 2]);
    const values = await model.logLikelihood(x);
    x.dispose();
    expect(values).toBeInstanceOf(Float64Array);
    expect(values).toHaveLength(4);
    for (let i = 0; i < expected.length; i++) expect(Math.abs(values[i]! - expected[i]!)).toBeLessThan(1e-9);
    expect(model.likelihood).toBe('exact');
  });
});

describe('GaussianModel.sample', () => {
  it('yields float32 batches of at most 4096 samples whose moments match the model', async () => {
    const model = new GaussianModel([2]);
    await model.fit(await trainingSet(gaussianDraws(1000, [3, -1], [1.5, 0, -0.5, 0.5], Rng.from(6)), 2), {}, testContext());
    const n = 10_000;
    const { values, shapes } = await collect(model.sample(n, testContext(7)));
    expect(shapes).toEqual([
      [4096, 2],
      [4096, 2],
      [1808, 2],
    ]);
    const refit = new GaussianModel([2]);
    await refit.fit(await trainingSet(values, 2), {}, testContext());
    const mean = model.mean;
    const cov = model.covariance;
    for (let i = 0; i < 2; i++) expect(Math.abs(refit.mean[i]! - mean[i]!)).toBeLessThan(5 * Math.sqrt(cov[i * 3]! / n));
    for (let k = 0; k < 4; k++) expect(Math.abs(refit.covariance[k]! - cov[k]!)).toBeLessThan(0.1);
  });

  it('draws from ctx.rng only: the same seed gives the same samples, another seed others', async () => {
    const model = new GaussianModel([3]);
    await model.fit(await trainingSet(gaussianDraws(50, [0, 0, 0], [1, 0, 0, 0, 1, 0, 0, 0, 1], Rng.from(8)), 3), {}, testContext());
    const a = (await collect(model.sample(100, testContext(1)))).values;
    const b = (await collect(model.sample(100, testContext(1)))).values;
    const c = (await collect(model.sample(100, testContext(2)))).values;
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('refuses to sample before fit', async () => {
    await expect(collect(new GaussianModel([2]).sample(3, testContext()))).rejects.toThrow(
      'gaussian.sample: the model is not fitted (or was disposed); call fit or load first',
    );
  });
});

describe('GaussianModel save and load', () => {
  it('round-trips bit-exactly: same parameters, and bit-identical samples for the same rng', async () => {
    const model = new GaussianModel([4], 0.01);
    await model.fit(await trainingSet(gaussianDraws(300, [0.1, 0.2, 0.3, 1e3], [1, 0, 0, 0, 0.3, 1, 0, 0, 1 / 3, 0.2, 1, 0, 0, 0, 0.5, 1], Rng.from(9)), 4), {}, testContext());
    const dir = join(temp.dir, 'saved');
    await model.save(dir);
    const loaded = await GaussianModel.load(dir, 0.01);
    expect(loaded.mean).toEqual(model.mean);
    expect(loaded.covariance).toEqual(model.covariance);
    const ctx = (): RunContext => testContext(11, 3);
    const original = (await collect(model.sample(500, ctx()))).values;
    const reloaded = (await collect(loaded.sample(500, ctx()))).values;
    expect(Buffer.from(reloaded.buffer).equals(Buffer.from(original.buffer))).toBe(true);
    expect(loaded.logDensity(original)).toEqual(model.logDensity(original));
  });

  it('names the file when it is missing or malformed', async () => {
    const dir = join(temp.dir, 'broken');
    await expect(GaussianModel.load(dir)).rejects.toThrow(`${join(dir, 'gaussian.json')}: no Gaussian model here (missing gaussian.json)`);
    const model = new GaussianModel([2]);
    await model.fit(await trainingSet(fourPointsForSave(), 2), {}, testContext());
    await model.save(dir);
    writeFileSync(join(dir, 'gaussian.json'), '{"format": "ouroboros.gaussian", "version": 1,');
    await expect(GaussianModel.load(dir)).rejects.toThrow(`${join(dir, 'gaussian.json')}: not valid JSON`);
    writeFileSync(
      join(dir, 'gaussian.json'),
      JSON.stringify({ format: 'ouroboros.gaussian', version: 1, sampleShape: [2], ridge: 0, trainCount: 4, mean: [0, 0, 0], covariance: [[1, 0], [0, 1]] }),
    );
    await expect(GaussianModel.load(dir)).rejects.toThrow(`${join(dir, 'gaussian.json')}: mean has 3 values; expected 2 for sampleShape [2]`);
    writeFileSync(join(dir, 'gaussian.json'), JSON.stringify({ format: 'ouroboros.gaussian', version: 1, sampleShape: [2], ridge: 0, trainCount: 4, mean: [0, 0] }));
    await expect(GaussianModel.load(dir)).rejects.toThrow(`${join(dir, 'gaussian.json')}: covariance is missing: expected array, received undefined; expected a model written by GaussianModel.save`);
  });

  it('refuses to save an unfitted model and forgets its parameters on dispose', async () => {
    const model = new GaussianModel([2]);
    await expect(model.save(join(temp.dir, 'unfitted'))).rejects.toThrow('gaussian.save: the model is not fitted');
    await model.fit(await trainingSet(fourPointsForSave(), 2), {}, testContext());
    expect(model.fitted).toBe(true);
    model.dispose();
    expect(model.fitted).toBe(false);
  });
});

function fourPointsForSave(): Float32Array {
  return Float32Array.of(3, 0, -1, -2, 1, 0, 1, -2);
}
