import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { ddpmBound } from '../likelihood/ddpm-bound.ts';
import { flowLogLikelihood } from '../likelihood/flow-likelihood.ts';
import { ancestralSample } from '../samplers/ancestral.ts';
import { ddimSample } from '../samplers/ddim.ts';
import { dopri5 } from '../samplers/dopri5.ts';
import { edmSample } from '../samplers/edm-sampler.ts';
import { fixedStepSolve } from '../samplers/flow-ode.ts';
import { DdpmObjective, type DdpmSettings } from './ddpm.ts';
import { EdmObjective, type EdmSettings } from './edm.ts';
import type { ConditionedNetwork } from './objective.ts';
import { OtcfmObjective, type OtcfmSettings } from './otcfm.ts';

/**
 * Each objective samples with the sampler its settings name, from the noise of the rng fork it
 * documents, and reports the likelihood its settings ask for: checked value for value against the
 * sampler (or likelihood) called directly with a stand-in network F(x, c) = 0.6 x − 0.05 c.
 */
beforeAll(async () => {
  await selectBackend('wasm');
});

const net: ConditionedNetwork = (x, c) => tf.tidy(() => tf.sub(tf.mul(x, 0.6), tf.mul(tf.reshape(c, [-1, 1]), 0.05)));
const shape = [5, 2];
const noiseOf = (rng: Rng) => tf.randomNormal(shape, 0, 1, 'float32', rng.nextUint32());

async function values(result: tf.Tensor | Promise<tf.Tensor>): Promise<number[]> {
  const t = await result;
  const out = Array.from(await t.data());
  t.dispose();
  return out;
}

const ddpmSettings: DdpmSettings = { timesteps: 20, schedule: 'linear', betaStart: 1e-3, betaEnd: 0.2, variance: 'small', sampler: 'ancestral', steps: 5, eta: 0.5, clipDenoised: true, boundTimesteps: null, discrete: false };

describe('DDPM objective', () => {
  it('samples with the ancestral sampler or DDIM from x_T of the fork x_T, with its variance, steps, eta and clipping', async () => {
    for (const sampler of ['ancestral', 'ddim'] as const) {
      const objective = new DdpmObjective({ ...ddpmSettings, sampler });
      const steps: number[] = [];
      const got = await values(objective.sample(net, shape, Rng.from(2), (done) => steps.push(done)));
      const rng = Rng.from(2);
      const xT = noiseOf(rng.fork('x_T'));
      const direct =
        sampler === 'ancestral'
          ? ancestralSample(objective.predictor(net), objective.schedule, xT, rng.fork('ancestral'), { variance: 'small', clipDenoised: true })
          : ddimSample(objective.predictor(net), objective.schedule, xT, rng.fork('ddim'), { steps: 5, eta: 0.5, clipDenoised: true });
      expect(got, sampler).toEqual(await values(direct));
      expect(steps, sampler).toEqual(Array.from({ length: sampler === 'ancestral' ? 20 : 5 }, (_, i) => i + 1));
      xT.dispose();
    }
  });

  it('reports the variational bound with its settings; its architecture names the betas only for the linear schedule', async () => {
    const objective = new DdpmObjective({ ...ddpmSettings, boundTimesteps: 6 });
    const x = tf.tensor2d([0.1, -0.4, 0.8, 0.3], [2, 2]);
    const got = await objective.logLikelihood(net, x, Rng.from(5));
    const want = await ddpmBound(objective.predictor(net), objective.schedule, x, Rng.from(5), { variance: 'small', clipDenoised: true, terms: 6, discrete: false });
    expect(Array.from(got)).toEqual(Array.from(want));
    x.dispose();
    expect(objective.architecture).toEqual({ timesteps: 20, schedule: 'linear', betaStart: 1e-3, betaEnd: 0.2 });
    expect(new DdpmObjective({ ...ddpmSettings, schedule: 'cosine' }).architecture).toEqual({ timesteps: 20, schedule: 'cosine' });
    expect(Array.from(new DdpmObjective({ ...ddpmSettings, schedule: 'cosine' }).schedule.betas)).not.toEqual(Array.from(objective.schedule.betas));
  });
});

