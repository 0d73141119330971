import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, PluginRegistry, Rng, SampleStore, TrainingSet, type DataInfo, type ModelEnv } from '@ouroboros/core';
import { tempDir, testContext, twoMoons } from '@ouroboros/core/testing';
import { selectBackend } from '@ouroboros/nn';
import { describeModelConformance } from '@ouroboros/nn/testing';
import type { RealNvpModel } from './realnvp-model.ts';
import { realNvpModelPlugin } from './realnvp-plugin.ts';

/**
 * Held-out NLL (nats) that a small RealNVP must reach on two-moons (noise 0.1) within TRAIN_STEPS
 * steps: the best Gaussian scores about 1.95 and the data's differential entropy is about 0.95
 * (two half circles of total length 2π, blurred by N(0, 0.1²) across: ln 2π + ½ ln(2πe · 0.01)).
 */
const NLL_THRESHOLD = 1.25;
const TRAIN_STEPS = 400;

const temp = tempDir('realnvp-');
const info: DataInfo = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 2000, testCount: 2000 };
const env = (seed = 0): ModelEnv => ({ data: info, rng: Rng.from(seed, 'init') });
const test = twoMoons(2000, Rng.from(1, 'test'));
let model: RealNvpModel;
const nll = async (m: RealNvpModel, values: Float32Array) => {
  const x = tf.tensor2d(values, [values.length / 2, 2]);
  const ll = await m.logLikelihood(x);
  x.dispose();
  return -ll.reduce((a, b) => a + b, 0) / ll.length;
};

beforeAll(async () => {
  await selectBackend('wasm');
  const store = await SampleStore.write(join(temp.dir, 'train'), info, twoMoons(2000, Rng.from(0, 'train')));
  const options = realNvpModelPlugin.options.parse({ couplings: 6, hidden: 64, lr: 3e-3, warmupSteps: 20, batchSize: 256 });
  model = realNvpModelPlugin.create(options, env()) as RealNvpModel;
  await model.fit(new TrainingSet([{ name: 'real', store }]), { steps: TRAIN_STEPS }, testContext(0, 0, { checkpointDir: join(temp.dir, 'fit') }));
});
afterAll(() => {
  model.dispose();
  temp.cleanup();
});

describe('realnvp on two-moons (wasm)', () => {
  it(`reaches a held-out NLL below ${NLL_THRESHOLD} nats within ${TRAIN_STEPS} steps`, async () => {
    expect(await nll(model, test)).toBeLessThan(NLL_THRESHOLD);
  });

  it('has a density that integrates to 1 within 2% on a grid around the data', async () => {
    const [x0, x1, y0, y1, step] = [-4, 5, -4, 4.5, 0.025];
    const [nx, ny] = [Math.round((x1 - x0) / step), Math.round((y1 - y0) / step)];
    const grid = new Float32Array(2 * nx * ny);
    for (let i = 0; i < nx; i++) for (let j = 0; j < ny; j++) grid.set([x0 + (i + 0.5) * step, y0 + (j + 0.5) * step], 2 * (i * ny + j));
    const x = tf.tensor2d(grid, [nx * ny, 2]);
    const ll = await model.logLikelihood(x);
    x.dispose();
    // midpoint rule: ∫ p ≈ Σ p(cell centre) · step²
    const mass = ll.reduce((sum, v) => sum + Math.exp(v), 0) * step * step;
    expect(Math.abs(mass - 1)).toBeLessThan(0.02);
  });

  it('samples the moons, and a lower temperature gives samples of higher likelihood', async () => {
    await model.save(join(temp.dir, 'trained'));
    const draw = async (temperature: number) => {
      const loaded = (await realNvpModelPlugin.load(join(temp.dir, 'trained'), realNvpModelPlugin.options.parse({ couplings: 6, hidden: 64, temperature }), env())) as RealNvpModel;
      const chunks: Float32Array[] = [];
      for await (const batch of loaded.sample(3000, testContext(3))) {
        chunks.push((await batch.data()) as Float32Array);
        batch.dispose();
      }
      const samples = Float32Array.from(chunks.flatMap((c) => [...c]));
      const result = { samples, nll: await nll(loaded, samples) };
      loaded.dispose();
      return result;
    };
    const [warm, cold] = [await draw(1), await draw(0.6)];
    expect(warm.samples.length).toBe(6000);
    // distance to the nearer moon: | |p - c| - 1 | for the circle through it, on the right half-plane of each
    const offMoon = (x: number, y: number) => Math.min(y >= -0.2 ? Math.abs(Math.hypot(x, y) - 1) : Infinity, y <= 0.7 ? Math.abs(Math.hypot(x - 1, y - 0.5) - 1) : Infinity);
    let near = 0;
    for (let i = 0; i < 3000; i++) if (offMoon(warm.samples[2 * i]!, warm.samples[2 * i + 1]!) < 0.3) near++;
    expect(near / 3000).toBeGreaterThan(0.9);
    expect(cold.nll).toBeLessThan(warm.nll);
  });
});

describe('realnvp options', () => {
  const registry = new PluginRegistry({ model: [realNvpModelPlugin] });
  it('are validated in one line that names the option', () => {
    expect(registry.bind('model', { id: 'realnvp' }, 'model').options).toMatchObject({ couplings: 8, hidden: 256, depth: 2, actnorm: false, activation: 'relu', temperature: 1, lr: 1e-3 });
    expect(() => registry.bind('model', { id: 'realnvp', couplings: 0 }, 'model')).toThrow(ConfigError);
    expect(() => registry.bind('model', { id: 'realnvp', couplings: 0 }, 'model')).toThrow(/^model\.couplings = 0: expected number to be >=1$/);
    expect(() => registry.bind('model', { id: 'realnvp', depth: 0 }, 'model')).toThrow(/^model\.depth = 0: /);
    expect(() => registry.bind('model', { id: 'realnvp', temperature: 0 }, 'model')).toThrow(/^model\.temperature = 0: /);
    expect(() => registry.bind('model', { id: 'realnvp', activation: 'gelu' }, 'model')).toThrow(/^model\.activation = "gelu": /);
  });

  it('refuse data of one value per sample, saying why', () => {
    const oneD: ModelEnv = { data: { ...info, sampleShape: [1] }, rng: Rng.from(0) };
    expect(() => realNvpModelPlugin.create(realNvpModelPlugin.options.parse({}), oneD)).toThrow("model: realnvp needs samples of at least 2 values (a coupling conditions one part on the other); the dataset's have 1");
  });
});

describeModelConformance('realnvp (actnorm, EMA)', { plugin: realNvpModelPlugin, options: { couplings: 2, hidden: 16, actnorm: true, ema: 0.9, warmupSteps: 2, gradClip: 5, batchSize: 32 } });
