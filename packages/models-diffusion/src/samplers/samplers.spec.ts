import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { DdpmSchedule } from '../schedules/ddpm-schedule.ts';
import { GaussianOracle, moments2d, relativeCovarianceError } from '../testing/gaussian-oracle.ts';
import { ancestralSample } from './ancestral.ts';
import { ddimSample, ddimTimesteps } from './ddim.ts';
import { dopri5 } from './dopri5.ts';
import { edmSample, karrasSigmas } from './edm-sampler.ts';
import { fixedStepSolve } from './flow-ode.ts';

/**
 * Every sampler, driven by the exact optimal network for Gaussian data N(m, C) (std 1 and 0.3 along
 * axes turned by 30 degrees), must return samples with the data's moments: |m̂ − m| < 0.03 and
 * ‖Ĉ − C‖_F / ‖C‖_F < 0.04 on 20,000 samples (the noise's own sampling error is about 0.007 and 0.015).
 * Step counts are those where the discretisation error is below that: the first-order samplers need
 * many steps on this data (DDIM η = 0 at 50 steps is 7% off, Euler 100 steps 2%), and EDM's Heun at 18
 * steps inflates the variance by 9% (the same as the 1-D recursion gives by hand), 2% at 40 steps.
 */
const ROWS = 20_000;
const oracle = new GaussianOracle([0.5, -0.3], [1, 0.09], Math.PI / 6);
const schedule = DdpmSchedule.named('linear', 1000, 1e-4, 0.02);
/** T = 250 with the β range scaled by 1000 / T (Nichol & Dhariwal's rule), for the samplers that visit every step. */
const shortSchedule = DdpmSchedule.named('linear', 250, 4e-4, 0.08);

beforeAll(async () => {
  await selectBackend('wasm');
});

function noise(seed: number): tf.Tensor {
  return tf.randomNormal([ROWS, 2], 0, 1, 'float32', seed);
}

async function expectDataMoments(samples: tf.Tensor): Promise<void> {
  const values = await samples.data();
  samples.dispose();
  const { mean, covariance } = moments2d(values);
  expect(Math.hypot(mean[0] - oracle.mean[0], mean[1] - oracle.mean[1])).toBeLessThan(0.03);
  expect(relativeCovarianceError(covariance, oracle.covariance)).toBeLessThan(0.04);
}

