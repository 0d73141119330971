import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { container } from 'tsyringe';
import { ConfigError, ModelPlugin, PluginRegistry, Rng, SampleStore, TrainingSet, type DataInfo } from '@ouroboros/core';
import { tempDir, testContext } from '@ouroboros/core/testing';
import { selectBackend } from '@ouroboros/nn';
import { conformanceData } from '@ouroboros/nn/testing';
import { DiffusionModel } from '../diffusion-model.ts';
import { diffusionModelsPackage } from '../register.ts';
import { ddpmModelPlugin } from './ddpm-plugin.ts';
import { edmModelPlugin } from './edm-plugin.ts';
import { otcfmModelPlugin } from './otcfm-plugin.ts';

const temp = tempDir('diffusion-plugins-');
const vectors: DataInfo = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 8, testCount: 0 };
const images: DataInfo = { kind: 'image', dtype: 'uint8', sampleShape: [4, 4, 3], trainCount: 8, testCount: 0, classes: ['r', 'g', 'b'] };
const tinyUnet = { unet: { channels: 8, channelMult: [1, 2], resBlocks: 1, attentionResolutions: [], groups: 4 } };
const registry = (() => {
  const child = container.createChildContainer();
  diffusionModelsPackage.register(child);
  return PluginRegistry.fromContainer(child);
})();

beforeAll(async () => {
  await selectBackend('wasm');
});
afterAll(() => temp.cleanup());

async function collect(samples: AsyncIterable<tf.Tensor>): Promise<number[]> {
  const out: number[] = [];
  for await (const batch of samples) {
    out.push(...(await batch.data()));
    batch.dispose();
  }
  return out;
}

