import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { findPython, runPython } from '@ouroboros/core/testing';
import { selectBackend } from '@ouroboros/nn';
import { DdpmSchedule } from '../schedules/ddpm-schedule.ts';
import { GaussianOracle } from '../testing/gaussian-oracle.ts';
import { boundTerms, ddpmBound, snapToGrid } from './ddpm-bound.ts';
import { flowLogLikelihood } from './flow-likelihood.ts';
import { discretizedGaussianLogLikelihood, normalKl, normalLogDensity } from './gaussian-terms.ts';

const python = findPython(['numpy', 'scipy']);
const oracle = new GaussianOracle([0.5, -0.3], [1, 0.09], Math.PI / 6);

beforeAll(async () => {
  await selectBackend('wasm');
});

const mean = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0) / values.length;

/** 64 points of the 8-bit grid (both ends included), means near them, log-variances around −3. */
function gaussianTermsCase() {
  const rng = Rng.from(4);
  const n = 64;
  const grid = Array.from({ length: n }, (_, i) => (i < 3 ? [0, 255, 254][i]! : rng.int(256)) / 127.5 - 1);
  const means = grid.map((x) => x + 0.02 * rng.normal());
  const logVar1 = Array.from({ length: n }, () => -3 + rng.normal());
  return { grid, means, logVar1, logScale: -4.2, logVar2: -2.5 };
}

/** normalKl(x, lv1, μ, lv2), normalLogDensity(x, μ, 2 logScale) and the discretized decoder on the case, against [kl, density, discrete]. */
function expectGaussianTerms(c: ReturnType<typeof gaussianTermsCase>, [kl, density, discrete]: number[][]): void {
  const [x, mu, lv1] = [tf.tensor1d(c.grid), tf.tensor1d(c.means), tf.tensor1d(c.logVar1)];
  const got = [normalKl(x, lv1, mu, c.logVar2), normalLogDensity(x, mu, 2 * c.logScale), discretizedGaussianLogLikelihood(x, mu, c.logScale)].map((t) => Array.from(t.dataSync()));
  got[0]!.forEach((v, i) => expect(v).toBeCloseTo(kl![i]!, 3));
  got[1]!.forEach((v, i) => expect(v).toBeCloseTo(density![i]!, 3));
  // float32 CDF differences: relative 1e-3 where the bin holds most of the mass, absolute in log space elsewhere
  got[2]!.forEach((v, i) => expect(Math.abs(v - discrete![i]!)).toBeLessThan(2e-3 + 2e-3 * Math.abs(discrete![i]!)));
  tf.dispose([x, mu, lv1]);
}

/** Q(z) = P(Z > z) = erfc(z / √2) / 2, by the Chebyshev fit of Numerical Recipes' erfcc (relative error below 1.2e-7). */
function upperTail(z: number): number {
  const a = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * a);
  const poly = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277].reduceRight((acc, c) => c + t * acc, 0);
  const erfc = t * Math.exp(-a * a + poly);
  return (z >= 0 ? erfc : 2 - erfc) / 2;
}

/** P(lo < Z < hi) for a standard normal Z, from the tail on the side where neither end loses digits. */
function normalMass(lo: number, hi: number): number {
  if (lo >= 0) return upperTail(lo) - upperTail(hi);
  if (hi <= 0) return upperTail(-hi) - upperTail(-lo);
  return 1 - upperTail(-lo) - upperTail(hi);
}

describe('Gaussian terms', () => {
  it('KL, log-density and the discretized decoder equal float64 references computed here (no Python)', () => {
    const c = gaussianTermsCase();
    const s = Math.exp(c.logScale);
    const kl = c.grid.map((x, i) => 0.5 * (-1 + c.logVar2 - c.logVar1[i]! + Math.exp(c.logVar1[i]! - c.logVar2) + (x - c.means[i]!) ** 2 * Math.exp(-c.logVar2)));
    const density = c.grid.map((x, i) => -0.5 * Math.log(2 * Math.PI) - Math.log(s) - ((x - c.means[i]!) / s) ** 2 / 2);
    const discrete = c.grid.map((x, i) => {
      const lo = x < -0.999 ? -Infinity : (x - 1 / 255 - c.means[i]!) / s;
      const hi = x > 0.999 ? Infinity : (x + 1 / 255 - c.means[i]!) / s;
      return Math.log(Math.max(normalMass(lo, hi), 1e-12));
    });
    expectGaussianTerms(c, [kl, density, discrete]);
  });

  it.skipIf(python === null)('KL, log-density and the discretized decoder equal float64 references (scipy.stats.norm)', async () => {
    const c = gaussianTermsCase();
    const out = runPython(
      python!,
      `
import json, sys, numpy as np
from scipy.stats import norm
x, mu, lv1, ls = (np.array(v, dtype=np.float64) for v in json.loads(sys.argv[1]))
lv2 = -2.5
kl = 0.5 * (-1 + lv2 - lv1 + np.exp(lv1 - lv2) + (x - mu) ** 2 * np.exp(-lv2))
dens = norm.logpdf(x, mu, np.exp(ls))
s = np.exp(ls)
lo = np.where(x < -0.999, 0.0, norm.cdf(x - 1 / 255, mu, s))
hi = np.where(x > 0.999, 1.0, norm.cdf(x + 1 / 255, mu, s))
disc = np.log(np.maximum(hi - lo, 1e-12))
print(json.dumps([kl.tolist(), dens.tolist(), disc.tolist()]))
`,
      [JSON.stringify([c.grid, c.means, c.logVar1, c.logScale])],
    );
    expectGaussianTerms(c, JSON.parse(out) as number[][]);
  });
});

