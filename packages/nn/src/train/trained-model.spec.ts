import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { tempDir } from '@ouroboros/core/testing';
import { selectBackend } from '../backend/select-backend.ts';
import { conformanceData } from '../testing/model-conformance.ts';
import { MlpGaussianModel } from '../testing/mlp-gaussian-model.ts';
import type { Batch } from './trained-model.ts';
import { trainingOptions } from './training-options.ts';

/** A model whose data-dependent initialisation sets every weight to the batch mean and records its calls. */
class DataInitModel extends MlpGaussianModel {
  readonly initCalls: number[] = [];
  protected override initializeFromData(batch: Batch): boolean {
    const mean = tf.tidy(() => batch.x.mean().dataSync()[0]!);
    this.initCalls.push(mean);
    for (const variable of this.net.parameters()) variable.assign(tf.fill(variable.shape, mean));
    return true;
  }
}

const temp = tempDir('trained-model-');
beforeAll(async () => {
  await selectBackend('wasm');
});
afterAll(() => temp.cleanup());

describe('TrainedModel data-dependent initialisation', () => {
  const data = conformanceData('vectors');
  const raw = (rows: number, offset = 0) => ({ values: data.train.subarray(2 * offset, 2 * (offset + rows)), count: rows });
  const create = () => new DataInitModel(data.info, 4, trainingOptions.parse({ ema: 0.9, lr: 0.01 }), Rng.from(0));
  const weights = (model: MlpGaussianModel, sampling: boolean) => {
    const read = () => model['net'].parameters().flatMap((v) => [...v.dataSync()]);
    return sampling ? model.withSamplingWeights(read) : read();
  };

  it('runs once, on the batch of the first optimizer step, and restarts the EMA from the initialised weights', async () => {
    const model = create();
    model.trainStep(raw(32), Rng.from(1));
    const mean = [...data.train.subarray(0, 64)].reduce((a, b) => a + b, 0) / 64;
    expect(model.initCalls).toHaveLength(1);
    expect(model.initCalls[0]).toBeCloseTo(mean, 5);
    // shadow = 0.9 · (initialised weights, all = mean) + 0.1 · (weights after the step)
    const expected = weights(model, false).map((w) => 0.9 * model.initCalls[0]! + 0.1 * w);
    weights(model, true).forEach((w, i) => expect(w).toBeCloseTo(expected[i]!, 5));
    model.trainStep(raw(32, 32), Rng.from(2));
    expect(model.initCalls).toHaveLength(1);

    await model.save(join(temp.dir, 'saved'));
    const loaded = create();
    await loaded.restore(join(temp.dir, 'saved'));
    loaded.trainStep(raw(32, 64), Rng.from(3));
    expect(loaded.initCalls).toEqual([]);
    model.dispose();
    loaded.dispose();
  });
});

describe('TrainedModel learning-rate warm-up', () => {
  it('steps with lr · (step + 1) / warmupSteps from its first update, reports that rate, and Adam moves each weight by it on the first step', () => {
    const data = conformanceData('vectors');
    const model = new MlpGaussianModel(data.info, 4, trainingOptions.parse({ lr: 0.01, warmupSteps: 4 }), Rng.from(0));
    const read = (m: MlpGaussianModel) => m['net'].parameters().flatMap((v) => [...v.dataSync()]);
    const before = read(model);
    const rates: number[] = [];
    for (let step = 0; step < 6; step++) rates.push(model.trainStep({ values: data.train.subarray(64 * step, 64 * (step + 1)), count: 32 }, Rng.from(step)).lr);
    expect(rates).toEqual([0.0025, 0.005, 0.0075, 0.01, 0.01, 0.01]);
    model.dispose();
    // Adam's first update is lr · ĝ / (|ĝ| + ε): the rate itself for every weight with a gradient
    const first = new MlpGaussianModel(data.info, 4, trainingOptions.parse({ lr: 0.01, warmupSteps: 4 }), Rng.from(0));
    first.trainStep({ values: data.train.subarray(0, 64), count: 32 }, Rng.from(0));
    const moved = read(first).map((w, i) => Math.abs(w - before[i]!));
    expect(Math.max(...moved)).toBeCloseTo(0.0025, 6);
    first.dispose();
  });
});

