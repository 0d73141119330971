import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { container } from 'tsyringe';
import { applySetOverride, expandSweep, PluginRegistry, Rng, type DataInfo, type RunContext } from '@ouroboros/core';
import { tempDir, testContext } from '@ouroboros/core/testing';
import { selectBackend, trainingOptions } from '@ouroboros/nn';
import { DiffusionModel, type SamplingBias } from './diffusion-model.ts';
import { DenoiserNetwork } from './networks/denoiser-network.ts';
import { DdpmObjective } from './objectives/ddpm.ts';
import { EdmObjective } from './objectives/edm.ts';
import type { ConditionedNetwork, Objective } from './objectives/objective.ts';
import { OtcfmObjective } from './objectives/otcfm.ts';
import { ddpmModelPlugin } from './plugins/ddpm-plugin.ts';
import { edmModelPlugin } from './plugins/edm-plugin.ts';
import { diffusionModelsPackage } from './register.ts';
import { truncatedNoise, type InitialNoise } from './samplers/initial-noise.ts';

/**
 * Sampling bias in the diffusion family: truncated initial noise (Brock et al. 2019) and SIMS negative
 * guidance (Alemohammad et al. 2024). Unset, neither changes a sample.
 */
const temp = tempDir('diffusion-sampling-bias-');
beforeAll(async () => {
  await selectBackend('wasm');
});
afterAll(() => temp.cleanup());

const vectors: DataInfo = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 8, testCount: 0 };
const tiny = { mlp: { hidden: 8, layers: 1, timeEmbedding: 4 }, timesteps: 20, samplerSteps: 5, sampleBatch: 4 };
const ddpm = (options: Record<string, unknown> = {}) => ddpmModelPlugin.create(ddpmModelPlugin.options.parse({ ...tiny, ...options }), { data: vectors, rng: Rng.from(7) }) as DiffusionModel;

async function collect(samples: AsyncIterable<tf.Tensor>): Promise<number[]> {
  const out: number[] = [];
  for await (const batch of samples) {
    out.push(...(await batch.data()));
    batch.dispose();
  }
  return out;
}

/** What DiffusionModel.sample did before sampling bias existed: each batch `objective.sample(F, shape, ctx.rng.fork('batch', start))` under the sampling weights. */
async function unbiasedByHand(model: DiffusionModel, n: number, ctx: RunContext, noise?: InitialNoise): Promise<number[]> {
  const net: ConditionedNetwork = (x, c) => model.network.apply(x, c, null, null);
  const out: number[] = [];
  for (let start = 0; start < n; start += model.sampleBatch) {
    const rows = Math.min(model.sampleBatch, n - start);
    const batch = await model.withSamplingWeights(() => model.objective.sample(net, [rows, 2], ctx.rng.fork('batch', start), undefined, noise));
    out.push(...(await batch.data()));
    batch.dispose();
  }
  return out;
}

// Var(z | |z| ≤ ψ) = 1 − 2ψ φ(ψ) / (2Φ(ψ) − 1), with 2Φ(ψ) − 1 = 2∫₀^ψ φ by Simpson's rule
function truncatedVariance(psi: number): number {
  const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  const m = 1000;
  const h = psi / m;
  let integral = phi(0) + phi(psi);
  for (let i = 1; i < m; i++) integral += (i % 2 ? 4 : 2) * phi(i * h);
  return 1 - (2 * psi * phi(psi)) / ((2 * integral * h) / 3);
}