describe('the diffusion plugins', () => {
  it('register ddpm, edm and otcfm under ModelPlugin with the documented defaults', () => {
    const child = container.createChildContainer();
    diffusionModelsPackage.register(child);
    expect(child.resolveAll(ModelPlugin).map((p) => (p as { id: string }).id)).toEqual(['ddpm', 'edm', 'otcfm']);
    const shared = { ema: 0.999, gradClip: 1, lr: 1e-3, network: 'auto', classConditional: true, labelDropout: 0.1, guidance: 1, sampleBatch: 500 };
    const mlp = { hidden: 256, layers: 3, timeEmbedding: 64 };
    const unet = { channels: 64, channelMult: [1, 2, 2], resBlocks: 2, attentionResolutions: [16], dropout: 0.1, groups: 32, heads: 1, layout: 'ddpm' };
    expect(registry.bind('model', { id: 'ddpm' }).options).toMatchObject({ ...shared, mlp, unet, timesteps: 1000, betaSchedule: 'linear', betaStart: 1e-4, betaEnd: 0.02, variance: 'large', sampler: 'ddim', samplerSteps: 100, eta: 0, boundTimesteps: null });
    expect(registry.bind('model', { id: 'edm' }).options).toMatchObject({ ...shared, sigmaData: 0.5, pMean: -1.2, pStd: 1.2, sigmaMin: 0.002, sigmaMax: 80, rho: 7, samplerSteps: 18, sampler: 'heun' });
    expect(registry.bind('model', { id: 'otcfm' }).options).toMatchObject({ ...shared, sigma: 0, coupling: 'exact-ot', sampler: 'dopri5', rtol: 1e-5, atol: 1e-5, likelihoodEstimator: 'none', samplerSteps: 100 });
    expect(registry.bind('model', { id: 'ddpm', mlp: { hidden: 32 } }).options.mlp).toEqual({ ...mlp, hidden: 32 });
  });

  it('refuses bad options with errors that name them', () => {
    expect(() => registry.bind('model', { id: 'edm', sigmaMin: 5, sigmaMax: 1 })).toThrow(ConfigError);
    expect(() => registry.bind('model', { id: 'edm', sigmaMin: 5, sigmaMax: 1 })).toThrow(/sigmaMax/);
    expect(() => registry.bind('model', { id: 'ddpm', unet: { chanels: 3 } })).toThrow(/chanels/);
    expect(() => registry.bind('model', { id: 'otcfm', sampler: 'rk4' })).toThrow(/sampler/);
    expect(() => registry.bind('model', { id: 'ddpm', timesteps: 50 })).toThrow(/model.samplerSteps is missing: expected at most 50 DDIM steps \(the timesteps; the default is 100\); lower samplerSteps or use sampler: ancestral/);
    expect(registry.bind('model', { id: 'ddpm', timesteps: 50, sampler: 'ancestral' }).options.samplerSteps).toBe(100);
    expect(() => ddpmModelPlugin.create(ddpmModelPlugin.options.parse({ network: 'unet' }), { data: vectors, rng: Rng.from(0) })).toThrow(
      /network: unet needs image data; this dataset has vector samples of shape \[2\] \(use network: mlp\)/,
    );
  });

  it('accept the earlier option names (steps, schedule, likelihood) as the current ones, each with a note', () => {
    const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, string[]]> = [
      ['ddpm', { steps: 20, schedule: 'cosine' }, { samplerSteps: 20, betaSchedule: 'cosine' }, ['steps', 'schedule']],
      ['edm', { steps: 40 }, { samplerSteps: 40 }, ['steps']],
      ['otcfm', { steps: 7, likelihood: 'exact-trace' }, { samplerSteps: 7, likelihoodEstimator: 'exact-trace' }, ['steps', 'likelihood']],
    ];
    for (const [id, earlier, current, names] of cases) {
      const old = registry.bindModel({ id, ...earlier });
      expect(old.options).toEqual(registry.bindModel({ id, ...current }).options);
      expect(old.notes).toEqual(names.map((name) => `model.${name} is now called model.${Object.keys(current)[names.indexOf(name)]}; the old name still works`));
    }
    expect(() => registry.bindModel({ id: 'ddpm', steps: 20, samplerSteps: 20 })).toThrow(/both given/);
  });

  it("choose the MLP for vectors and the U-Net for images ('auto'), and say which likelihood each has", () => {
    const make = (plugin: typeof ddpmModelPlugin | typeof edmModelPlugin | typeof otcfmModelPlugin, data: DataInfo, options: Record<string, unknown> = {}) =>
      (plugin as typeof ddpmModelPlugin).create((plugin as typeof ddpmModelPlugin).options.parse({ ...tinyUnet, ...options }), { data, rng: Rng.from(0) }) as DiffusionModel;
    const models = [make(ddpmModelPlugin, vectors), make(edmModelPlugin, images), make(otcfmModelPlugin, vectors), make(otcfmModelPlugin, vectors, { likelihoodEstimator: 'hutchinson' })];
    expect(models.map((m) => m.architecture.network)).toEqual(['mlp', 'unet', 'mlp', 'mlp']);
    expect(models.map((m) => m.likelihood)).toEqual(['bound', undefined, undefined, 'estimate']);
    expect(models.map((m) => typeof m.logLikelihood)).toEqual(['function', 'undefined', 'undefined', 'function']);
    expect(models.map((m) => m.family)).toEqual(['ddpm', 'edm', 'otcfm', 'otcfm']);
    for (const m of models) m.dispose();
  });

  it('are class-conditional on labelled data unless told not to; labels steer sampling and guidance changes it', async () => {
    const make = (options: Record<string, unknown>, data = images) => ddpmModelPlugin.create(ddpmModelPlugin.options.parse({ ...tinyUnet, timesteps: 10, samplerSteps: 5, ema: null, ...options }), { data, rng: Rng.from(0) });
    const unlabelled = make({}, { ...images, classes: undefined });
    const off = make({ classConditional: false });
    const plain = make({});
    const guided = make({ guidance: 3 });
    expect([unlabelled.conditional, off.conditional, plain.conditional]).toEqual([false, false, true]);
    // train a little (no EMA: the zero-initialised output conv must move) so that the class embedding matters
    const data = conformanceData('images');
    const store = await SampleStore.write(join(temp.dir, 'images'), { ...data.info, labelled: true } as DataInfo, data.train, data.labels);
    const train = new TrainingSet([{ name: 'real', store }]);
    for (const [i, m] of [plain, guided].entries()) await m.fit(train, { steps: 3, batchSize: 16 }, testContext(0, 0, { checkpointDir: join(temp.dir, `fit-${i}`) }));
    await guided.save(join(temp.dir, 'guided'));
    const labels = Int32Array.of(0, 1, 2, 0);
    const [withLabels, withOthers, withoutLabels] = await Promise.all([collect(plain.sample(4, testContext(5), { labels })), collect(plain.sample(4, testContext(5), { labels: Int32Array.of(2, 2, 2, 2) })), collect(plain.sample(4, testContext(5)))]);
    expect(withLabels).not.toEqual(withOthers);
    expect(withLabels).not.toEqual(withoutLabels);
    // the same weights sampled with guidance 3 instead of 1
    const reloaded = await ddpmModelPlugin.load(join(temp.dir, 'guided'), ddpmModelPlugin.options.parse({ ...tinyUnet, timesteps: 10, samplerSteps: 5, ema: null }), { data: images, rng: Rng.from(1) });
    expect(await collect(guided.sample(4, testContext(5), { labels }))).not.toEqual(await collect(reloaded.sample(4, testContext(5), { labels })));
    await expect(collect(plain.sample(4, testContext(5), { labels: Int32Array.of(0, 1, 3, 0) }))).rejects.toThrow(/sampling labels must be in 0 … 2/);
    await expect(collect(plain.sample(3, testContext(5), { labels }))).rejects.toThrow(/sample\(3\) got 4 labels/);
    for (const m of [unlabelled, off, plain, guided, reloaded]) m.dispose();
  });

  it('refuse to load a model saved with another network or schedule, naming the field', async () => {
    const options = ddpmModelPlugin.options.parse({ mlp: { hidden: 8, layers: 1 } });
    const model = ddpmModelPlugin.create(options, { data: vectors, rng: Rng.from(0) });
    await model.save(join(temp.dir, 'small'));
    model.dispose();
    await expect(ddpmModelPlugin.load(join(temp.dir, 'small'), ddpmModelPlugin.options.parse({ mlp: { hidden: 16, layers: 1 } }), { data: vectors, rng: Rng.from(0) })).rejects.toThrow(/architecture.hidden = 8; the model options say 16/);
    await expect(ddpmModelPlugin.load(join(temp.dir, 'small'), ddpmModelPlugin.options.parse({ mlp: { hidden: 8, layers: 1 }, timesteps: 500 }), { data: vectors, rng: Rng.from(0) })).rejects.toThrow(/architecture.timesteps = 1000; the model options say 500/);
    await expect(edmModelPlugin.load(join(temp.dir, 'small'), edmModelPlugin.options.parse({ mlp: { hidden: 8, layers: 1 } }), { data: vectors, rng: Rng.from(0) })).rejects.toThrow(/holds a 'ddpm' model; expected 'edm'/);
  });
});
