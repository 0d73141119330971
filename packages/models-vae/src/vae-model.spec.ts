import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { container } from 'tsyringe';
import { ModelPlugin, PluginRegistry, Rng, SampleStore, TrainingSet, type DataInfo } from '@ouroboros/core';
import { tempDir, testContext, twoMoons } from '@ouroboros/core/testing';
import { selectBackend } from '@ouroboros/nn';
import { describeModelConformance } from '@ouroboros/nn/testing';
import { gaussianKl, logisticLogDensity } from './elbo.ts';
import { ConvVaeNetwork, upsample2x, type VaeNetwork } from './vae-networks.ts';
import { VaeModel } from './vae-model.ts';
import { vaeModelPlugin, vaeOptions } from './vae-plugin.ts';
import { vaeModelsPackage } from './register.ts';

/** A VaeModel whose parameters a test can set: with layers = 0 encoder and decoder are single linear maps. */
class SettableVae extends VaeModel {
  set(values: Record<string, number[]>): void {
    const params = new Map(this.net.namedParameters());
    for (const [name, value] of Object.entries(values)) params.get(name)!.assign(tf.tensor(value, params.get(name)!.shape));
  }
  decoded(z: number[][]): number[] {
    return tf.tidy(() => Array.from((this.net as unknown as VaeNetwork).decode(tf.tensor2d(z)).dataSync()));
  }
}

async function drawn(model: VaeModel, n: number, ctx = testContext(2)): Promise<number[][]> {
  const batches: number[][] = [];
  for await (const batch of model.sample(n, ctx)) {
    batches.push(Array.from(await batch.data()));
    batch.dispose();
  }
  return batches;
}

