import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SampleStore, TrainingSet, takeFloat32 } from '@ouroboros/core';
import { tempDir, testContext } from '@ouroboros/core/testing';
import { GaussianModel } from './gaussian-model.ts';

const temp = tempDir('gaussian-exact-');
let stores = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

async function trainingSet(data: Float32Array, d: number): Promise<TrainingSet> {
  const store = await SampleStore.write(join(temp.dir, `store-${stores++}`), { dtype: 'float32', sampleShape: [d] }, data);
  return new TrainingSet([{ name: 'real', store }]);
}

/** The batches' shapes and their values, concatenated. */
async function collect(samples: AsyncIterable<tf.Tensor>): Promise<{ values: number[]; shapes: number[][] }> {
  const values: number[] = [];
  const shapes: number[][] = [];
  for await (const batch of samples) {
    shapes.push(batch.shape);
    values.push(...(await takeFloat32(batch)));
  }
  return { values, shapes };
}

/** mu +- (2, 1) and mu +- (0, 1) with mu = (1, -1): MLE covariance [[2, 1], [1, 1]], L = [[sqrt 2, 0], [1 / sqrt 2, 1 / sqrt 2]]. */
const fourPoints = Float32Array.of(3, 0, -1, -2, 1, 0, 1, -2);
const recording = (seed: number, seen: [number, string][]) => testContext(seed, 0, { progress: (f, detail) => void seen.push([f, detail]) });