describe('samplers with the analytic optimal network for Gaussian data', () => {
  it('the noise itself does not pass the check (the test can fail)', async () => {
    const values = await noise(1).data();
    expect(relativeCovarianceError(moments2d(values).covariance, oracle.covariance)).toBeGreaterThan(0.5);
  });

  it('DDPM ancestral sampling (T = 250, large and small variances)', async () => {
    const xT = noise(2);
    for (const variance of ['large', 'small'] as const) {
      await expectDataMoments(await ancestralSample(oracle.noisePredictor(shortSchedule), shortSchedule, xT, Rng.from(variance === 'large' ? 1 : 2), { variance, clipDenoised: false }));
    }
    xT.dispose();
  });

  it('DDIM with eta = 0 (200 of 1000 steps) and eta = 1 (all 250 steps of T = 250)', async () => {
    const xT = noise(3);
    await expectDataMoments(await ddimSample(oracle.noisePredictor(schedule), schedule, xT, Rng.from(0), { steps: 200, eta: 0, clipDenoised: false }));
    await expectDataMoments(await ddimSample(oracle.noisePredictor(shortSchedule), shortSchedule, xT, Rng.from(0), { steps: 250, eta: 1, clipDenoised: false }));
    xT.dispose();
  });

  it('EDM Heun (40 steps) and Euler (200 steps) over rho-spaced noise levels', async () => {
    const n = noise(4);
    await expectDataMoments(await edmSample(oracle.denoiser(), n, { steps: 40, sigmaMin: 0.002, sigmaMax: 80, rho: 7, order: 2 }));
    await expectDataMoments(await edmSample(oracle.denoiser(), n, { steps: 200, sigmaMin: 0.002, sigmaMax: 80, rho: 7, order: 1 }));
    n.dispose();
  });

  it('flow ODE: Euler (100 steps), Heun (20 steps), dopri5 (rtol = atol = 1e-5)', async () => {
    const x0 = noise(5);
    await expectDataMoments(await fixedStepSolve(oracle.velocity(), x0, 0, 1, 100, 'euler'));
    await expectDataMoments(await fixedStepSolve(oracle.velocity(), x0, 0, 1, 20, 'heun'));
    const solved = await dopri5(oracle.velocity(), x0, 0, 1, { rtol: 1e-5, atol: 1e-5 });
    expect(solved.accepted).toBeGreaterThanOrEqual(3);
    await expectDataMoments(solved.x);
    x0.dispose();
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([16, 2], 0, 1, 'float32', 1);
    tf.dispose([
      await ancestralSample(oracle.noisePredictor(schedule), schedule, x, Rng.from(0), { variance: 'large', clipDenoised: true }),
      await ddimSample(oracle.noisePredictor(schedule), schedule, x, Rng.from(0), { steps: 10, eta: 0.5, clipDenoised: true }),
      await edmSample(oracle.denoiser(), x, { steps: 5, sigmaMin: 0.002, sigmaMax: 80, rho: 7, order: 2 }),
      await fixedStepSolve(oracle.velocity(), x, 0, 1, 4, 'heun'),
      (await dopri5(oracle.velocity(), x, 0, 1, { rtol: 1e-3, atol: 1e-3 })).x,
    ]);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stop when their step callback throws (a stop request), leaving no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([16, 2], 0, 1, 'float32', 1);
    const stopAt = (step: number) => (done: number) => {
      if (done >= step) throw new Error('stopped');
    };
    await expect(ancestralSample(oracle.noisePredictor(schedule), schedule, x, Rng.from(0), { variance: 'large', clipDenoised: true, onStep: stopAt(3) })).rejects.toThrow('stopped');
    await expect(ddimSample(oracle.noisePredictor(schedule), schedule, x, Rng.from(0), { steps: 10, eta: 0.5, clipDenoised: true, onStep: stopAt(3) })).rejects.toThrow('stopped');
    await expect(edmSample(oracle.denoiser(), x, { steps: 5, sigmaMin: 0.002, sigmaMax: 80, rho: 7, order: 2, onStep: stopAt(2) })).rejects.toThrow('stopped');
    await expect(fixedStepSolve(oracle.velocity(), x, 0, 1, 4, 'heun', stopAt(2))).rejects.toThrow('stopped');
    await expect(dopri5(oracle.velocity(), x, 0, 1, { rtol: 1e-3, atol: 1e-3, onStep: stopAt(1e-9) })).rejects.toThrow('stopped');
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('DDIM', () => {
  it('with eta = 0 is deterministic: the same x_T gives the same samples whatever the rng; with eta = 1 it is not', async () => {
    const xT = tf.randomNormal([64, 2], 0, 1, 'float32', 9);
    const run = async (eta: number, seed: number) => {
      const out = await ddimSample(oracle.noisePredictor(schedule), schedule, xT, Rng.from(seed), { steps: 20, eta, clipDenoised: false });
      const values = Array.from(await out.data());
      out.dispose();
      return values;
    };
    expect(await run(0, 1)).toEqual(await run(0, 2));
    expect(await run(1, 1)).not.toEqual(await run(1, 2));
    xT.dispose();
  });

  it('visits evenly spaced timesteps, those of DDIM range(0, T, T / steps) when steps divides T', () => {
    expect(ddimTimesteps(1000, 100)).toEqual(Array.from({ length: 100 }, (_, i) => 10 * i));
    expect(ddimTimesteps(1000, 3)).toEqual([0, 333, 666]);
    expect(() => ddimTimesteps(10, 11)).toThrow(/steps must be an integer in 1 … 10/);
  });
});

describe('karrasSigmas', () => {
  it("gives EDM's 18 levels from 80 to 0.002 (rho = 7), then 0", () => {
    const sigmas = karrasSigmas(18, 0.002, 80, 7);
    expect(sigmas.length).toBe(19);
    expect(sigmas[0]).toBeCloseTo(80, 10);
    expect(sigmas[17]).toBeCloseTo(0.002, 12);
    expect(sigmas[18]).toBe(0);
    // (80^(1/7) + (1/17)(0.002^(1/7) − 80^(1/7)))^7, computed by hand
    expect(sigmas[1]).toBeCloseTo((80 ** (1 / 7) + (0.002 ** (1 / 7) - 80 ** (1 / 7)) / 17) ** 7, 10);
    for (let i = 1; i < 18; i++) expect(sigmas[i]!).toBeLessThan(sigmas[i - 1]!);
  });
});

describe('dopri5', () => {
  it('solves dx/dt = A x to the requested tolerance, forwards and backwards, rejecting steps when the first guess is too bold', async () => {
    // x(t) = exp(A t) x0 for A = [[-1, 2], [-2, -1]]: a decaying rotation, x(t) = e^{-t} R(-2t) x0
    const v = (x: tf.Tensor) => tf.matMul(x as tf.Tensor2D, tf.tensor2d([-1, -2, 2, -1], [2, 2]));
    const x0 = tf.tensor2d([1, 0, 0.3, -2], [2, 2]);
    const exact = (t: number, row: [number, number]) => {
      const [c, s, d] = [Math.cos(2 * t), Math.sin(2 * t), Math.exp(-t)];
      return [d * (c * row[0] + s * row[1]), d * (-s * row[0] + c * row[1])];
    };
    for (const tol of [1e-4, 1e-8]) {
      const forward = await dopri5(v, x0, 0, 3, { rtol: tol, atol: tol });
      const got = await forward.x.data();
      forward.x.dispose();
      const want = [...exact(3, [1, 0]), ...exact(3, [0.3, -2])];
      for (let i = 0; i < 4; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(Math.max(50 * tol, 2e-6));
    }
    const end = tf.tensor2d([...exact(3, [1, 0]), ...exact(3, [0.3, -2])], [2, 2]);
    const backward = await dopri5(v, end, 3, 0, { rtol: 1e-7, atol: 1e-7 });
    const back = await backward.x.data();
    [1, 0, 0.3, -2].forEach((value, i) => expect(back[i]).toBeCloseTo(value, 4));
    const coarse = await dopri5(v, x0, 0, 3, { rtol: 1e-2, atol: 1e-2 });
    const fine = await dopri5(v, x0, 0, 3, { rtol: 1e-8, atol: 1e-8 });
    expect(fine.accepted).toBeGreaterThan(3 * coarse.accepted);
    expect(fine.evaluations).toBe(2 + 6 * (fine.accepted + fine.rejected));
    tf.dispose([x0, end, backward.x, coarse.x, fine.x]);
  });

  it('stops with a clear error when the step budget runs out', async () => {
    const x0 = tf.ones([1, 2]);
    const stiff = (x: tf.Tensor) => tf.mul(x, -1e6);
    await expect(dopri5(stiff, x0, 0, 1, { rtol: 1e-9, atol: 1e-9, maxSteps: 20 })).rejects.toThrow(/dopri5: no solution within 20 steps/);
    x0.dispose();
  });
});