const temp = tempDir('vae-model-');
const moonsInfo: DataInfo = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 1000, testCount: 0 };

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

  it('has the one-draw ELBO log N(x; z, s^2) - KL(N(mu, sigma^2) || N(0, I)), z = mu + sigma eps, for a linear encoder and the identity decoder (float64 by hand)', async () => {
    // mu = x A + a, log sigma^2 = x B + b (encoder [2 -> 4] with weight [A | B], bias [a | b]); decode(z) = z; log s = (log 0.5, log 1.5)
    const model = new SettableVae(moonsInfo, { latent: 2, hidden: 8, layers: 0, channels: 1, downsample: 0, elboSamples: 3 }, vaeOptions.parse({ ema: null }), Rng.from(1));
    const [A, B, a, b] = [[0.5, -0.2, 0.1, 0.8], [0.3, 0, -0.4, 0.2], [0.1, -0.3], [-0.5, 0.4]];
    const encoderWeight = [A[0]!, A[1]!, B[0]!, B[1]!, A[2]!, A[3]!, B[2]!, B[3]!];
    const logScale = [Math.log(0.5), Math.log(1.5)];
    model.set({ 'encoder.layers.0.weight': encoderWeight, 'encoder.layers.0.bias': [...a, ...b], 'decoder.layers.0.weight': [1, 0, 0, 1], 'decoder.layers.0.bias': [0, 0], log_scale: logScale });
    const rows = [[0.7, -0.4], [-1.2, 0.9], [0.05, 2]];
    const oneDraw = (x: number[], eps: ArrayLike<number>) => {
      let elbo = 0;
      for (let j = 0; j < 2; j++) {
        const mu = x[0]! * A[j]! + x[1]! * A[2 + j]! + a[j]!;
        const logVar = x[0]! * B[j]! + x[1]! * B[2 + j]! + b[j]!;
        const z = mu + Math.exp(logVar / 2) * eps[j]!;
        const s = Math.exp(logScale[j]!);
        elbo += -0.5 * (((x[j]! - z) / s) ** 2 + 2 * Math.log(s) + Math.log(2 * Math.PI)) - 0.5 * (mu * mu + Math.exp(logVar) - 1 - logVar);
      }
      return elbo;
    };
    const x = tf.tensor2d(rows);
    const ctx = testContext(7);
    const got = await model.logLikelihood(x, ctx);
    const want = rows.map(() => 0);
    for (let k = 0; k < 3; k++) {
      const eps = ctx.rng.fork('elbo', k).normals(rows.length * 2);
      rows.forEach((row, i) => (want[i]! += oneDraw(row, eps.subarray(2 * i, 2 * i + 2)) / 3));
    }
    rows.forEach((_, i) => expect(got[i]).toBeCloseTo(want[i]!, 4));
    const loss = tf.tidy(() => model.loss({ x }, Rng.from(9)).dataSync()[0]!);
    const eps = Rng.from(9).normals(rows.length * 2);
    expect(loss).toBeCloseTo(-rows.reduce((sum, row, i) => sum + oneDraw(row, eps.subarray(2 * i, 2 * i + 2)), 0) / rows.length, 4);
    x.dispose();
    model.dispose();
  });

  it('samples x = decode(z) + s n with z ~ N(0, I) from the fork batch/<start>/z and n from batch/<start>/x: normal for vectors (two batches of 512 and 1), logistic for images', async () => {
    const model = new SettableVae(moonsInfo, { latent: 2, hidden: 8, layers: 0, channels: 1, downsample: 0, elboSamples: 1 }, vaeOptions.parse({ ema: null }), Rng.from(1));
    const logScale = [Math.log(0.5), Math.log(1.5)];
    model.set({ 'decoder.layers.0.weight': [1, 0, 0, 1], 'decoder.layers.0.bias': [0, 0], log_scale: logScale });
    const progress: number[] = [];
    const batches = await drawn(model, 513, testContext(2, 0, { progress: (f) => progress.push(f) }));
    expect(batches.map((b) => b.length)).toEqual([1024, 2]);
    expect(progress).toEqual([512 / 513, 1]);
    [0, 512].forEach((start, k) => {
      const rng = testContext(2).rng.fork('batch', start);
      const rows = k === 0 ? 512 : 1;
      const [z, noise] = [rng.fork('z').normals(2 * rows), rng.fork('x').normals(2 * rows)];
      batches[k]!.forEach((v, i) => expect(v).toBeCloseTo(Math.fround(z[i]!) + Math.fround(noise[i]!) * Math.exp(logScale[i % 2]!), 5));
    });
    expect(await drawn(model, 0)).toEqual([]);
    for (const n of [-1, 1.5]) await expect(drawn(model, n)).rejects.toThrow(`vae.sample: n = ${n}; expected a non-negative integer`);
    model.dispose();

    const images: DataInfo = { kind: 'image', dtype: 'uint8', sampleShape: [4, 4, 3], trainCount: 0, testCount: 0 };
    const conv = new SettableVae(images, { latent: 2, hidden: 8, layers: 1, channels: 2, downsample: 1, elboSamples: 1 }, vaeOptions.parse({ ema: null }), Rng.from(1));
    expect([conv.architecture, conv.dequantize]).toEqual([{ network: 'conv', sampleShape: [4, 4, 3], latent: 2, channels: 2, downsample: 1 }, true]);
    conv.set({ log_scale: Array<number>(48).fill(Math.log(0.7)) });
    const [got] = await drawn(conv, 3);
    const rng = testContext(2).rng.fork('batch', 0);
    const z = Array.from(rng.fork('z').normals(6), Math.fround);
    const u = rng.fork('x').uniforms(3 * 48, 1e-7, 1 - 1e-7);
    const mean = conv.decoded([z.slice(0, 2), z.slice(2, 4), z.slice(4, 6)]);
    got!.forEach((v, i) => expect(v).toBeCloseTo(mean[i]! + 0.7 * (Math.log(u[i]!) - Math.log1p(-u[i]!)), 4));
    conv.dispose();
    const mlp = new SettableVae(moonsInfo, { latent: 2, hidden: 8, layers: 1, channels: 1, downsample: 0, elboSamples: 1 }, vaeOptions.parse({}), Rng.from(1));
    expect(mlp.architecture).toEqual({ network: 'mlp', sampleShape: [2], latent: 2, hidden: 8, layers: 1 });
    mlp.dispose();
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