describe('GaussianModel, exactly', () => {
  it('fits 8-bit images in model space, v / 127.5 - 1, reporting progress per batch of 4096', async () => {
    // One pixel, 0 and 255 alternating over 5000 samples: encoded -1 and 1, mean 0, variance 1.
    const info = { kind: 'image' as const, dtype: 'uint8' as const, sampleShape: [1, 1, 1], trainCount: 0, testCount: 0 };
    const store = await SampleStore.write(join(temp.dir, 'pixels'), info, Uint8Array.from({ length: 5000 }, (_, i) => (i % 2) * 255));
    const model = new GaussianModel([1, 1, 1]);
    const seen: [number, string][] = [];
    await model.fit(new TrainingSet([{ name: 'real', store }]), {}, recording(0, seen));
    expect(Array.from(model.mean)).toEqual([0]);
    expect(Array.from(model.covariance)).toEqual([1]);
    expect(seen).toEqual([[4096 / 5000, 'moments of 4096/5000 samples'], [1, 'moments of 5000/5000 samples']]);
  });

  it('draws x = mu + L z with z = ctx.rng.normals(rows d) per batch of 4096 (float64, then float32), with progress', async () => {
    const model = new GaussianModel([2]);
    await model.fit(await trainingSet(fourPoints, 2), {}, testContext());
    const rng = testContext(3).rng;
    const z = [...rng.normals(4096 * 2), ...rng.normals(2)];
    const want = Array.from({ length: 4097 }, (_, r) => [1 + Math.SQRT2 * z[2 * r]!, -1 + Math.SQRT1_2 * (z[2 * r]! + z[2 * r + 1]!)]).flat();
    const seen: [number, string][] = [];
    const { values, shapes } = await collect(model.sample(4097, recording(3, seen)));
    expect(shapes).toEqual([[4096, 2], [1, 2]]);
    // float32 rounding of the float64 value, and the float64 rounding of L itself
    values.forEach((v, i) => expect(Math.abs(v - want[i]!), `value ${i}`).toBeLessThanOrEqual(2 ** -23 * Math.max(1, Math.abs(want[i]!))));
    expect(seen).toEqual([[4096 / 4097, '4096/4097 samples'], [1, '4097/4097 samples']]);
  });

  it('hands out copies of mu and Sigma: writing into them leaves the model as fitted', async () => {
    const model = new GaussianModel([2]);
    await model.fit(await trainingSet(fourPoints, 2), {}, testContext());
    model.mean.fill(9);
    model.covariance.fill(9);
    expect(Array.from(model.mean)).toEqual([1, -1]);
    expect(Array.from(model.covariance)).toEqual([2, 1, 1, 1]);
  });

  it('samples nothing for n = 0 and refuses an n that is not a count', async () => {
    const model = new GaussianModel([2]);
    await model.fit(await trainingSet(fourPoints, 2), {}, testContext());
    expect((await collect(model.sample(0, testContext()))).shapes).toEqual([]);
    await expect(collect(model.sample(-1, testContext()))).rejects.toThrow('gaussian.sample: n = -1; expected a non-negative integer');
    await expect(collect(model.sample(2.5, testContext()))).rejects.toThrow('gaussian.sample: n = 2.5; expected a non-negative integer');
  });

  it('refuses an empty training set, and a sample shape or ridge that is not one', async () => {
    await expect(new GaussianModel([2]).fit(await trainingSet(new Float32Array(0), 2), {}, testContext())).rejects.toThrow('gaussian.fit: training set has 0 samples; expected at least 1');
    expect(() => new GaussianModel([2, 0])).toThrow('gaussian: sampleShape [2, 0]; expected positive integers');
    expect(() => new GaussianModel([1.5, 2])).toThrow('gaussian: sampleShape [1.5, 2]; expected positive integers');
    expect(new GaussianModel([3, 2]).dim).toBe(6);
    expect(() => new GaussianModel([2], -0.1)).toThrow('gaussian: ridge = -0.1; expected a number >= 0');
    expect(() => new GaussianModel([2], Number.NaN)).toThrow('gaussian: ridge = NaN; expected a number >= 0');
  });

  it('refuses input that is not whole samples of its shape, and any use before fit', async () => {
    const model = new GaussianModel([2]);
    expect(() => model.mean).toThrow('gaussian.mean: the model is not fitted (or was disposed); call fit or load first');
    expect(() => model.covariance).toThrow('gaussian.covariance: the model is not fitted');
    expect(() => model.logDensity(fourPoints)).toThrow('gaussian.logDensity: the model is not fitted');
    await model.fit(await trainingSet(fourPoints, 2), {}, testContext());
    const x = tf.zeros([4, 3]);
    await expect(model.logLikelihood(x)).rejects.toThrow('gaussian.logLikelihood: input has samples of shape [3]; expected [2]');
    x.dispose();
    expect(() => model.logDensity(Float32Array.of(1, 2, 3))).toThrow('gaussianLogDensity: 3 values is not a whole number of 2-dimensional samples');
  });

  it('refuses a saved covariance that is not d x d or not positive definite, naming the file', async () => {
    const dir = join(temp.dir, 'saved');
    const path = join(dir, 'gaussian.json');
    const model = new GaussianModel([2]);
    await model.fit(await trainingSet(fourPoints, 2), {}, testContext());
    await model.save(dir);
    const saved = (covariance: number[][]) => JSON.stringify({ format: 'ouroboros.gaussian', version: 1, sampleShape: [2], ridge: 0, trainCount: 4, mean: [0, 0], covariance });
    writeFileSync(path, saved([[1, 0], [0]]));
    await expect(GaussianModel.load(dir)).rejects.toThrow(`${path}: covariance is not 2x2; expected 2 rows of 2 numbers`);
    writeFileSync(path, saved([[1, 0]]));
    await expect(GaussianModel.load(dir)).rejects.toThrow(`${path}: covariance is not 2x2`);
    writeFileSync(path, saved([[1, 2], [2, 1]]));
    await expect(GaussianModel.load(dir)).rejects.toThrow(`${path}: covariance is not positive definite (`);
    writeFileSync(path, saved([[4, 2], [2, 2]]));
    const loaded = await GaussianModel.load(dir);
    // log N(0; 0, [[4, 2], [2, 2]]) = -log(2 pi) - log(det 4) / 2
    expect(loaded.logDensity([0, 0])[0]).toBeCloseTo(-Math.log(2 * Math.PI) - Math.log(4) / 2, 14);
  });
});
