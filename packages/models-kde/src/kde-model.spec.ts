import * as tf from '@tensorflow/tfjs';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { container } from 'tsyringe';
import { ModelPlugin, PluginRegistry, Rng, SampleStore, TrainingSet, takeFloat32, type DataInfo, type SampleSource } from '@ouroboros/core';
import { findPython, runPython, tempDir, testContext } from '@ouroboros/core/testing';
import { describeModelConformance } from '@ouroboros/nn/testing';
import { bandwidthFactor, bandwidths } from './bandwidth.ts';
import { KdeModel } from './kde-model.ts';
import { kdeModelPlugin } from './kde-plugin.ts';
import { kdeModelsPackage } from './register.ts';

const temp = tempDir('kde-model-');
const python = findPython(['scipy', 'numpy']);
const info = (d: number): DataInfo => ({ kind: 'vector', dtype: 'float32', sampleShape: [d], trainCount: 0, testCount: 0 });

async function store(values: Float32Array, d: number, name: string): Promise<TrainingSet> {
  return new TrainingSet([{ name: 'real', store: await SampleStore.write(join(temp.dir, name), info(d), values) }]);
}

/** Samples of `d` dimensions held in memory behind the SampleSource contract (the many-seed test would otherwise write thousands of stores). */
function memory(values: Float32Array, d: number): SampleSource {
  return {
    dtype: 'float32',
    sampleShape: [d],
    count: values.length / d,
    labelled: false,
    read: async (start, end) => values.slice(start * d, end * d),
    gather: async () => Promise.reject(new Error('not used')),
    gatherLabels: async () => Promise.reject(new Error('not used')),
    batches: () => Promise.reject(new Error('not used')) as never,
  };
}

async function samples(model: KdeModel, n: number, seed: number, generation: number): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const batch of model.sample(n, testContext(seed, generation))) parts.push(await takeFloat32(batch));
  return parts.length === 1 ? parts[0]! : Float32Array.from(parts.flatMap((p) => Array.from(p)));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