describe('EDM objective', () => {
  const settings: EdmSettings = { sigmaData: 0.5, pMean: -1.2, pStd: 1.2, sigmaMin: 0.01, sigmaMax: 20, rho: 7, steps: 6, sampler: 'heun' };

  it('samples with Heun (order 2) or Euler (order 1) over its noise levels, from the latents of the fork latents', async () => {
    for (const sampler of ['heun', 'euler'] as const) {
      const objective = new EdmObjective({ ...settings, sampler });
      const got = await values(objective.sample(net, shape, Rng.from(3)));
      const noise = noiseOf(Rng.from(3).fork('latents'));
      const want = await values(edmSample(objective.denoiser(net), noise, { steps: 6, sigmaMin: 0.01, sigmaMax: 20, rho: 7, order: sampler === 'heun' ? 2 : 1 }));
      expect(got, sampler).toEqual(want);
      noise.dispose();
    }
    expect(new EdmObjective(settings).architecture).toEqual({ sigmaData: 0.5 });
  });
});

describe('OT-CFM objective', () => {
  const settings: OtcfmSettings = { sigma: 0, coupling: 'independent', sampler: 'euler', steps: 4, rtol: 1e-4, atol: 1e-4, clip: false, likelihood: 'none', probes: 2 };

  it('solves the flow ODE from t = 0 to 1 with its solver, from x_0 of the fork x_0, clipping to [-1, 1] when asked', async () => {
    for (const sampler of ['euler', 'heun', 'dopri5'] as const) {
      for (const clip of [false, true]) {
        const objective = new OtcfmObjective({ ...settings, sampler, clip });
        const got = await values(objective.sample(net, shape, Rng.from(4)));
        const start = noiseOf(Rng.from(4).fork('x_0'));
        const solved = sampler === 'dopri5' ? (await dopri5(objective.velocity(net), start, 0, 1, { rtol: 1e-4, atol: 1e-4 })).x : await fixedStepSolve(objective.velocity(net), start, 0, 1, 4, sampler);
        const want = (await values(solved)).map((v) => (clip ? Math.min(1, Math.max(-1, v)) : v));
        expect(got, `${sampler}, clip ${clip}`).toEqual(want);
        if (clip) expect(Math.max(...got.map(Math.abs))).toBeLessThanOrEqual(1);
        else expect(Math.max(...got.map(Math.abs)), 'some samples lie outside [-1, 1] unclipped').toBeGreaterThan(1);
        start.dispose();
      }
    }
  });

  it('estimates the likelihood with Hutchinson probes or the exact trace, as asked, and pairs independent noise as drawn', async () => {
    const x = tf.tensor2d([0.2, -0.1, 0.5, 0.7], [2, 2]);
    // a Jacobian that is not a multiple of I, so that Hutchinson's estimate differs from the exact trace
    const skewed: ConditionedNetwork = (y, c) => tf.tidy(() => tf.sub(tf.matMul(y as tf.Tensor2D, tf.tensor2d([0.6, 0.3, -0.4, 0.1], [2, 2])), tf.mul(tf.reshape(c, [-1, 1]), 0.05)));
    const results: number[][] = [];
    for (const [likelihood, trace] of [['hutchinson', 'hutchinson'], ['exact-trace', 'exact']] as const) {
      const objective = new OtcfmObjective({ ...settings, likelihood, probes: 1 });
      const got = Array.from(await objective.logLikelihood!(skewed, x, Rng.from(6)));
      const want = await flowLogLikelihood(objective.velocity(skewed), x, Rng.from(6), { trace, probes: 1, rtol: 1e-4, atol: 1e-4 });
      expect(got, likelihood).toEqual(Array.from(want));
      results.push(got);
    }
    expect(results[0]).not.toEqual(results[1]);
    const paired = new OtcfmObjective(settings).pairedNoise(x, Rng.from(8));
    expect(await values(paired)).toEqual(await values(tf.randomNormal([2, 2], 0, 1, 'float32', Rng.from(8).nextUint32())));
    x.dispose();
  });
});

describe('every objective', () => {
  it('leaves no tensors behind from a loss or a sample', async () => {
    const objectives = [new DdpmObjective(ddpmSettings), new EdmObjective({ sigmaData: 0.5, pMean: -1.2, pStd: 1.2, sigmaMin: 0.01, sigmaMax: 20, rho: 7, steps: 3, sampler: 'heun' }), new OtcfmObjective({ sigma: 0.1, coupling: 'exact-ot', sampler: 'heun', steps: 3, rtol: 1e-4, atol: 1e-4, clip: true, likelihood: 'none', probes: 1 })];
    const x = tf.tensor2d([0.1, -0.4, 0.8, 0.3, -0.2, 0.6], [3, 2]);
    const before = tf.memory().numTensors;
    for (const objective of objectives) {
      tf.dispose(objective.loss(net, x, Rng.from(1)));
      tf.dispose(await objective.sample(net, shape, Rng.from(1)));
      expect(tf.memory().numTensors, objective.family).toBe(before);
    }
    x.dispose();
  });
});
