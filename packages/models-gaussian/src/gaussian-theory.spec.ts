import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, SampleStore, concatFloat32, TrainingSet, constantLambdaSchedule, takeFloat32, trace, type RunContext } from '@ouroboros/core';
import { memorySource, tempDir, testContext } from '@ouroboros/core/testing';
import { GaussianModel } from './gaussian-model.ts';

// The warm-up example of Bertrand et al. (ICLR 2024, Section 3): refitting a Gaussian by maximum
// likelihood on n of its own samples shrinks the expected covariance by (n-1)/n per generation, and
// keeping the real data in the mix (constant lambda) holds it at the real data's.

const temp = tempDir('gaussian-theory-');
const layout = { dtype: 'float32', sampleShape: [2] } as const;
const trueMean = [1, -1];
const trueLower = [1.5, 0, 0.6, 0.8]; // Sigma = [[2.25, 0.9], [0.9, 1]]

function context(seed: number, generation: number): RunContext {
  return testContext(seed, generation, { rng: Rng.from(seed, 'gaussian-theory', 'sample', generation) });
}

/** n draws from the true 2-D Gaussian. */
function realData(n: number, rng: Rng): Float32Array {
  const out = new Float32Array(2 * n);
  for (let r = 0; r < n; r++) {
    const z0 = rng.normal();
    const z1 = rng.normal();
    out[2 * r] = trueMean[0]! + trueLower[0]! * z0;
    out[2 * r + 1] = trueMean[1]! + trueLower[2]! * z0 + trueLower[3]! * z1;
  }
  return out;
}


async function collectSamples(samples: AsyncIterable<tf.Tensor>): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const batch of samples) parts.push(await takeFloat32(batch));
  return concatFloat32(parts);
}

async function sampleStore(model: GaussianModel, n: number, ctx: RunContext, dir: string): Promise<SampleStore> {
  const writer = SampleStore.create(dir, layout);
  for await (const batch of model.sample(n, ctx)) writer.append(await takeFloat32(batch));
  return writer.close();
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

describe('Gaussian retraining theory', () => {
  it('fully synthetic: E[tr Sigma_t / tr Sigma_0] = ((n-1)/n)^t for n = 20, t = 1..10, over 1000 seeds (3 standard errors)', async () => {
    const n = 20;
    const generations = 10;
    const seeds = 1000;
    const ratios = Array.from({ length: generations }, () => new Float64Array(seeds));
    for (let seed = 0; seed < seeds; seed++) {
      const model = new GaussianModel([2]);
      await model.fit(memorySource(realData(n, Rng.from(seed, 'gaussian-theory', 'real')), [2]), {}, context(seed, 0));
      const trace0 = trace(model.covariance, 2);
      for (let t = 1; t <= generations; t++) {
        const newest = await collectSamples(model.sample(n, context(seed, t - 1)));
        await model.fit(memorySource(newest, [2]), {}, context(seed, t));
        ratios[t - 1]![seed] = trace(model.covariance, 2) / trace0;
      }
    }
    for (let t = 1; t <= generations; t++) {
      const r = ratios[t - 1]!;
      const mean = r.reduce((s, v) => s + v, 0) / seeds;
      const sd = Math.sqrt(r.reduce((s, v) => s + (v - mean) ** 2, 0) / (seeds - 1));
      const expected = ((n - 1) / n) ** t;
      expect(Math.abs(mean - expected), `t = ${t}: mean ratio ${mean}, expected ${expected}`).toBeLessThan((3 * sd) / Math.sqrt(seeds));
    }
  });

  it('the quickstart collapses for almost every seed: fully synthetic, n = 20, 100 generations, tr Sigma_100 / tr Sigma_0 < 0.1 in at least 97% of 200 seeds', async () => {
    // log tr Sigma drifts by E[log chi2_(n-1)/n] ~ -0.11 a generation with sd ~0.33: -11 +- 3.3 after 100.
    const n = 20;
    const seeds = 200;
    let collapsed = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const model = new GaussianModel([2]);
      await model.fit(memorySource(realData(n, Rng.from(seed, 'quickstart', 'real')), [2]), {}, context(seed, 0));
      const trace0 = trace(model.covariance, 2);
      for (let t = 1; t <= 100; t++) await model.fit(memorySource(await collectSamples(model.sample(n, context(seed, t - 1))), [2]), {}, context(seed, t));
      if (trace(model.covariance, 2) / trace0 < 0.1) collapsed++;
    }
    expect(collapsed / seeds).toBeGreaterThanOrEqual(0.97);
  });

  it('constant lambda = 0.5: tr Sigma_t stays within 10% of the real data for 20 generations (n = 1000, 5 seeds)', async () => {
    const n = 1000;
    const generations = 20;
    const schedule = constantLambdaSchedule.create({ lambda: 0.5 }, { canDrawFresh: false });
    let worst = 0;
    for (let seed = 0; seed < 5; seed++) {
      const dir = join(temp.dir, `mixed-${seed}`);
      const real = await SampleStore.write(join(dir, 'real'), layout, realData(n, Rng.from(seed, 'gaussian-theory', 'real')));
      const model = new GaussianModel([2]);
      await model.fit(new TrainingSet([{ name: 'real', store: real }]), {}, context(seed, 0));
      const realTrace = trace(model.covariance, 2);
      const synthetic: SampleStore[] = [];
      for (let t = 1; t <= generations; t++) {
        synthetic.push(await sampleStore(model, schedule.samplesNeeded(n), context(seed, t - 1), join(dir, `gen-${t - 1}`)));
        const train = await schedule.compose({
          generation: t,
          real,
          synthetic,
          rng: Rng.from(seed, 'gaussian-theory', 'mix', t),
          drawFreshReal: () => Promise.reject(new Error('no fresh data in this test')),
        });
        expect(train.composition().segments).toEqual([
          { name: 'real', count: n, of: n },
          { name: `gen-${t - 1}`, count: n / 2, of: schedule.samplesNeeded(n) },
        ]);
        await model.fit(train, {}, context(seed, t));
        worst = Math.max(worst, Math.abs(trace(model.covariance, 2) / realTrace - 1));
      }
    }
    expect(worst).toBeLessThan(0.1);
  });
});
