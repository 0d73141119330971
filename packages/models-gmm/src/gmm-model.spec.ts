import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { container } from 'tsyringe';
import { ModelPlugin, PluginRegistry, Rng, SampleStore, TrainingSet, takeFloat32, type DataInfo, type RunContext } from '@ouroboros/core';
import { tempDir, testContext } from '@ouroboros/core/testing';
import { describeModelConformance } from '@ouroboros/nn/testing';
import { GmmModel } from './gmm-model.ts';
import { gmmModelPlugin, gmmOptions } from './gmm-plugin.ts';
import { gmmModelsPackage } from './register.ts';

const temp = tempDir('gmm-model-');
const info: DataInfo = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 0, testCount: 0 };

/** Three well-separated 2-D components: weights, means and covariance Cholesky factors. */
const truth = [
  { weight: 0.5, mean: [-6, 0], lower: [1, 0, 0.5, 0.8] },
  { weight: 0.3, mean: [6, 1], lower: [0.6, 0, -0.3, 1.2] },
  { weight: 0.2, mean: [0, 8], lower: [1.5, 0, 0, 0.4] },
];

function draws(n: number, rng: Rng): Float32Array {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    const c = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    const { mean, lower } = truth[c]!;
    const z0 = rng.normal();
    const z1 = rng.normal();
    out[2 * i] = mean[0]! + lower[0]! * z0;
    out[2 * i + 1] = mean[1]! + lower[2]! * z0 + lower[3]! * z1;
  }
  return out;
}

