import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PluginRegistry, Rng, SampleStore, TrainingSet, type ModelPlugin } from '@ouroboros/core';
import { tempDir, testContext } from '@ouroboros/core/testing';
import { conformanceData } from '../testing/model-conformance.ts';
import { MlpGaussianModel } from '../testing/mlp-gaussian-model.ts';
import { trainingOptions } from '../train/training-options.ts';
import { trainedModelOptions, trainedModelPlugin } from './trained-model-plugin.ts';

/** A family declared through the kit: its own `width` (formerly `size`), a lower EMA default, batches of 3. */
const family = trainedModelPlugin({
  id: 'kit-family',
  description: 'a family declared through the kit',
  version: 2,
  options: trainedModelOptions(3, { width: z.int().positive().default(4), ema: z.number().min(0).lt(1).nullable().default(0.5) }),
  renamedOptions: { size: 'width' },
  unstableOptions: ['lr'],
  build: ({ width, sampleBatch }, training, env) => new MlpGaussianModel(env.data, width, training, env.rng, sampleBatch),
});
const registry = new PluginRegistry({ model: [family as ModelPlugin] });
const data = conformanceData('vectors');
const temp = tempDir('model-kit-');

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

describe('a model family declared through the kit', () => {
  it('has every training option with its default, sampleBatch with the family default, and its own options and overrides', () => {
    const bound = registry.bindModel({ id: 'kit-family', lr: 0.01 });
    expect(bound.options).toEqual({ ...trainingOptions.parse({ lr: 0.01 }), ema: 0.5, sampleBatch: 3, width: 4 });
    expect([bound.version, family.unstableOptions]).toEqual([2, ['lr']]);
    expect(() => registry.bindModel({ id: 'kit-family', sampleBatch: 0 })).toThrow(/^model\.sampleBatch = 0: /);
    expect(() => registry.bindModel({ id: 'kit-family', batchsize: 8 })).toThrow(/batchsize/);
  });

  it('builds its model with the training part of the options, samples in batches of sampleBatch, and load restores what save wrote', async () => {
    const bound = registry.bindModel({ id: 'kit-family', lr: 0.01, warmupSteps: 2, sampleBatch: 4 });
    const model = bound.create({ data: data.info, rng: Rng.from(1) }) as MlpGaussianModel;
    expect(model.training).toEqual(trainingOptions.parse({ lr: 0.01, warmupSteps: 2, ema: 0.5 }));
    const train = new TrainingSet([{ name: 'real', store: await SampleStore.write(join(temp.dir, 'train'), data.info, data.train) }]);
    await model.fit(train, { steps: 3, batchSize: 16, checkpointEvery: {} }, testContext(0, 0, { checkpointDir: join(temp.dir, 'fit') }));
    const sizes: number[] = [];
    for await (const batch of model.sample(10, testContext(2))) {
      sizes.push(batch.shape[0]!);
      batch.dispose();
    }
    expect(sizes).toEqual([4, 4, 2]);
    await model.save(join(temp.dir, 'saved'));
    const loaded = (await bound.load(join(temp.dir, 'saved'), { data: data.info, rng: Rng.from(9) })) as MlpGaussianModel;
    expect(loaded.step).toBe(3);
    const x = tf.tensor2d([[0.1, -0.2]]);
    expect(Array.from(await loaded.logLikelihood(x))).toEqual(Array.from(await model.logLikelihood(x)));
    x.dispose();
    model.dispose();
    loaded.dispose();
  });

  it('accepts an earlier option name as the current one, with a note', () => {
    const earlier = registry.bindModel({ id: 'kit-family', size: 6 });
    expect(earlier.options).toEqual(registry.bindModel({ id: 'kit-family', width: 6 }).options);
    expect(earlier.notes).toEqual(['model.size is now called model.width; the old name still works']);
  });
});
