import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Rng, SampleStore, TrainingSet } from '@ouroboros/core';
import { tempDir, testContext } from '@ouroboros/core/testing';
import { selectBackend } from '../backend/select-backend.ts';
import { conformanceData } from '../testing/model-conformance.ts';
import { MlpGaussianModel } from '../testing/mlp-gaussian-model.ts';
import { trainingOptions } from './training-options.ts';

const t = tempDir();
let train: TrainingSet;
beforeAll(async () => {
  await selectBackend('wasm');
  const data = conformanceData('vectors');
  train = new TrainingSet([{ name: 'real', store: await SampleStore.write(join(t.dir, 'train'), data.info, data.train) }]);
});
afterAll(() => t.cleanup());

describe('fitLoop', () => {
  it('lowers the training loss, logs step 0 and every logEvery-th step with lr warm-up and gradient norms, and reports the steps taken', async () => {
    const model = new MlpGaussianModel(conformanceData('vectors').info, 16, trainingOptions.parse({ lr: 0.02, warmupSteps: 10, logEvery: 25, batchSize: 64 }), Rng.from(0));
    const logged: Array<{ step: number; scalars: Record<string, number> }> = [];
    const ctx = testContext(0, 0, { log: (scalars, step) => logged.push({ step, scalars }), checkpointDir: join(t.dir, 'fit') });
    const nll = async () => {
      const x = model.codec.encode(await train.readAll());
      const value = tf.tidy(() => model.loss({ x }).dataSync()[0]!);
      x.dispose();
      return value;
    };
    const before = await nll();
    const report = await model.fit(train, { steps: 200, checkpointEvery: { minutes: 60 } }, ctx);
    expect(report.steps).toBe(200);
    expect(model.step).toBe(200);
    // Step 0 (what W&B's step-0 row shows), every 25th after it, and the last.
    expect(logged.map((l) => l.step)).toEqual([0, 25, 50, 75, 100, 125, 150, 175, 199]);
    expect(await nll()).toBeLessThan(before - 1);
    expect(report.trainLoss!).toBeLessThan(before - 1);
    expect(logged.every((l) => l.scalars.grad_norm! > 0)).toBe(true);
    expect(logged.map((l) => l.scalars.lr)).toEqual([0.002, ...Array(8).fill(0.02)]);
    model.dispose();
  });

  it('trains for epochs when no step count is given, and stops with a clear error when the loss diverges', async () => {
    const model = new MlpGaussianModel(conformanceData('vectors').info, 4, trainingOptions.parse({ batchSize: 100 }), Rng.from(0));
    expect((await model.fit(train, { epochs: 2, checkpointEvery: {} }, testContext(0, 0, { checkpointDir: join(t.dir, 'epochs') }))).steps).toBe(6);
    model.dispose();
    const wild = new MlpGaussianModel(conformanceData('vectors').info, 4, trainingOptions.parse({ lr: 1e30 }), Rng.from(0));
    await expect(wild.fit(train, { steps: 50, checkpointEvery: {} }, testContext(0, 0, { checkpointDir: join(t.dir, 'wild') }))).rejects.toThrow(/training diverged: loss = (NaN|-?Infinity) at step \d+/);
    wild.dispose();
  });

  it('holds the tensor count flat from step to step (EMA and gradient clipping on), and frees every tensor on dispose, a diverged fit included', async () => {
    const before = tf.memory().numTensors;
    const model = new MlpGaussianModel(conformanceData('vectors').info, 8, trainingOptions.parse({ batchSize: 50, ema: 0.9, gradClip: 1 }), Rng.from(0));
    const fit = (steps: number, name: string) => model.fit(train, { steps, checkpointEvery: {} }, testContext(0, 0, { checkpointDir: join(t.dir, name) }));
    await fit(3, 'flat-3');
    const afterThree = tf.memory().numTensors;
    expect(afterThree).toBeGreaterThan(before);
    await fit(40, 'flat-40');
    expect(tf.memory().numTensors).toBe(afterThree);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const wild = new MlpGaussianModel(conformanceData('vectors').info, 4, trainingOptions.parse({ lr: 1e30 }), Rng.from(0));
    await expect(wild.fit(train, { steps: 50, checkpointEvery: {} }, testContext(0, 0, { checkpointDir: join(t.dir, 'wild-memory') }))).rejects.toThrow(/training diverged/);
    wild.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
