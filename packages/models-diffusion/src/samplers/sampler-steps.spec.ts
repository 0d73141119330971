import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { cosineBetas, DdpmSchedule, linearBetas } from '../schedules/ddpm-schedule.ts';
import { ancestralSample, predictX0 } from './ancestral.ts';
import { ddimSample, ddimSigma, ddimTimesteps } from './ddim.ts';
import type { NoisePredictor } from './sampler-types.ts';

/**
 * Every step of the DDPM and DDIM samplers recomputed in float64 from Ho et al. (2020) and Song et al.
 * (2021), with ᾱ_t multiplied out by hand from the betas, a stand-in noise predictor
 * ε̂(x, t) = 0.5 x + 0.1 (t + 1) (so a wrong timestep index changes the value), and the samplers' own
 * noise draws (the rng forks they document) read back here.
 */
beforeAll(async () => {
  await selectBackend('wasm');
});

const betas = [0.1, 0.2, 0.3, 0.25, 0.15, 0.3];
const T = betas.length;
const schedule = new DdpmSchedule(Float64Array.from(betas));
/** ᾱ_t = ∏_{s ≤ t} (1 − β_s), ᾱ_{−1} = 1. */
const alphaBar = (t: number) => betas.slice(0, t + 1).reduce((p, b) => p * (1 - b), 1);
const epsHat = (x: number, t: number) => 0.5 * x + 0.1 * (t + 1);
const predictor: NoisePredictor = (x, t) => tf.add(tf.mul(x, 0.5), 0.1 * (t + 1));
/** x_T: one row far outside [-1, 1] so that clipping x̂_0 matters. */
const xTValues = [0.3, -1.2, 2.5, 0.05, -4, 6];
const shape = [3, 2];

