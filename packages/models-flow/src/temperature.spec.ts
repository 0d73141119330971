import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { container } from 'tsyringe';
import { applySetOverride, expandSweep, PluginRegistry, Rng, type DataInfo, type RunContext } from '@ouroboros/core';
import { testContext } from '@ouroboros/core/testing';
import { selectBackend } from '@ouroboros/nn';
import type { DensityFlow } from './density-flow.ts';
import type { FlowModel } from './flow-model.ts';
import { glowModelPlugin } from './glow/glow-plugin.ts';
import type { RealNvpFlow } from './realnvp/realnvp-flow.ts';
import { realNvpModelPlugin } from './realnvp/realnvp-plugin.ts';
import { flowModelsPackage } from './register.ts';

/**
 * Temperature T as sampling bias (Kingma & Dhariwal 2018; MAD's quality/diversity trade-off,
 * Alemohammad et al. 2023): the base noise is N(0, T² I); T = 1 (the default) is the model itself.
 */
beforeAll(async () => {
  await selectBackend('wasm');
});

const vectors: DataInfo = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 8, testCount: 0 };
const images: DataInfo = { kind: 'image', dtype: 'uint8', sampleShape: [4, 4, 3], trainCount: 8, testCount: 0 };
const realNvp = (options: Record<string, unknown> = {}) => realNvpModelPlugin.create(realNvpModelPlugin.options.parse({ couplings: 2, hidden: 8, sampleBatch: 1000, ...options }), { data: vectors, rng: Rng.from(4) }) as FlowModel;
const glow = (options: Record<string, unknown> = {}) => glowModelPlugin.create(glowModelPlugin.options.parse({ levels: 1, stepsPerLevel: 1, hidden: 4, ...options }), { data: images, rng: Rng.from(4) }) as FlowModel;
const flowOf = (model: FlowModel) => (model as unknown as { flow: DensityFlow }).flow;

async function collect(samples: AsyncIterable<tf.Tensor>): Promise<Float32Array> {
  const out: number[] = [];
  for await (const batch of samples) {
    out.push(...(await batch.data()));
    batch.dispose();
  }
  return Float32Array.from(out);
}

/** What FlowModel.sample does at T = 1: each batch f⁻¹(ε) from the fork ('batch', start). */
function atTemperatureOneByHand(model: FlowModel, n: number, ctx: RunContext): Float32Array {
  const out: number[] = [];
  for (let start = 0; start < n; start += model.sampling.sampleBatch) {
    const batch = model.withSamplingWeights(() => flowOf(model).generate(Math.min(model.sampling.sampleBatch, n - start), 1, ctx.rng.fork('batch', start)));
    out.push(...batch.dataSync());
    batch.dispose();
  }
  return Float32Array.from(out);
}

const std = (values: Float32Array) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
};

describe('flow temperature', () => {
  it('left at its default samples exactly what T = 1 draws, with the same seed', async () => {
    const ctx = testContext(2);
    for (const model of [realNvp({ sampleBatch: 3 }), glow({ sampleBatch: 3 })]) {
      const samples = await collect(model.sample(7, ctx));
      expect(Array.from(samples)).toEqual(Array.from(atTemperatureOneByHand(model, 7, ctx)));
      model.dispose();
    }
  });

  it('on a flow that starts as the identity (zero-initialised couplings), scales every sample by T: the sample std is T', async () => {
    const ctx = testContext(3);
    const unit = realNvp();
    const base = await collect(unit.sample(4000, ctx));
    expect(std(base)).toBeCloseTo(1, 1);
    for (const temperature of [0.5, 2]) {
      const model = realNvp({ temperature });
      const samples = await collect(model.sample(4000, ctx));
      samples.forEach((v, i) => expect(v).toBeCloseTo(temperature * base[i]!, 5));
      expect(Math.abs(std(samples) / temperature - 1)).toBeLessThan(0.03);
      model.dispose();
    }
    unit.dispose();
  });

  it('on a flow that is not the identity, draws the latents z = f(x) from N(0, T² I): f of the samples at T is T times f of those at 1', async () => {
    const ctx = testContext(5);
    const models = [1, 0.6].map((temperature) => realNvp({ temperature }));
    for (const model of models) {
      // the same non-zero weights in both, so the couplings are not the identity
      flowOf(model).parameters().forEach((v, i) => v.assign(tf.tensor(Float32Array.from(Rng.from(9, i).normals(v.size), (x) => 0.3 * x), v.shape)));
    }
    const latents = await Promise.all(
      models.map(async (model) => {
        const x = tf.tensor(await collect(model.sample(200, ctx)), [200, 2]);
        const { z, logDet } = (flowOf(model) as RealNvpFlow).encode(x);
        const out = z.dataSync().slice();
        for (const t of [x, z, logDet]) t.dispose();
        return out;
      }),
    );
    latents[1]!.forEach((v, i) => expect(v).toBeCloseTo(0.6 * latents[0]![i]!, 3));
    const samples = await Promise.all(models.map((model) => collect(model.sample(200, ctx))));
    expect(Array.from(samples[1]!)).not.toEqual(Array.from(samples[0]!.map((v) => 0.6 * v)));
    for (const model of models) model.dispose();
  });

  it('is a sweep axis: --set model.temperature=... and a matrix over it bind to the option', () => {
    const child = container.createChildContainer();
    flowModelsPackage.register(child);
    const registry = PluginRegistry.fromContainer(child);
    const base = { model: { id: 'realnvp' } };
    expect(registry.bind('model', (applySetOverride(base, 'model.temperature=0.7') as typeof base).model).options).toMatchObject({ temperature: 0.7 });
    const plan = expandSweep({ ...base, matrix: { 'model.id': ['realnvp', 'glow'], 'model.temperature': [0.5, 1] } });
    expect(plan.cells.map((cell) => registry.bind('model', (cell.config as typeof base).model).options.temperature)).toEqual([0.5, 1, 0.5, 1]);
  });
});