async function trainingSet(values: Float32Array, name: string): Promise<TrainingSet> {
  return new TrainingSet([{ name: 'real', store: await SampleStore.write(join(temp.dir, name), info, values) }]);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

describe('gmm model', () => {
  it('registers under ModelPlugin with its defaults', () => {
    const child = container.createChildContainer();
    gmmModelsPackage.register(child);
    expect(child.resolveAll(ModelPlugin)).toEqual([gmmModelPlugin]);
    expect(PluginRegistry.fromContainer(child).bind('model', { id: 'gmm' }).options).toEqual({ components: 8, maxIterations: 200, tolerance: 1e-6, ridge: 1e-6, sampleBatch: 4096 });
  });

  it('never decreases the log-likelihood over EM iterations (overlapping components, no ridge, 5 seeds)', async () => {
    for (let seed = 0; seed < 5; seed++) {
      const values = draws(600, Rng.from(seed, 'overlap')).map((v) => v / 4); // components now overlap
      const logged: number[] = [];
      const model = new GmmModel(info, { ...gmmOptions.parse({ components: 4, ridge: 0, tolerance: 1e-12 }), maxIterations: 60 });
      const ctx: RunContext = testContext(seed, 0, { log: (scalars) => logged.push(scalars.log_likelihood!) });
      const report = await model.fit(await trainingSet(values, `overlap-${seed}`), {}, ctx);
      expect(logged.length).toBeGreaterThan(5);
      for (let t = 1; t < logged.length; t++) expect(logged[t]! - logged[t - 1]!, `seed ${seed}, iteration ${t}`).toBeGreaterThanOrEqual(-1e-12 * Math.abs(logged[t - 1]!));
      expect(-report.trainLoss!).toBeGreaterThanOrEqual(logged.at(-1)! - 1e-12);
    }
  });

  it('recovers well-separated components: weights, means and covariances within 5 standard errors', async () => {
    const n = 4000;
    const model = new GmmModel(info, gmmOptions.parse({ components: 3 }));
    await model.fit(await trainingSet(draws(n, Rng.from(7, 'separated')), 'separated'), {}, testContext(3));
    const m = model.mixture;
    for (const { weight, mean, lower } of truth) {
      const c = [0, 1, 2].reduce((best, k) => (Math.hypot(m.means[2 * k]! - mean[0]!, m.means[2 * k + 1]! - mean[1]!) < Math.hypot(m.means[2 * best]! - mean[0]!, m.means[2 * best + 1]! - mean[1]!) ? k : best), 0);
      const count = weight * n;
      const cov = [lower[0]! ** 2, lower[0]! * lower[2]!, lower[0]! * lower[2]!, lower[2]! ** 2 + lower[3]! ** 2];
      expect(Math.abs(m.weights[c]! - weight)).toBeLessThan(5 * Math.sqrt((weight * (1 - weight)) / n));
      for (let j = 0; j < 2; j++) expect(Math.abs(m.means[2 * c + j]! - mean[j]!)).toBeLessThan(5 * Math.sqrt(cov[3 * j]! / count));
      for (let a = 0; a < 2; a++) {
        for (let b = 0; b < 2; b++) {
          const se = Math.sqrt((cov[3 * a]! * cov[3 * b]! + cov[2 * a + b]! ** 2) / count);
          expect(Math.abs(m.covariances[4 * c + 2 * a + b]! - cov[2 * a + b]!)).toBeLessThan(5 * se);
        }
      }
    }
  });

  it('gives log p(x) = log sum_k pi_k N(x; mu_k, Sigma_k), checked against 2x2 densities written out by hand', async () => {
    const model = new GmmModel(info, gmmOptions.parse({ components: 3 }));
    await model.fit(await trainingSet(draws(500, Rng.from(8)), 'density'), {}, testContext());
    const m = model.mixture;
    const points = [[0, 0], [-6, 0.5], [5, 2], [1, 9]];
    const x = tf.tensor2d(points);
    const values = await model.logLikelihood(x);
    x.dispose();
    points.forEach(([px, py], i) => {
      let p = 0;
      for (let c = 0; c < 3; c++) {
        const [a, b, , d] = m.covariances.subarray(4 * c, 4 * c + 4);
        const det = a! * d! - b! * b!;
        const dx = px! - m.means[2 * c]!;
        const dy = py! - m.means[2 * c + 1]!;
        const q = (d! * dx * dx - 2 * b! * dx * dy + a! * dy * dy) / det;
        p += (m.weights[c]! * Math.exp(-q / 2)) / (2 * Math.PI * Math.sqrt(det));
      }
      expect(values[i]).toBeCloseTo(Math.log(p), 9);
    });
  });

  it('samples from the mixture: component shares match the weights within 5 standard errors', async () => {
    const model = new GmmModel(info, gmmOptions.parse({ components: 3 }));
    await model.fit(await trainingSet(draws(3000, Rng.from(9)), 'sampling'), {}, testContext(1));
    const n = 10_000;
    const parts: Float32Array[] = [];
    for await (const batch of model.sample(n, testContext(2))) parts.push(await takeFloat32(batch));
    const samples = Float32Array.from(parts.flatMap((p) => Array.from(p)));
    const left = Array.from({ length: n }, (_, i) => samples[2 * i]! < -3 && samples[2 * i + 1]! < 4).filter(Boolean).length / n;
    expect(Math.abs(left - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / n) + 0.02);
  });

  it('names the problem when there are fewer samples than components, or a component collapses without a ridge', async () => {
    const model = new GmmModel(info, gmmOptions.parse({ components: 3 }));
    await expect(model.fit(await trainingSet(Float32Array.of(0, 0, 1, 1), 'tiny'), {}, testContext())).rejects.toThrow('gmm.fit: training set has 2 samples; expected at least components = 3');
    const collapsing = new GmmModel(info, gmmOptions.parse({ components: 2, ridge: 0 }));
    await expect(collapsing.fit(await trainingSet(Float32Array.of(0, 0, 0, 0, 0, 0, 1, 1), 'collapse'), {}, testContext())).rejects.toThrow(/covariance of component \d is singular .*set the ridge option > 0/);
  });
});

describe('gmm save and load', () => {
  it('names the file and what was expected when the saved model is missing, malformed or of other options', async () => {
    const dir = join(temp.dir, 'saved');
    const settings = gmmOptions.parse({ components: 3 });
    await expect(GmmModel.load(dir, info, settings)).rejects.toThrow(`${join(dir, 'gmm.json')}: missing; expected a gmm model written by GmmModel.save`);
    const model = new GmmModel(info, settings);
    await model.fit(await trainingSet(draws(300, Rng.from(10)), 'saved'), {}, testContext());
    await model.save(dir);
    await expect(GmmModel.load(dir, info, { ...settings, components: 4 })).rejects.toThrow(`${join(dir, 'gmm.json')}: holds 3 components; the model options say components = 4`);
    await expect(GmmModel.load(dir, { ...info, sampleShape: [3] }, settings)).rejects.toThrow(`${join(dir, 'gmm.json')}: dims = 2; expected 3 for samples of shape [3]`);
    const loaded = await GmmModel.load(dir, info, settings);
    expect(loaded.mixture.covariances).toEqual(model.mixture.covariances);
  });
});

describeModelConformance('gmm', { plugin: gmmModelPlugin, steps: false, options: { components: 3 } });
describeModelConformance('gmm on images', { plugin: gmmModelPlugin, steps: false, data: 'images', options: { components: 2, ridge: 1e-3, maxIterations: 10 } });
