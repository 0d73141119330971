import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SampleStore, type GenerativeModel } from '@ouroboros/core';
import { DiagonalGaussianModel, metricInput, recordingEnv, tempDir, testContext, unusedModel, vectorInfo, vectorStore } from '@ouroboros/core/testing';
import { nllMetricPlugin, nllOptions } from './nll-metric.ts';

const temp = tempDir('nll-metric-');
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

const heldOut = [
  [1, -1],
  [2, 0],
  [0, -1.5],
  [3, -0.5],
  [1, 1],
  [-1, -1],
  [1.5, -2],
];

async function input(model: GenerativeModel, name: string) {
  const real = await vectorStore(join(temp.dir, name), heldOut);
  return metricInput(real, real, model);
}

describe('nll metric', () => {
  it('equals the analytic mean NLL of a diagonal Gaussian, streamed in batches of 3', async () => {
    const mean = [1, -1];
    const variance = [4, 0.25];
    const model = new DiagonalGaussianModel(vectorInfo(2), Float64Array.from(mean), Float64Array.from(variance));
    // -log N(x; m, diag v) = sum_j (log(2 pi v_j) + (x_j - m_j)^2 / v_j) / 2
    const expected =
      heldOut.reduce((s, x) => s + x.reduce((t, xj, j) => t + 0.5 * (Math.log(2 * Math.PI * variance[j]!) + (xj - mean[j]!) ** 2 / variance[j]!), 0), 0) /
      heldOut.length;
    const env = recordingEnv(2);
    const metric = nllMetricPlugin.create(nllOptions.parse({ batchSize: 3 }), env);
    const before = tf.memory().numTensors;
    const { nll } = await metric.compute(await input(model, 'diag'), testContext());
    expect(nll).toBeCloseTo(expected, 5);
    expect(tf.memory().numTensors).toBe(before);
    expect(env.notes).toEqual([]);
  });

  it('skips a model without logLikelihood, saying so once over three generations', async () => {
    const env = recordingEnv(2);
    const metric = nllMetricPlugin.create(nllOptions.parse({}), env);
    for (const generation of [1, 2, 3]) expect(await metric.compute(await input(unusedModel, `none-${generation}`), testContext(0, generation))).toEqual({});
    expect(env.notes).toEqual(["nll skipped: model 'test-model' has no likelihood"]);
  });

  it('notes once that a stochastic estimate of the likelihood makes nll an estimate too', async () => {
    const exact = new DiagonalGaussianModel(vectorInfo(2), Float64Array.of(0, 0), Float64Array.of(1, 1));
    const model: GenerativeModel = { ...unusedModel, likelihood: 'estimate', logLikelihood: (x) => exact.logLikelihood(x) };
    const env = recordingEnv(2);
    const metric = nllMetricPlugin.create(nllOptions.parse({}), env);
    await metric.compute(await input(model, 'estimate-1'), testContext());
    await metric.compute(await input(model, 'estimate-2'), testContext());
    expect(env.notes).toEqual(["nll: model 'test-model' gives a stochastic estimate of the log-likelihood"]);
  });

  it('refuses an empty reference set by name', async () => {
    const empty = await SampleStore.write(join(temp.dir, 'empty'), { dtype: 'float32', sampleShape: [2] }, new Float32Array(0));
    const model = new DiagonalGaussianModel(vectorInfo(2), Float64Array.of(0, 0), Float64Array.of(1, 1));
    const metric = nllMetricPlugin.create(nllOptions.parse({}), recordingEnv(2));
    await expect(metric.compute(metricInput(empty, empty, model), testContext())).rejects.toThrow('nll: the reference set has 0 samples; expected at least 1');
  });

  it('reports progress as the share of the reference scored after each batch, on vectors and on images', async () => {
    const model = new DiagonalGaussianModel(vectorInfo(2), Float64Array.of(0, 0), Float64Array.of(1, 1));
    const seen: [number, string][] = [];
    const ctx = testContext(0, 0, { progress: (fraction, detail) => void seen.push([fraction, detail!]) });
    await nllMetricPlugin.create(nllOptions.parse({ batchSize: 3 }), recordingEnv(2)).compute(await input(model, 'progress'), ctx);
    // 7 samples in batches of 3, 3 and 1
    const detail = 'log-likelihood of the reference data';
    expect(seen).toEqual([[3 / 7, detail], [6 / 7, detail], [1, detail]]);
    const info = { kind: 'image' as const, dtype: 'uint8' as const, sampleShape: [2, 2, 3], trainCount: 0, testCount: 0 };
    const store = await SampleStore.write(join(temp.dir, 'progress-images'), info, new Uint8Array(5 * 12));
    const uniform: GenerativeModel = { ...unusedModel, likelihood: 'exact', logLikelihood: async (x) => new Float64Array(x.shape[0]!) };
    seen.length = 0;
    await nllMetricPlugin.create(nllOptions.parse({ batchSize: 2 }), recordingEnv(12)).compute({ ...metricInput(store, store, uniform), data: info }, ctx);
    expect(seen.map(([f]) => f)).toEqual([2 / 5, 4 / 5, 1]);
  });

  it('notes once that a bound on the likelihood makes nll an upper bound', async () => {
    /** A standard normal that claims its log-likelihood is only a bound, as an ELBO would be. */
    class BoundModel implements GenerativeModel {
      readonly likelihood = 'bound' as const;
      private readonly exact = new DiagonalGaussianModel(vectorInfo(2), Float64Array.of(0, 0), Float64Array.of(1, 1));
      fit = unusedModel.fit;
      sample = unusedModel.sample;
      save = unusedModel.save;
      dispose = unusedModel.dispose;
      logLikelihood(x: tf.Tensor): Promise<Float64Array> {
        return this.exact.logLikelihood(x);
      }
    }
    const env = recordingEnv(2);
    const metric = nllMetricPlugin.create(nllOptions.parse({}), env);
    const model = new BoundModel();
    const first = await metric.compute(await input(model, 'bound-1'), testContext());
    await metric.compute(await input(model, 'bound-2'), testContext());
    expect(first.nll).toBeGreaterThan(0);
    expect(env.notes).toEqual(["nll: model 'test-model' gives a lower bound on the log-likelihood, so nll is an upper bound"]);
  });

  it('reports bits per dimension on dequantized 8-bit images: a uniform density over the pixel range gives exactly 8', async () => {
    const info = { kind: 'image' as const, dtype: 'uint8' as const, sampleShape: [2, 2, 3], trainCount: 0, testCount: 0 };
    const store = await SampleStore.write(join(temp.dir, 'images'), info, Uint8Array.from({ length: 5 * 12 }, (_, i) => (i * 37) % 256));
    const dims = 12;
    // Uniform on the dequantized cube [-1 - 0.5/127.5, 1 + 0.5/127.5)^D of side 256/127.5 in model space.
    const uniform: GenerativeModel = { ...unusedModel, likelihood: 'exact', logLikelihood: async (x) => new Float64Array(x.shape[0]!).fill(-dims * Math.log(256 / 127.5)) };
    const metric = nllMetricPlugin.create(nllOptions.parse({ batchSize: 2 }), recordingEnv(dims));
    const result = await metric.compute({ ...metricInput(store, store, uniform), data: info }, testContext());
    expect(result.bpd).toBeCloseTo(8, 12);
    expect(result.nll).toBeCloseTo(dims * Math.log(256), 10);
  });

  it('defaults batchSize to 1024 and refuses a non-positive one', () => {
    expect(nllOptions.parse({})).toEqual({ batchSize: 1024 });
    expect(() => nllOptions.parse({ batchSize: 0 })).toThrow();
  });
});