describe('kde model', () => {
  it('registers under ModelPlugin; bandwidth is scott by default, silverman, or a positive number', () => {
    const child = container.createChildContainer();
    kdeModelsPackage.register(child);
    expect(child.resolveAll(ModelPlugin)).toEqual([kdeModelPlugin]);
    const registry = PluginRegistry.fromContainer(child);
    expect(registry.bind('model', { id: 'kde' }).options).toEqual({ bandwidth: 'scott', sampleBatch: 4096 });
    expect(registry.bind('model', { id: 'kde', bandwidth: 0.2 }).options).toEqual({ bandwidth: 0.2, sampleBatch: 4096 });
    expect(() => registry.bind('model', { id: 'kde', bandwidth: 'wide' })).toThrow(/model\.bandwidth/);
    expect(() => registry.bind('model', { id: 'kde', bandwidth: 0 })).toThrow(/model\.bandwidth/);
  });

  it('uses the textbook rule-of-thumb factors', () => {
    expect(bandwidthFactor('silverman', 100, 1)).toBeCloseTo(1.0592 * 100 ** -0.2, 4); // 1.06 n^{-1/5}
    expect(bandwidthFactor('scott', 1000, 2)).toBeCloseTo(1000 ** (-1 / 6), 12);
  });

  it('scores more than 256 points with no run context (the progress lines need none)', async () => {
    const model = new KdeModel(info(2), 0.5);
    await model.fit(await store(Float32Array.of(0, 0, 2, 1), 2, 'many'), {}, testContext());
    const x = tf.zeros([300, 2]);
    const values = await model.logLikelihood(x);
    x.dispose();
    expect(values).toHaveLength(300);
    expect(values.every((v) => v === values[0] && Number.isFinite(v))).toBe(true);
  });

  it('gives the density of two kernels written out by hand, far points included', async () => {
    const model = new KdeModel(info(2), 0.5);
    await model.fit(await store(Float32Array.of(0, 0, 2, 1), 2, 'two'), {}, testContext());
    // [-200, 0]: its nearest kernel is the first one, 1610 nats above the last (the log-sum-exp must shift by the largest)
    const points = [[0, 0], [1, 0.5], [40, -30], [-200, 0]];
    const x = tf.tensor2d(points);
    const values = await model.logLikelihood(x);
    x.dispose();
    expect(values).toHaveLength(points.length);
    points.forEach(([a, b], i) => {
      const e1 = -(a! ** 2 + b! ** 2) / (2 * 0.25);
      const e2 = -((a! - 2) ** 2 + (b! - 1) ** 2) / (2 * 0.25);
      const max = Math.max(e1, e2);
      const expected = max + Math.log(Math.exp(e1 - max) + Math.exp(e2 - max)) - Math.log(2) - Math.log(2 * Math.PI * 0.25);
      expect(values[i]).toBeCloseTo(expected, 10);
    });
    expect(Number.isFinite(values[2])).toBe(true);
    expect(Number.isFinite(values[3])).toBe(true);
  });

  it('scales the sample standard deviation (divisor n - 1) of each dimension by the rule, and gives the density with those widths (by hand, no Python)', async () => {
    // dimension 0: 0, 1, 2, 3 (variance 5/3); dimension 1: 1, -1, 3, 5 (variance 20/3); n = 4, d = 2: Scott's factor 4^(-1/6)
    const scott = new KdeModel(info(2), 'scott');
    await scott.fit(await store(Float32Array.of(0, 1, 1, -1, 2, 3, 3, 5), 2, 'by-hand-scott'), {}, testContext());
    const h = [Math.sqrt(5 / 3) * 4 ** (-1 / 6), Math.sqrt(20 / 3) * 4 ** (-1 / 6)];
    Array.from(scott.bandwidth).forEach((got, j) => expect(got).toBeCloseTo(h[j]!, 12));
    const x = tf.tensor2d([[0.5, 2]]);
    const [logDensity] = await scott.logLikelihood(x);
    x.dispose();
    const centres = [[0, 1], [1, -1], [2, 3], [3, 5]];
    const kernel = (c: number[]) => Math.exp(-(((0.5 - c[0]!) / h[0]!) ** 2 + ((2 - c[1]!) / h[1]!) ** 2) / 2) / (2 * Math.PI * h[0]! * h[1]!);
    expect(logDensity).toBeCloseTo(Math.log(centres.reduce((sum, c) => sum + kernel(c), 0) / 4), 10);
    // one dimension, 0, 1, 2, 3, 9 (mean 3, variance 50/4): Silverman's (4/3)^(1/5) n^(-1/5)
    const silverman = new KdeModel(info(1), 'silverman');
    await silverman.fit(await store(Float32Array.of(0, 1, 2, 3, 9), 1, 'by-hand-silverman'), {}, testContext());
    expect(silverman.bandwidth[0]).toBeCloseTo(Math.sqrt(50 / 4) * (4 / 3) ** (1 / 5) * 5 ** (-1 / 5), 12);
    // the density's variance: the centres' (divisor n, 50/5) plus h^2
    expect(silverman.variance[0]).toBeCloseTo(10 + silverman.bandwidth[0]! ** 2, 12);
  });

  it.skipIf(!python)('matches scipy.stats.gaussian_kde in one dimension with both rules (needs python3 with scipy)', async () => {
    const rng = Rng.from(3, 'scipy');
    const data = Float32Array.from({ length: 300 }, () => (rng.uniform() < 0.3 ? -2 : 1) + rng.normal());
    const queries = [-4, -2, -0.5, 0, 1.5, 3, 8];
    const reference = JSON.parse(
      runPython(
        python!,
        `import json, sys, numpy as np
from scipy.stats import gaussian_kde
x = np.array(json.loads(sys.argv[1])); q = np.array(json.loads(sys.argv[2]))
print(json.dumps({r: gaussian_kde(x, bw_method=r).logpdf(q).tolist() for r in ['scott', 'silverman']}))`,
        [JSON.stringify(Array.from(data)), JSON.stringify(queries)],
      ),
    ) as Record<string, number[]>;
    for (const rule of ['scott', 'silverman'] as const) {
      const model = new KdeModel(info(1), rule);
      await model.fit(await store(data, 1, `scipy-${rule}`), {}, testContext());
      const x = tf.tensor2d(queries, [queries.length, 1]);
      const ours = await model.logLikelihood(x);
      x.dispose();
      queries.forEach((_, i) => expect(ours[i]! - reference[rule]![i]!).toBeCloseTo(0, 9));
    }
  });

  it('samples with the density variance: the centres\' variance plus h^2 (within 5 standard errors)', async () => {
    const rng = Rng.from(4);
    const model = new KdeModel(info(2), 0.7);
    await model.fit(await store(Float32Array.from({ length: 400 }, () => 3 * rng.normal()), 2, 'variance'), {}, testContext());
    const n = 40_000;
    const x = await samples(model, n, 5, 0);
    const v = model.variance;
    for (let j = 0; j < 2; j++) {
      const column = Array.from({ length: n }, (_, i) => x[2 * i + j]!);
      const mean = column.reduce((s, a) => s + a, 0) / n;
      const variance = column.reduce((s, a) => s + (a - mean) ** 2, 0) / n;
      expect(Math.abs(variance - v[j]!)).toBeLessThan(5 * v[j]! * Math.sqrt(2 / n) * 1.5);
    }
  });
});

