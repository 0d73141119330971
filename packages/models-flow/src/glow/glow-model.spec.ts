import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bitsPerDim, ConfigError, dataCodec, PluginRegistry, Rng, SampleStore, TrainingSet, type DataInfo, type ModelEnv } from '@ouroboros/core';
import { tempDir, testContext, tinyImagesDatasetPlugin } from '@ouroboros/core/testing';
import { selectBackend } from '@ouroboros/nn';
import { describeModelConformance } from '@ouroboros/nn/testing';
import type { GlowModel } from './glow-model.ts';
import { glowModelPlugin } from './glow-plugin.ts';
import { realNvpModelPlugin } from '../realnvp/realnvp-plugin.ts';

const temp = tempDir('glow-');
const dataset = tinyImagesDatasetPlugin.create({ size: 8, train: 256, test: 64 }, { cacheDir: temp.dir, note: () => {} });
const info = dataset.info as DataInfo;
const codec = dataCodec(info);
const env = (seed = 0): ModelEnv => ({ data: info, rng: Rng.from(seed, 'init') });
const options = (extra: Record<string, unknown> = {}) => glowModelPlugin.options.parse({ levels: 2, stepsPerLevel: 2, hidden: 16, batchSize: 32, lr: 2e-3, ...extra });
let train: Uint8Array;
let test: Uint8Array;

/** Bits per dimension of the 8-bit test images as the nll metric computes them: dequantize, log p in model space, add the codec's log-Jacobian. */
async function testBpd(model: GlowModel): Promise<number> {
  const x = codec.dequantize(test, Rng.from(5, 'dequantize'));
  const ll = await model.logLikelihood(x);
  x.dispose();
  const nll = -ll.reduce((a, b) => a + b, 0) / ll.length - codec.logJacobian;
  return bitsPerDim(nll, codec.dims);
}

beforeAll(async () => {
  await selectBackend('wasm');
  const read = async (split: 'train' | 'test') => {
    for await (const chunk of dataset.split(split, Rng.from(0, 'tiny'))) return chunk.values as Uint8Array;
    throw new Error('no data');
  };
  [train, test] = [await read('train'), await read('test')];
});
afterAll(() => temp.cleanup());

describe('glow on 8x8 RGB images (wasm)', () => {
  it('untrained, reports the bits per dimension computed by hand: a rotation of the dequantized pixels under N(0, I)', async () => {
    const model = glowModelPlugin.create(options(), env()) as GlowModel;
    const x = codec.dequantize(test, Rng.from(5, 'dequantize'));
    const values = (await x.data()) as Float32Array;
    x.dispose();
    const d = codec.dims;
    let squares = 0;
    for (const v of values) squares += v * v;
    // nll = ½ mean Σ y² + (D/2) ln 2π + D ln 127.5 (the codec's Jacobian); bpd = nll / (D ln 2)
    const byHand = (squares / 2 / 64 + (d / 2) * Math.log(2 * Math.PI) + d * Math.log(127.5)) / (d * Math.LN2);
    expect(await testBpd(model)).toBeCloseTo(byHand, 4);
    model.dispose();
  });

  it('trains: the test bpd falls by more than 2 bits in 40 steps, and samples decode to images', async () => {
    const store = await SampleStore.write(join(temp.dir, 'train'), info, train);
    const model = glowModelPlugin.create(options(), env()) as GlowModel;
    const before = await testBpd(model);
    const logged: number[] = [];
    await model.fit(new TrainingSet([{ name: 'real', store }]), { steps: 40 }, testContext(0, 0, { checkpointDir: join(temp.dir, 'fit'), log: (s) => logged.push(s.loss!) }));
    const after = await testBpd(model);
    expect(after).toBeLessThan(before - 2);
    expect(logged.length).toBeGreaterThan(0);
    for await (const batch of model.sample(10, testContext(1))) {
      expect(batch.shape).toEqual([10, 8, 8, 3]);
      const decoded = await codec.decode(batch);
      expect(decoded.length).toBe(10 * 8 * 8 * 3);
      batch.dispose();
    }
    model.dispose();
  });
});

describe('glow options', () => {
  const registry = new PluginRegistry({ model: [glowModelPlugin] });
  it('are validated in one line that names the option', () => {
    expect(registry.bind('model', { id: 'glow' }, 'model').options).toMatchObject({ levels: 3, stepsPerLevel: 8, hidden: 64, batchSize: 64, sampleBatch: 256, temperature: 1 });
    expect(() => registry.bind('model', { id: 'glow', stepsPerLevel: 0 }, 'model')).toThrow(ConfigError);
    expect(() => registry.bind('model', { id: 'glow', stepsPerLevel: 0 }, 'model')).toThrow(/^model\.stepsPerLevel = 0: expected number to be >=1$/);
    const earlier = registry.bind('model', { id: 'glow', steps: 4, evalBatchSize: 100 }, 'model');
    expect(earlier.options).toEqual(registry.bind('model', { id: 'glow', stepsPerLevel: 4, sampleBatch: 100 }, 'model').options);
    expect(earlier.notes).toEqual(['model.steps is now called model.stepsPerLevel; the old name still works', 'model.evalBatchSize is now called model.sampleBatch; the old name still works']);
    expect(new PluginRegistry({ model: [realNvpModelPlugin] }).bind('model', { id: 'realnvp', evalBatchSize: 100 }, 'model').options.sampleBatch).toBe(100);
    expect(() => registry.bind('model', { id: 'glow', levels: 0 }, 'model')).toThrow(/^model\.levels = 0: /);
  });

  it('refuse image sizes the squeezes cannot halve, and vector data, naming the option', () => {
    const odd: ModelEnv = { data: { ...info, sampleShape: [12, 12, 3] }, rng: Rng.from(0) };
    expect(() => glowModelPlugin.create(options({ levels: 3 }), odd)).toThrow(ConfigError);
    expect(() => glowModelPlugin.create(options({ levels: 3 }), odd)).toThrow(
      "model.levels = 3: each level squeezes the image to half its height and width, so they must be divisible by 2^3 = 8; the dataset's images are 12x12",
    );
    const vectors: ModelEnv = { data: { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 1, testCount: 0 }, rng: Rng.from(0) };
    expect(() => glowModelPlugin.create(options(), vectors)).toThrow("model: glow needs image data (height x width x channels); the dataset's samples have shape [2]; use realnvp for vectors");
  });
});

describeModelConformance('glow (tiny, EMA)', { plugin: glowModelPlugin, data: 'images', options: { levels: 2, stepsPerLevel: 1, hidden: 8, ema: 0.9, batchSize: 16 } });