describe('the DDPM variational bound', () => {
  const schedule = DdpmSchedule.named('linear', 1000, 1e-4, 0.02);
  /** T = 250 with β scaled by 1000 / T, for the test that needs many rows. */
  const shortSchedule = DdpmSchedule.named('linear', 250, 4e-4, 0.08);

  /** Rows m + R diag(√λ) z and the second moment of each direction's draws, mean((√λ_k z_k)²). */
  const data = (rows: number) => {
    const z = Rng.from(8).normals(rows * 2);
    const [r00, r01, r10, r11] = oracle.rotation;
    const [s0, s1] = oracle.eigenvalues.map(Math.sqrt) as [number, number];
    const values = Float32Array.from({ length: rows * 2 }, (_, k) => {
      const [a, b] = [s0 * z[2 * Math.floor(k / 2)]!, s1 * z[2 * Math.floor(k / 2) + 1]!];
      return oracle.mean[k % 2]! + (k % 2 === 0 ? r00 * a + r01 * b : r10 * a + r11 * b);
    });
    const moments = [0, 1].map((k) => oracle.eigenvalues[k]! * mean(Array.from({ length: rows }, (_, i) => z[2 * i + k]! ** 2)));
    return { values, moments: moments as [number, number] };
  };

  /**
   * E[L | x_0] for 1-D data N(0, λ) under the optimal ε, in closed form given the draws' second moment s:
   * with x_t = a x_0 + b n the optimal x̂_0 = g x_t, g = aλ/(a²λ + b²), so x̂_0 − x_0 = (ga − 1) x_0 + gb n
   * and E[(x̂_0 − x_0)²] = (ga − 1)² s + g²b²; each KL term is
   * ½(−1 + ln σ_t² − ln β̃_t + β̃_t/σ_t² + c1_t² E[(x̂_0 − x_0)²]/σ_t²), the decoder ½(ln 2πσ_0² + c1_0² E/σ_0²)
   * and the prior ½(−1 − ln(1 − ᾱ_T) + (1 − ᾱ_T) + ᾱ_T E[x_0²]). A Gaussian's bound is the sum over its eigen-directions.
   */
  function expectedBound(schedule: DdpmSchedule, lambda: number, sampleMoment: number, secondMoment: number, variance: 'small' | 'large'): number {
    const T = schedule.timesteps;
    const abT = schedule.alphasCumprod[T - 1]!;
    let total = 0.5 * (-1 - Math.log(1 - abT) + (1 - abT) + abT * secondMoment);
    for (let t = 0; t < T; t++) {
      const [a, b] = [Math.sqrt(schedule.alphasCumprod[t]!), Math.sqrt(1 - schedule.alphasCumprod[t]!)];
      const g = (a * lambda) / (a * a * lambda + b * b);
      const error = (g * a - 1) ** 2 * sampleMoment + g * g * b * b;
      const beta = schedule.betas[t]!;
      const posterior = schedule.posteriorVariance[t]!;
      const sigma2 = t === 0 ? schedule.posteriorVariance[1]! : variance === 'small' ? posterior : beta;
      const meanPart = (schedule.posteriorMeanCoef1[t]! ** 2 * error) / sigma2;
      total += t === 0 ? 0.5 * (Math.log(2 * Math.PI * sigma2) + meanPart) : 0.5 * (-1 + Math.log(sigma2 / posterior) + posterior / sigma2 + meanPart);
    }
    return total;
  }

  it('with the optimal ε of Gaussian data equals its closed-form expectation (4096 rows, noise 0.04) and lies below the exact log-density', async () => {
    const { values, moments } = data(4096);
    const x = tf.tensor2d(values, [4096, 2]);
    const exact = mean(oracle.logDensity(values));
    const [l0, l1] = oracle.eigenvalues;
    const moment = l0 + l1 + oracle.mean[0] ** 2 + oracle.mean[1] ** 2;
    for (const variance of ['small', 'large'] as const) {
      const bound = mean(await ddpmBound(oracle.noisePredictor(shortSchedule), shortSchedule, x, Rng.from(1), { variance, clipDenoised: false, terms: null, discrete: false }));
      // the prior term's E[x_0²] (ᾱ_T ≈ 4e-5 times it) split over the two directions
      const expected = expectedBound(shortSchedule, l0, moments[0], moment / 2, variance) + expectedBound(shortSchedule, l1, moments[1], moment / 2, variance);
      expect(Math.abs(-bound - expected)).toBeLessThan(0.15);
      expect(bound).toBeLessThan(exact);
    }
    expect(expectedBound(schedule, 1, 1, 1, 'large')).toBeLessThan(expectedBound(schedule, 1, 1, 1, 'small'));
    x.dispose();
  });

  it('estimated from 50 stratified terms agrees with the full sum (geometric strata: the first ones single steps)', async () => {
    const x = tf.tensor2d(data(512).values, [512, 2]);
    const options = { variance: 'large' as const, clipDenoised: false, discrete: false };
    // the same rng, so each evaluated term sees the same x_t as in the full sum
    const full = mean(await ddpmBound(oracle.noisePredictor(schedule), schedule, x, Rng.from(2), { ...options, terms: null }));
    const strata = mean(await ddpmBound(oracle.noisePredictor(schedule), schedule, x, Rng.from(2), { ...options, terms: 50 }));
    expect(Math.abs(strata - full)).toBeLessThan(0.1);
    const plan = boundTerms(1000, 50, Rng.from(0));
    expect(plan.reduce((sum, [, weight]) => sum + weight, 0)).toBe(999);
    expect(plan.slice(0, 5)).toEqual([[1, 1], [2, 1], [3, 1], [4, 1], [5, 1]]);
    plan.slice(1).forEach(([t], s) => expect(t).toBeGreaterThan(plan[s]![0]));
    x.dispose();
  });

  it('on 8-bit data does not depend on where in its bin a dequantized value lies, and is −L + D ln 127.5 (so the nll metric reports L)', async () => {
    const grid = Float32Array.from({ length: 16 * 3 }, (_, i) => ((i * 37) % 256) / 127.5 - 1);
    const jitter = Float32Array.from(grid, (v, i) => v + (((i * 13) % 10) / 10 - 0.45) / 127.5);
    const shortSchedule = DdpmSchedule.named('linear', 20, 1e-3, 0.3);
    const predict = (x: tf.Tensor) => tf.zerosLike(x);
    const options = { variance: 'large' as const, clipDenoised: true, terms: null, discrete: true };
    const [onGrid, dequantized] = await Promise.all(
      [grid, jitter].map(async (v) => {
        const x = tf.tensor2d(v, [16, 3]);
        const ll = await ddpmBound(predict, shortSchedule, x, Rng.from(5), options);
        x.dispose();
        return ll;
      }),
    );
    expect(Array.from(dequantized!)).toEqual(Array.from(onGrid!));
    const continuous = await ddpmBound(predict, shortSchedule, tf.tensor2d(grid, [16, 3]), Rng.from(5), { ...options, discrete: false });
    // The nll metric adds the codec's Jacobian −D ln 127.5: what remains is a probability of the discrete data, ≤ 1
    for (const ll of onGrid!) expect(ll - 3 * Math.log(127.5)).toBeLessThan(0);
    expect(continuous[0]).not.toBe(onGrid![0]);
    const snapped = snapToGrid(tf.tensor1d([-1.2, 0.004, 0.9999])).dataSync();
    [-1, 128 / 127.5 - 1, 1].forEach((v, i) => expect(snapped[i]).toBeCloseTo(v, 6));
  });
});