describe('kde model, exactly', () => {
  it('samples x_i + h z, i drawn uniformly and z standard normal from ctx.rng, over several batches with progress', async () => {
    const model = new KdeModel(info(1), 0.25);
    const centres = Float32Array.of(-1, 0.5, 4);
    await model.fit(await store(centres, 1, 'exact-sample'), {}, testContext());
    const progress: number[] = [];
    const got: number[] = [];
    for await (const batch of model.sample(4100, testContext(3, 0, { progress: (f) => progress.push(f) }))) got.push(...(await takeFloat32(batch)));
    const rng = testContext(3).rng;
    const want = Array.from({ length: 4100 }, () => Math.fround(centres[rng.int(3)]! + 0.25 * rng.normal()));
    expect(got).toEqual(want);
    expect(progress).toEqual([4096 / 4100, 1]);
    const none: unknown[] = [];
    for await (const batch of model.sample(0, testContext())) none.push(batch);
    expect(none).toEqual([]);
    model.dispose();
  });

  it('reports the kernel sums every 256 points, gives a copy of its widths, and counts its fit as one step', async () => {
    const model = new KdeModel(info(1), 0.5);
    expect(await model.fit(await store(Float32Array.of(0, 1), 1, 'exact-progress'), {}, testContext())).toEqual({ steps: 1 });
    const progress: number[] = [];
    const x = tf.zeros([300, 1]);
    await model.logLikelihood(x, testContext(0, 0, { progress: (f) => progress.push(f) }));
    x.dispose();
    expect(progress).toEqual([256 / 300]);
    model.bandwidth.fill(7);
    expect(Array.from(model.bandwidth)).toEqual([0.5]);
  });

  it('refuses what it cannot do, in one line each', async () => {
    const model = new KdeModel(info(2), 'scott');
    await expect(model.logLikelihood(tf.zeros([1, 2]))).rejects.toThrow('kde.logLikelihood: the model is not fitted (or was disposed); call fit or load first');
    await expect(model.fit(memory(new Float32Array(0), 2), {}, testContext())).rejects.toThrow('kde.fit: training set has 0 samples; expected at least 1');
    expect(() => bandwidths('scott', Float64Array.of(1, 2), 2)).toThrow('kde: the scott bandwidth rule needs at least 2 samples, got 1; give bandwidth as a number');
    expect(Array.from(bandwidths('scott', Float64Array.of(0, 2), 1))).toEqual([Math.SQRT2 * 2 ** -0.2]);
    expect(() => bandwidths('silverman', Float64Array.of(1, 5, 1, 6), 2)).toThrow('kde: dimension 0 of the training data is constant, so the silverman rule gives bandwidth 0; give bandwidth as a number');
    await model.fit(memory(Float32Array.of(0, 0, 1, 2, 3, 1), 2), {}, testContext());
    const x = tf.zeros([1, 3]);
    await expect(model.logLikelihood(x)).rejects.toThrow('kde.logLikelihood: input of shape [1,3] is not a batch of 2-value samples');
    x.dispose();
    for (const n of [-1, 1.5]) await expect(model.sample(n, testContext())[Symbol.asyncIterator]().next()).rejects.toThrow(`kde.sample: n = ${n}; expected a non-negative integer`);
    model.dispose();
    await expect(model.sample(1, testContext())[Symbol.asyncIterator]().next()).rejects.toThrow('kde.sample: the model is not fitted (or was disposed)');
  });
});

