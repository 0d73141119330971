import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerativeModel } from '@ouroboros/core';
import { DiagonalGaussianModel, tempDir, testContext } from '@ouroboros/core/testing';
import { recordingEnv, unusedModel, vectorInfo, vectorStore } from '../test-support.ts';
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
  return { real, generated: real, model, modelId: 'test-model', data: vectorInfo(2) };
}

describe('nll metric', () => {
  it('equals the analytic mean NLL of a diagonal Gaussian, streamed in batches of 3', async () => {
    const mean = [1, -1];
    const variance = [4, 0.25];
    const model = new DiagonalGaussianModel(Float64Array.from(mean), Float64Array.from(variance));
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

  it('skips a model without logLikelihood, saying so once', async () => {
    const env = recordingEnv(2);
    const metric = nllMetricPlugin.create(nllOptions.parse({}), env);
    expect(await metric.compute(await input(unusedModel, 'none-1'), testContext())).toEqual({});
    expect(await metric.compute(await input(unusedModel, 'none-2'), testContext())).toEqual({});
    expect(env.notes).toEqual(["nll skipped: model 'test-model' has no likelihood"]);
  });

  it('notes once that a bound on the likelihood makes nll an upper bound', async () => {
    /** A standard normal that claims its log-likelihood is only a bound, as an ELBO would be. */
    class BoundModel implements GenerativeModel {
      readonly likelihood = 'bound' as const;
      private readonly exact = new DiagonalGaussianModel(Float64Array.of(0, 0), Float64Array.of(1, 1));
      fit = unusedModel.fit;
      sample = unusedModel.sample;
      save = unusedModel.save;
      dispose = unusedModel.dispose;
      logLikelihood(x: tf.Tensor): tf.Tensor1D {
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

  it('defaults batchSize to 1024 and refuses a non-positive one', () => {
    expect(nllOptions.parse({})).toEqual({ batchSize: 1024 });
    expect(() => nllOptions.parse({ batchSize: 0 })).toThrow();
  });
});