describe('truncated initial noise', () => {
  it.each([0.4, 1.5])('draws N(0, 1) conditioned on |z| <= %s: every value inside, the variance of the truncated normal, the same values for the same rng', (psi) => {
    const draw = () => truncatedNoise(psi)([20000, 2], Rng.from(3));
    const tensor = draw();
    const values = Float32Array.from(tensor.dataSync());
    tensor.dispose();
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(psi + 1e-7);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    // σ² ≈ 0.0508 (ψ = 0.4), 0.5837 (ψ = 1.5); the standard error of the variance is under 1% here
    expect(Math.abs(variance / truncatedVariance(psi) - 1)).toBeLessThan(0.03);
    const again = draw();
    expect(Array.from(again.dataSync())).toEqual(Array.from(values));
    again.dispose();
  });

  it('refuses a threshold that is not positive', () => {
    expect(() => truncatedNoise(0)).toThrow(/truncation ψ must be > 0; got 0/);
  });

  it('is where every sampler starts: with a zero network each objective returns a fixed multiple of the noise it is given (OT-CFM: the noise itself)', async () => {
    const zero: ConditionedNetwork = (x) => tf.zerosLike(x);
    const objectives: Array<[string, Objective, number | null]> = [
      ['ddpm', new DdpmObjective({ timesteps: 20, schedule: 'linear', betaStart: 1e-4, betaEnd: 0.02, variance: 'large', sampler: 'ddim', steps: 5, eta: 0, clipDenoised: false, boundTimesteps: null, discrete: false }), null],
      ['edm', new EdmObjective({ sigmaData: 0.5, pMean: -1.2, pStd: 1.2, sigmaMin: 0.002, sigmaMax: 80, rho: 7, steps: 4, sampler: 'heun' }), null],
      ['otcfm', new OtcfmObjective({ sigma: 0, coupling: 'independent', sampler: 'euler', steps: 4, rtol: 1e-5, atol: 1e-5, clip: false, likelihood: 'none', probes: 1 }), 1],
    ];
    const noise = truncatedNoise(0.8);
    for (const [family, objective, ratio] of objectives) {
      const start = noise([6, 2], Rng.from(5));
      const given: InitialNoise = () => start.clone();
      const out = await objective.sample(zero, [6, 2], Rng.from(9), undefined, given);
      const ratios = Array.from(out.dataSync(), (v, i) => v / start.dataSync()[i]!);
      out.dispose();
      start.dispose();
      for (const r of ratios) expect(Math.abs(r / (ratio ?? ratios[0]!) - 1), family).toBeLessThan(1e-4);
      expect(Math.abs(ratios[0]!), family).toBeGreaterThan(0);
    }
  });
});

describe('diffusion sampling bias options', () => {
  it('unset (or negativeGuidance 0) sample exactly what sampling did before they existed, with the same seed', async () => {
    const ctx = testContext(11);
    for (const options of [{}, { negativeGuidance: 0 }]) {
      const model = ddpm(options);
      expect(await collect(model.sample(6, ctx))).toEqual(await unbiasedByHand(model, 6, ctx));
      model.dispose();
    }
  });

  it('truncation ψ starts every batch from truncated noise drawn from the batch rng; the samples move', async () => {
    const ctx = testContext(11);
    const plain = ddpm();
    const truncated = ddpm({ truncation: 0.3 });
    const samples = await collect(truncated.sample(6, ctx));
    expect(samples).toEqual(await unbiasedByHand(plain, 6, ctx, truncatedNoise(0.3)));
    expect(samples).not.toEqual(await collect(plain.sample(6, ctx)));
    plain.dispose();
    truncated.dispose();
  });

  it('are sweep axes: --set model.truncation=... and a matrix over model.negativeGuidance bind to the options', () => {
    const child = container.createChildContainer();
    diffusionModelsPackage.register(child);
    const registry = PluginRegistry.fromContainer(child);
    const base = { model: { id: 'ddpm' } };
    const set = applySetOverride(base, 'model.truncation=0.5') as { model: { id: string } };
    expect(registry.bind('model', set.model).options).toMatchObject({ truncation: 0.5 });
    // null in a matrix leaves the option unset: that cell is the unbiased run
    const plan = expandSweep({ ...base, matrix: { 'model.negativeGuidance': [0, 1.5], 'model.truncation': [null, 2] } });
    const bound = plan.cells.map((cell) => registry.bind('model', (cell.config as typeof base).model).options);
    expect(bound.map((o) => [o.negativeGuidance, o.truncation])).toEqual([[0, undefined], [0, 2], [1.5, undefined], [1.5, 2]]);
    expect('truncation' in bound[0]!).toBe(false);
    expect(() => registry.bind('model', { id: 'ddpm', truncation: 0 })).toThrow(/^model\.truncation = 0: /);
    // unset, they are absent from the resolved options, so a run's id (a hash of them) is what it was
    expect(Object.keys(registry.bind('model', base.model).options).filter((key) => ['truncation', 'negativeGuidance', 'selfModel'].includes(key))).toEqual([]);
  });
});

/** F(x, c) = a x + b c: a stand-in denoiser whose output is known exactly. */
class AffineStandIn extends DenoiserNetwork {
  readonly classes = 0;
  readonly architecture = { stand: 'in' };
  constructor(
    private readonly a: number,
    private readonly b: number,
  ) {
    super();
    this.param('unused', tf.zeros([1]));
  }
  apply(x: tf.Tensor, c: tf.Tensor1D): tf.Tensor {
    return tf.tidy(() => tf.add(tf.mul(x, this.a), tf.mul(tf.reshape(c, [-1, 1]), this.b)));
  }
}