describe('KDE retraining theory (Kazdan, Schaeffer et al. 2024)', () => {
  it('fully synthetic with fixed h: E[v_{t+1}] = ((n-1)/n) v_t + h^2 per dimension, n = 20, t = 0..9, over 600 seeds (4 standard errors)', async () => {
    const n = 20;
    const h = 0.5;
    const generations = 10;
    const seeds = 600;
    const a = (n - 1) / n;
    // residual[t][dim][seed] = v_{t+1} - (a v_t + h^2), whose expectation is 0 given v_t
    const residuals = Array.from({ length: generations }, () => [new Float64Array(seeds), new Float64Array(seeds)]);
    for (let seed = 0; seed < seeds; seed++) {
      const rng = Rng.from(seed, 'kde-theory', 'real');
      const real = Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? 1 : 2) * rng.normal());
      const model = new KdeModel(info(2), h);
      await model.fit(memory(real, 2), {}, testContext(seed));
      let v = model.variance;
      for (let t = 0; t < generations; t++) {
        await model.fit(memory(await samples(model, n, seed, t), 2), {}, testContext(seed, t + 1));
        const next = model.variance;
        for (let j = 0; j < 2; j++) residuals[t]![j]![seed] = next[j]! - (a * v[j]! + h * h);
        v = next;
      }
    }
    for (let t = 0; t < generations; t++) {
      for (let j = 0; j < 2; j++) {
        const r = residuals[t]![j]!;
        const mean = r.reduce((s, x) => s + x, 0) / seeds;
        const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (seeds - 1));
        expect(Math.abs(mean), `t = ${t}, dimension ${j}: mean residual ${mean} (sd ${sd})`).toBeLessThan((4 * sd) / Math.sqrt(seeds));
      }
    }
  });
});

describe('kde save and load', () => {
  it('round-trips the centres bit for bit and names the file when one is missing or truncated', async () => {
    const dir = join(temp.dir, 'saved');
    await expect(KdeModel.load(dir, info(2), 'scott')).rejects.toThrow(`${join(dir, 'kde.json')}: missing; expected a kde model written by KdeModel.save`);
    const rng = Rng.from(6);
    const model = new KdeModel(info(2), 'silverman');
    await model.fit(await store(Float32Array.from({ length: 100 }, () => rng.normal()), 2, 'saved'), {}, testContext());
    await model.save(dir);
    const loaded = await KdeModel.load(dir, info(2), 'silverman');
    expect(loaded.bandwidth).toEqual(model.bandwidth);
    expect(loaded.variance).toEqual(model.variance);
    writeFileSync(join(dir, 'kde-points.f64'), Buffer.alloc(16));
    await expect(KdeModel.load(dir, info(2), 'silverman')).rejects.toThrow(`${join(dir, 'kde-points.f64')}: 16 bytes; expected 800 (50 x 2 float64)`);
    await expect(KdeModel.load(dir, info(3), 'silverman')).rejects.toThrow(`${join(dir, 'kde.json')}: dims = 2 with 2 bandwidths; expected 3 for samples of shape [3]`);
    rmSync(join(dir, 'kde-points.f64'));
    await expect(KdeModel.load(dir, info(2), 'silverman')).rejects.toThrow(`${join(dir, 'kde-points.f64')}: missing; expected the kernel centres written by save()`);
    writeFileSync(join(dir, 'kde.json'), JSON.stringify({ format: 'ouroboros.kde', version: 1, count: 50, dims: 2, bandwidth: [0.5] }));
    await expect(KdeModel.load(dir, info(2), 'silverman')).rejects.toThrow(`${join(dir, 'kde.json')}: dims = 2 with 1 bandwidths; expected 2 for samples of shape [2]`);
  });
});

describeModelConformance('kde', { plugin: kdeModelPlugin, steps: false });
describeModelConformance('kde on images', { plugin: kdeModelPlugin, steps: false, data: 'images', options: { bandwidth: 'silverman' } });
