import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { container } from 'tsyringe';
import { ModelPlugin, PluginRegistry, Rng, SampleStore, TrainingSet, type DataInfo } from '@ouroboros/core';
import { tempDir, testContext } from '@ouroboros/core/testing';
import { selectBackend } from '@ouroboros/nn';
import { describeModelConformance } from '@ouroboros/nn/testing';
import { gaussianKl, logisticLogDensity } from './elbo.ts';
import { ConvVaeNetwork, upsample2x } from './vae-networks.ts';
import { VaeModel } from './vae-model.ts';
import { vaeModelPlugin, vaeOptions } from './vae-plugin.ts';
import { vaeModelsPackage } from './register.ts';

const temp = tempDir('vae-model-');
const moonsInfo: DataInfo = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 1000, testCount: 0 };

/** sklearn make_moons(noise = 0.1): upper (cos t, sin t), lower (1 - cos t, 1/2 - sin t), t ~ U[0, pi]. */
function twoMoons(n: number, rng: Rng): Float32Array {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = Math.PI * rng.uniform();
    const lower = rng.uniform() < 0.5;
    out[2 * i] = (lower ? 1 - Math.cos(t) : Math.cos(t)) + 0.1 * rng.normal();
    out[2 * i + 1] = (lower ? 0.5 - Math.sin(t) : Math.sin(t)) + 0.1 * rng.normal();
  }
  return out;
}

beforeAll(async () => {
  await selectBackend('wasm');
});
afterAll(() => temp.cleanup());

describe('vae model', () => {
  it('registers under ModelPlugin and reports its likelihood as a bound', () => {
    const child = container.createChildContainer();
    vaeModelsPackage.register(child);
    expect(child.resolveAll(ModelPlugin)).toEqual([vaeModelPlugin]);
    const bound = PluginRegistry.fromContainer(child).bind('model', { id: 'vae', latent: 2 });
    expect(bound.options).toMatchObject({ latent: 2, hidden: 128, layers: 2, lr: 1e-3 });
    const model = vaeModelPlugin.create(vaeOptions.parse({ latent: 2, hidden: 8 }), { data: moonsInfo, rng: Rng.from(0) });
    expect(model.likelihood).toBe('bound');
    model.dispose();
  });

  it('computes the Gaussian KL and the logistic density as written out by hand', () => {
    const kl = gaussianKl(tf.tensor2d([[1, -2]]), tf.tensor2d([[Math.log(4), 0]]));
    // (1/2)[(1 + 4 - 1 - log 4) + (4 + 1 - 1 - 0)]
    expect(kl.dataSync()[0]).toBeCloseTo(0.5 * (4 - Math.log(4) + 4), 5);
    const x = 0.3;
    const m = -0.2;
    const s = 0.5;
    const u = (x - m) / s;
    const density = logisticLogDensity(tf.tensor2d([[x]]), tf.tensor2d([[m]]), tf.tensor1d([Math.log(s)]));
    expect(density.dataSync()[0]).toBeCloseTo(Math.log(Math.exp(-u) / (s * (1 + Math.exp(-u)) ** 2)), 5);
    tf.dispose([kl, density]);
  });

  it('upsamples by repeating each pixel 2x2, and its conv net maps images to latents and back to the image shape', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(Array.from(upsample2x(x).dataSync())).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    const info: DataInfo = { kind: 'image', dtype: 'uint8', sampleShape: [8, 8, 3], trainCount: 0, testCount: 0 };
    const net = new ConvVaeNetwork(info, 5, 4, 2, Rng.from(1));
    const [mu, logVar] = net.encode(tf.zeros([2, 8, 8, 3]));
    expect([mu.shape, logVar.shape]).toEqual([[2, 5], [2, 5]]);
    const decoded = net.decode(mu);
    expect(decoded.shape).toEqual([2, 8, 8, 3]);
    expect(Math.max(...decoded.dataSync().map(Math.abs))).toBeLessThanOrEqual(1);
    expect(() => new ConvVaeNetwork({ ...info, sampleShape: [6, 6, 3] }, 5, 4, 2, Rng.from(1))).toThrow(/6x6 cannot be halved 2 times/);
    tf.dispose([x, mu, logVar, decoded]);
    net.dispose();
  });

  it('raises the ELBO of held-out two-moons by more than half a nat per sample over 400 steps, and the training loss falls', async () => {
    const store = await SampleStore.write(join(temp.dir, 'moons'), moonsInfo, twoMoons(1000, Rng.from(2, 'moons')));
    const train = new TrainingSet([{ name: 'real', store }]);
    const model = new VaeModel(moonsInfo, { latent: 2, hidden: 64, layers: 2, channels: 1, downsample: 0, elboSamples: 8 }, vaeOptions.parse({ lr: 3e-3 }), Rng.from(3));
    const x = tf.tensor2d(twoMoons(500, Rng.from(4, 'held-out')), [500, 2]);
    const elbo = async () => (await model.logLikelihood(x, testContext(5))).reduce((s, v) => s + v, 0) / 500;
    const before = await elbo();
    const losses: number[] = [];
    await model.fit(train, { steps: 400, batchSize: 128 }, testContext(6, 0, { log: (scalars) => losses.push(scalars.loss!) }));
    const after = await elbo();
    expect(after - before, `ELBO ${before} -> ${after}`).toBeGreaterThan(0.5);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)));
    x.dispose();
    model.dispose();
  });
});

describeModelConformance('vae', { plugin: vaeModelPlugin, options: { latent: 2, hidden: 16, ema: 0.9 } });
describeModelConformance('vae on images (conv)', { plugin: vaeModelPlugin, data: 'images', options: { latent: 4, channels: 4, downsample: 1, ema: 0.9 } });
