import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ModelPlugin, PluginRegistry, Rng, SampleStore, TrainingSet, type DataInfo, type ModelEnv } from '@ouroboros/core';
import { tempDir, testContext } from '@ouroboros/core/testing';
import { container } from 'tsyringe';
import { GaussianModel } from './gaussian-model.ts';
import { gaussianModelPlugin, gaussianOptions } from './gaussian-plugin.ts';
import { gaussianModelsPackage } from './register.ts';
import { describeModelConformance } from '@ouroboros/nn/testing';

const temp = tempDir('gaussian-plugin-');
const data: DataInfo = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 4, testCount: 0 };
const env: ModelEnv = { data, rng: Rng.from(0) };

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

describe('gaussian model plugin', () => {
  it('registers under ModelPlugin and resolves by id with ridge defaulting to 0', () => {
    const child = container.createChildContainer();
    gaussianModelsPackage.register(child);
    expect(child.resolveAll(ModelPlugin)).toEqual([gaussianModelPlugin]);
    const registry = PluginRegistry.fromContainer(child);
    expect(registry.bind('model', { id: 'gaussian' }).options).toEqual({ ridge: 0, sampleBatch: 4096 });
    expect(registry.bind('model', { id: 'gaussian', ridge: 1e-3 }).options).toEqual({ ridge: 1e-3, sampleBatch: 4096 });
  });

  it('rejects a negative ridge and unknown options', () => {
    const registry = new PluginRegistry({ model: [gaussianModelPlugin] });
    expect(() => registry.bind('model', { id: 'gaussian', ridge: -1 }, 'model')).toThrow(ConfigError);
    expect(() => registry.bind('model', { id: 'gaussian', ridge: -1 }, 'model')).toThrow('model.ridge = -1');
    expect(() => registry.bind('model', { id: 'gaussian', lr: 1 }, 'model')).toThrow('model.lr: unknown field');
  });

  it('creates a model for the dataset shape and loads it back, refusing another shape', async () => {
    const model = gaussianModelPlugin.create(gaussianOptions.parse({}), env);
    expect(model).toBeInstanceOf(GaussianModel);
    const store = await SampleStore.write(join(temp.dir, 'real'), data, Float32Array.of(3, 0, -1, -2, 1, 0, 1, -2));
    await model.fit(new TrainingSet([{ name: 'real', store }]), {}, testContext());
    const dir = join(temp.dir, 'model');
    await model.save(dir);
    const loaded = (await gaussianModelPlugin.load(dir, gaussianOptions.parse({}), env)) as unknown as GaussianModel;
    expect(loaded.covariance).toEqual(Float64Array.of(2, 1, 1, 1));
    const other: ModelEnv = { data: { ...data, sampleShape: [3] }, rng: Rng.from(0) };
    await expect(gaussianModelPlugin.load(dir, gaussianOptions.parse({}), other)).rejects.toThrow('saved Gaussian has samples of shape [2]; expected [3] like the dataset');
  });
});

describeModelConformance('gaussian', { plugin: gaussianModelPlugin, steps: false });
describeModelConformance('gaussian on images (a Gaussian over all pixels, in model space)', { plugin: gaussianModelPlugin, steps: false, data: 'images', options: { ridge: 1e-3 } });
