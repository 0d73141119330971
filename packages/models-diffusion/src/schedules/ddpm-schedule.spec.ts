import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { DdpmObjective, type DdpmSettings } from '../objectives/ddpm.ts';
import { cosineBetas, DdpmSchedule, linearBetas } from './ddpm-schedule.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

const settings: DdpmSettings = {
  timesteps: 1000,
  schedule: 'linear',
  betaStart: 1e-4,
  betaEnd: 0.02,
  variance: 'large',
  sampler: 'ddim',
  steps: 100,
  eta: 0,
  clipDenoised: false,
  boundTimesteps: null,
  discrete: false,
};

describe('beta schedules', () => {
  it('linear: 1e-4 … 0.02 in equal steps; ᾱ_T of the DDPM schedule is about 4e-5', () => {
    const betas = linearBetas(1000, 1e-4, 0.02);
    expect(betas[0]).toBe(1e-4);
    expect(betas[999]).toBeCloseTo(0.02, 15);
    expect(betas[500]! - betas[499]!).toBeCloseTo((0.02 - 1e-4) / 999, 15);
    const alphaBarT = betas.reduce((product, beta) => product * (1 - beta), 1);
    expect(new DdpmSchedule(betas).alphasCumprod[999]).toBeCloseTo(alphaBarT, 15);
    expect(alphaBarT).toBeGreaterThan(3e-5);
    expect(alphaBarT).toBeLessThan(5e-5);
  });

  it('cosine: ᾱ_t equals cos²(π/2 (t/T + s)/(1 + s)) / cos²(π/2 s/(1 + s)) wherever β is not clipped', () => {
    const T = 1000;
    const schedule = new DdpmSchedule(cosineBetas(T));
    const f = (t: number) => Math.cos((((t / T + 0.008) / 1.008) * Math.PI) / 2) ** 2;
    for (const t of [0, 10, 250, 500, 900]) expect(schedule.alphasCumprod[t]).toBeCloseTo(f(t + 1) / f(0), 10);
    expect(schedule.betas[T - 1]).toBe(0.999);
  });

  it('posterior q(x_{t-1} | x_t, x_0): coefficients and variance match Ho et al. eq. 7 recomputed from β', () => {
    const schedule = DdpmSchedule.named('linear', 10, 0.01, 0.2);
    const alphaBar = (t: number) => Array.from({ length: t + 1 }, (_, s) => 1 - schedule.betas[s]!).reduce((a, b) => a * b, 1);
    for (const t of [1, 5, 9]) {
      const [ab, abPrev, beta] = [alphaBar(t), alphaBar(t - 1), schedule.betas[t]!];
      expect(schedule.posteriorVariance[t]).toBeCloseTo(((1 - abPrev) / (1 - ab)) * beta, 14);
      expect(schedule.posteriorMeanCoef1[t]).toBeCloseTo((Math.sqrt(abPrev) * beta) / (1 - ab), 14);
      expect(schedule.posteriorMeanCoef2[t]).toBeCloseTo((Math.sqrt(1 - beta) * (1 - abPrev)) / (1 - ab), 14);
    }
    expect(schedule.posteriorVariance[0]).toBe(0);
    expect(schedule.reverseVariance(0, 'large')).toBe(schedule.posteriorVariance[1]);
    expect(schedule.reverseVariance(4, 'large')).toBe(schedule.betas[4]);
    expect(schedule.reverseVariance(4, 'small')).toBe(schedule.posteriorVariance[4]);
  });

  it('refuses betas outside (0, 1) and fewer than 2 steps', () => {
    expect(() => new DdpmSchedule(Float64Array.of(0.1, 1))).toThrow(/every beta must be in \(0, 1\), got 1/);
    expect(() => new DdpmSchedule(Float64Array.of(0.1))).toThrow(/at least 2 timesteps/);
  });
});

describe('q(x_t | x_0), as the DDPM loss draws it', () => {
  it('has mean √ᾱ_t x_0 and variance 1 − ᾱ_t, checked on 40,000 draws at four timesteps', async () => {
    const objective = new DdpmObjective(settings);
    const rows = 40_000;
    const x0Row = [1.5, -0.7];
    const x0 = tf.tensor2d(Array.from({ length: rows }, () => x0Row).flat(), [rows, 2]);
    for (const t of [0, 100, 500, 999]) {
      const eps = tf.randomNormal([rows, 2], 0, 1, 'float32', Rng.from(t).nextUint32());
      const xt = objective.noisy(x0, new Int32Array(rows).fill(t), eps);
      const values = await xt.data();
      tf.dispose([eps, xt]);
      const alphaBar = objective.schedule.alphasCumprod[t]!;
      for (let k = 0; k < 2; k++) {
        let [sum, squares] = [0, 0];
        for (let i = 0; i < rows; i++) [sum, squares] = [sum + values[2 * i + k]!, squares + values[2 * i + k]! ** 2];
        const mean = sum / rows;
        const variance = squares / rows - mean * mean;
        // standard errors: √((1 − ᾱ)/n) for the mean, (1 − ᾱ)·√(2/n) for the variance; 5 of them
        expect(Math.abs(mean - Math.sqrt(alphaBar) * x0Row[k]!)).toBeLessThan(5 * Math.sqrt((1 - alphaBar) / rows));
        expect(Math.abs(variance - (1 - alphaBar))).toBeLessThan(5 * (1 - alphaBar) * Math.sqrt(2 / rows) + 1e-7);
      }
    }
    x0.dispose();
  });
});