function noiseAt(rng: Rng, t: number): Float64Array {
  return Float64Array.from(tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', rng.fork('step', t).nextUint32()).dataSync()));
}

async function run(sample: (xT: tf.Tensor) => Promise<tf.Tensor>): Promise<number[]> {
  const xT = tf.tensor2d(xTValues, shape as [number, number]);
  const out = await sample(xT);
  const values = Array.from(await out.data());
  tf.dispose([xT, out]);
  return values;
}

function expectClose(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}: ${g} vs ${want[i]}`).toBeLessThan(2e-5 * (1 + Math.abs(want[i]!))));
}

const clip = (v: number) => Math.min(1, Math.max(-1, v));

describe('the DDPM schedule', () => {
  it('has ᾱ_t, the posterior variance β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t) and mean coefficients of Ho et al. eq. 7, with ᾱ_{−1} = 1', () => {
    for (let t = 0; t < T; t++) {
      const [a, prev] = [alphaBar(t), alphaBar(t - 1)];
      expect(schedule.alphasCumprod[t]).toBeCloseTo(a, 14);
      expect(schedule.posteriorVariance[t]).toBeCloseTo((betas[t]! * (1 - prev)) / (1 - a), 14);
      expect(schedule.posteriorMeanCoef1[t]).toBeCloseTo((betas[t]! * Math.sqrt(prev)) / (1 - a), 14);
      expect(schedule.posteriorMeanCoef2[t]).toBeCloseTo(((1 - prev) * Math.sqrt(1 - betas[t]!)) / (1 - a), 14);
      expect(schedule.reverseVariance(t, 'large')).toBeCloseTo(t === 0 ? (betas[1]! * (1 - alphaBar(0))) / (1 - alphaBar(1)) : betas[t]!, 14);
    }
    expect(schedule.posteriorVariance[0]).toBe(0);
  });
});

describe('schedule and timestep inputs', () => {
  it('are refused in one line when they cannot make a schedule; a one-step linear schedule is its first beta; named cosine is cosineBetas', () => {
    expect(() => new DdpmSchedule(Float64Array.of(0.1))).toThrow('ddpm schedule: needs at least 2 timesteps, got 1');
    for (const beta of [0, 1, Number.NaN]) expect(() => new DdpmSchedule(Float64Array.of(0.1, beta))).toThrow(`ddpm schedule: every beta must be in (0, 1), got ${beta}`);
    expect(Array.from(linearBetas(1, 0.1, 0.2))).toEqual([0.1]);
    expect(Array.from(DdpmSchedule.named('cosine', 10, 0.1, 0.2).betas)).toEqual(Array.from(cosineBetas(10)));
    expect(Array.from(DdpmSchedule.named('linear', 3, 0.1, 0.2).betas)).toEqual(Array.from(linearBetas(3, 0.1, 0.2)));
    for (const steps of [0, 2.5, 7]) expect(() => ddimTimesteps(6, steps)).toThrow(`ddim: steps must be an integer in 1 … 6 (the timesteps), got ${steps}`);
  });
});

describe('predictX0', () => {
  it('inverts q(x_t | x_0): x̂_0 = (x_t − √(1 − ᾱ) ε) / √ᾱ', () => {
    const got = tf.tidy(() => Array.from(predictX0(tf.tensor1d([1.5, -0.5]), tf.tensor1d([0.2, 0.4]), 0.36).dataSync()));
    expectClose(got, [(1.5 - 0.8 * 0.2) / 0.6, (-0.5 - 0.8 * 0.4) / 0.6]);
  });
});

describe('the ancestral sampler, step by step', () => {
  /** x_{t−1} = c1_t x̂_0 + c2_t x_t + σ_t z (no noise at t = 0), x̂_0 from ᾱ_t and ε̂(x_t, t). */
  function reference(rng: Rng, variance: (t: number) => number, clipDenoised: boolean): number[] {
    let x = [...xTValues];
    for (let t = T - 1; t >= 0; t--) {
      const [a, prev] = [alphaBar(t), alphaBar(t - 1)];
      const z = noiseAt(rng, t);
      x = x.map((xt, k) => {
        const raw = (xt - Math.sqrt(1 - a) * epsHat(xt, t)) / Math.sqrt(a);
        const x0 = clipDenoised ? clip(raw) : raw;
        const mean = ((betas[t]! * Math.sqrt(prev)) / (1 - a)) * x0 + (((1 - prev) * Math.sqrt(1 - betas[t]!)) / (1 - a)) * xt;
        return t === 0 ? mean : mean + Math.sqrt(variance(t)) * z[k]!;
      });
    }
    return x;
  }

  it('with the large variance β_t and the small variance β̃_t, with and without clipping x̂_0', async () => {
    const small = (t: number) => (betas[t]! * (1 - alphaBar(t - 1))) / (1 - alphaBar(t));
    for (const [variance, sigma2] of [['large', (t: number) => betas[t]!], ['small', small]] as const) {
      for (const clipDenoised of [false, true]) {
        const got = await run((xT) => ancestralSample(predictor, schedule, xT, Rng.from(4), { variance, clipDenoised }));
        expectClose(got, reference(Rng.from(4), sigma2, clipDenoised));
      }
    }
  });

  it('reports each of its T steps', async () => {
    const steps: string[] = [];
    await run((xT) => ancestralSample(predictor, schedule, xT, Rng.from(0), { variance: 'large', clipDenoised: false, onStep: (done, total) => void steps.push(`${done}/${total}`) }));
    expect(steps).toEqual(Array.from({ length: T }, (_, i) => `${i + 1}/${T}`));
  });
});

describe('DDIM, step by step', () => {
  it("at eta = 1 with every timestep has σ² = DDPM's posterior variance β̃_t (Song et al. eq. 16)", () => {
    for (let t = 1; t < T; t++) expect(ddimSigma(1, alphaBar(t), alphaBar(t - 1)) ** 2).toBeCloseTo((betas[t]! * (1 - alphaBar(t - 1))) / (1 - alphaBar(t)), 14);
    expect(ddimSigma(0.5, alphaBar(3), alphaBar(1))).toBeCloseTo(0.5 * Math.sqrt(((1 - alphaBar(1)) / (1 - alphaBar(3))) * (1 - alphaBar(3) / alphaBar(1))), 14);
    expect(ddimSigma(0, alphaBar(3), alphaBar(1))).toBe(0);
  });

  /**
   * Over τ = (0, 2, 4) (3 of T = 6 steps): x_prev = √ᾱ_prev x̂_0 + √(1 − ᾱ_prev − σ²) ε̂ + σ z,
   * ᾱ_prev = ᾱ_{τ_{i−1}}, and 1 after τ_0; clipping x̂_0 recomputes ε̂ = (x_t − √ᾱ_t x̂_0) / √(1 − ᾱ_t).
   */
  function reference(rng: Rng, eta: number, clipDenoised: boolean): number[] {
    const tau = [0, 2, 4];
    let x = [...xTValues];
    for (let i = tau.length - 1; i >= 0; i--) {
      const t = tau[i]!;
      const [a, prev] = [alphaBar(t), i > 0 ? alphaBar(tau[i - 1]!) : 1];
      const sigma = eta * Math.sqrt((1 - prev) / (1 - a)) * Math.sqrt(1 - a / prev);
      const z = noiseAt(rng, t);
      x = x.map((xt, k) => {
        let eps = epsHat(xt, t);
        let x0 = (xt - Math.sqrt(1 - a) * eps) / Math.sqrt(a);
        if (clipDenoised) {
          x0 = clip(x0);
          eps = (xt - Math.sqrt(a) * x0) / Math.sqrt(1 - a);
        }
        return Math.sqrt(prev) * x0 + Math.sqrt(Math.max(0, 1 - prev - sigma * sigma)) * eps + sigma * z[k]!;
      });
    }
    return x;
  }

  it('at eta = 0, 0.5 and 1, with and without clipping x̂_0', async () => {
    for (const eta of [0, 0.5, 1]) {
      for (const clipDenoised of [false, true]) {
        const got = await run((xT) => ddimSample(predictor, schedule, xT, Rng.from(6), { steps: 3, eta, clipDenoised }));
        expectClose(got, reference(Rng.from(6), eta, clipDenoised));
      }
    }
  });

  it('at eta = 0 ignores the rng; its last step (ᾱ_prev = 1) returns x̂_0 exactly', async () => {
    const [first, second] = [await run((xT) => ddimSample(predictor, schedule, xT, Rng.from(1), { steps: 3, eta: 0, clipDenoised: false })), await run((xT) => ddimSample(predictor, schedule, xT, Rng.from(2), { steps: 3, eta: 0, clipDenoised: false }))];
    expect(first).toEqual(second);
    // one step from τ_0 = 0: x̂_0 = (x − √(1 − ᾱ_0) ε̂(x, 0)) / √ᾱ_0, whatever eta
    const oneStep = new DdpmSchedule(Float64Array.from([0.2, 0.5]));
    for (const eta of [0, 1]) {
      const got = await run((xT) => ddimSample(predictor, oneStep, xT, Rng.from(3), { steps: 1, eta, clipDenoised: false }));
      expectClose(got, xTValues.map((x) => (x - Math.sqrt(0.2) * epsHat(x, 0)) / Math.sqrt(0.8)));
    }
  });
});