/** A "sampler" that is one network call F(x_s, 0.25) on fixed inputs. */
class OneCallObjective implements Objective {
  readonly family = 'stand-in';
  readonly architecture = {};
  loss(): tf.Scalar {
    return tf.scalar(0);
  }
  async sample(net: ConditionedNetwork, shape: number[]): Promise<tf.Tensor> {
    return tf.tidy(() => net(tf.tensor(Float32Array.from({ length: shape[0]! * 2 }, (_, i) => 0.5 + 0.25 * i), shape), tf.fill([shape[0]!], 0.25) as tf.Tensor1D));
  }
}

const standIn = (a: number, b: number, bias: SamplingBias = {}) => new DiffusionModel(vectors, new OneCallObjective(), new AffineStandIn(a, b), trainingOptions.parse({ ema: null }), { labelDropout: 0, guidance: 1 }, 2, bias);

describe('SIMS negative guidance', () => {
  it('samples with F + w (F − F_self) exactly, F_self the self model it loads for the call and disposes after', async () => {
    const w = 0.7;
    let loaded: DiffusionModel | null = null;
    const model = standIn(2, 1, { negativeGuidance: { weight: w, selfModel: async () => (loaded = standIn(1, -1)) } });
    const tensorsBefore = tf.memory().numTensors;
    const samples = await collect(model.sample(3, testContext(0)));
    // two batches, of 2 rows then 1, each on the inputs 0.5, 0.75, …
    const x = [0.5, 0.75, 1, 1.25, 0.5, 0.75];
    // F = 2x + 0.25, F_self = x − 0.25
    const expected = x.map((v) => 2 * v + 0.25 + w * (2 * v + 0.25 - (v - 0.25)));
    samples.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    expect(loaded).not.toBeNull();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    model.dispose();
  });

  it('refuses a self model of another architecture, naming both', async () => {
    const other = new DiffusionModel(vectors, new OneCallObjective(), new (class extends AffineStandIn {
      override readonly architecture = { stand: 'other' };
    })(1, 1), trainingOptions.parse({ ema: null }), { labelDropout: 0, guidance: 1 }, 2);
    const model = standIn(2, 1, { negativeGuidance: { weight: 1, selfModel: async () => other } });
    await expect(collect(model.sample(2, testContext(0)))).rejects.toThrow(/self model of negative guidance is a stand-in with \{"stand":"other"\}; expected .*\{"stand":"in"\}/);
    model.dispose();
  });

  it("by default guides away from the previous generation's saved model; generation 0, which has none, samples unguided", async () => {
    const previous = ddpm();
    const dir = join(temp.dir, 'gen-000-model');
    await previous.save(dir);
    const current = ddpmModelPlugin.create(ddpmModelPlugin.options.parse({ ...tiny, negativeGuidance: 1.5 }), { data: vectors, rng: Rng.from(8) }) as DiffusionModel;
    const plain = ddpmModelPlugin.create(ddpmModelPlugin.options.parse(tiny), { data: vectors, rng: Rng.from(8) }) as DiffusionModel;

    const first = testContext(11, 0);
    expect(await collect(current.sample(6, first))).toEqual(await collect(plain.sample(6, first)));

    const later = testContext(11, 1, { previousModelDir: dir });
    const guided = await collect(current.sample(6, later));
    const byHand = await (async () => {
      const base: ConditionedNetwork = (x, c) => current.network.apply(x, c, null, null);
      const self: ConditionedNetwork = (x, c) => previous.network.apply(x, c, null, null);
      const net: ConditionedNetwork = (x, c) => tf.tidy(() => tf.add(base(x, c), tf.mul(tf.sub(base(x, c), self(x, c)), 1.5)));
      const out: number[] = [];
      for (const start of [0, 4]) {
        const batch = await current.withSamplingWeights(() => previous.withSamplingWeights(() => current.objective.sample(net, [start ? 2 : 4, 2], later.rng.fork('batch', start))));
        out.push(...(await batch.data()));
        batch.dispose();
      }
      return out;
    })();
    guided.forEach((v, i) => expect(v).toBeCloseTo(byHand[i]!, 4));
    expect(guided).not.toEqual(await collect(plain.sample(6, later)));
    for (const m of [previous, current, plain]) m.dispose();
  });

  it('a selfModel of another family is refused when sampling, naming it', async () => {
    const edm = edmModelPlugin.create(edmModelPlugin.options.parse({ mlp: tiny.mlp, samplerSteps: 2 }), { data: vectors, rng: Rng.from(1) });
    const dir = join(temp.dir, 'edm-model');
    await edm.save(dir);
    edm.dispose();
    const model = ddpm({ negativeGuidance: 1, selfModel: dir });
    await expect(collect(model.sample(2, testContext(0)))).rejects.toThrow(/^model\.negativeGuidance: the self model \(model\.selfModel\) does not load: .*edm-model\/model\.json: holds a 'edm' model; expected 'ddpm'$/);
    model.dispose();
  });
});