describe('the probability-flow likelihood', () => {
  it('with the exact trace equals the analytic Gaussian log-density; Hutchinson is unbiased (64 probes)', async () => {
    const values = Float32Array.from([0.5, -0.3, 1.2, 0.4, -0.7, -0.9, 2, 0.6]);
    const x = tf.tensor2d(values, [4, 2]);
    const exact = oracle.logDensity(values);
    const viaTrace = await flowLogLikelihood(oracle.velocity(), x, Rng.from(0), { trace: 'exact', probes: 1, rtol: 1e-6, atol: 1e-6 });
    viaTrace.forEach((v, i) => expect(v).toBeCloseTo(exact[i]!, 3));
    const hutchinson = await flowLogLikelihood(oracle.velocity(), x, Rng.from(1), { trace: 'hutchinson', probes: 64, rtol: 1e-5, atol: 1e-5 });
    expect(Math.abs(mean(hutchinson) - mean(exact))).toBeLessThan(0.1);
    const before = tf.memory().numTensors;
    await flowLogLikelihood(oracle.velocity(), x, Rng.from(1), { trace: 'hutchinson', probes: 2, rtol: 1e-3, atol: 1e-3 });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    await expect(flowLogLikelihood(oracle.velocity(), tf.zeros([1, 65]), Rng.from(0), { trace: 'exact', probes: 1, rtol: 1, atol: 1 })).rejects.toThrow(/use the hutchinson estimator/);
  });
});
