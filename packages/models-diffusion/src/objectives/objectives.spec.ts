import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { DdpmObjective, type DdpmSettings } from './ddpm.ts';
import { EdmObjective, edmLossWeight, edmPreconditioning, type EdmSettings } from './edm.ts';
import type { ConditionedNetwork } from './objective.ts';
import { OtcfmObjective, type OtcfmSettings } from './otcfm.ts';

/**
 * Each loss recomputed in float64 from its paper's formula, with the same draws (the objective's rng
 * forks, read back here) and a fixed stand-in network F(x, c) = 0.3 x + 0.1 c.
 */
beforeAll(async () => {
  await selectBackend('wasm');
});

const rows = 6;
const x0Values = Float32Array.from({ length: rows * 2 }, (_, i) => Math.sin(i + 1));
const net: ConditionedNetwork = (x, c) => tf.add(tf.mul(x, 0.3), tf.mul(tf.reshape(c, [-1, 1]), 0.1));
const F = (x: number, c: number) => 0.3 * x + 0.1 * c;
const draw = (rng: Rng) => Float64Array.from(tf.tidy(() => tf.randomNormal([rows, 2], 0, 1, 'float32', rng.nextUint32()).dataSync()));
const lossOf = (compute: () => tf.Scalar) => tf.tidy(() => compute().dataSync()[0]!);

describe('DDPM loss', () => {
  it('is mean ‖ε − F(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖² with t ~ U{0 … T − 1}', () => {
    const settings = { timesteps: 50, schedule: 'cosine', betaStart: 1e-4, betaEnd: 0.02, variance: 'large', sampler: 'ddim', steps: 10, eta: 0, clipDenoised: false, boundTimesteps: null, discrete: false } satisfies DdpmSettings;
    const objective = new DdpmObjective(settings);
    const rng = Rng.from(3);
    const x0 = tf.tensor2d(x0Values, [rows, 2]);
    const got = lossOf(() => objective.loss(net, x0, rng));
    const timeRng = rng.fork('t');
    const t = Array.from({ length: rows }, () => timeRng.int(50));
    const eps = draw(rng.fork('noise'));
    let sum = 0;
    for (let i = 0; i < rows; i++) {
      const alphaBar = objective.schedule.alphasCumprod[t[i]!]!;
      for (let k = 0; k < 2; k++) {
        const xt = Math.sqrt(alphaBar) * x0Values[2 * i + k]! + Math.sqrt(1 - alphaBar) * eps[2 * i + k]!;
        sum += (eps[2 * i + k]! - F(xt, t[i]!)) ** 2;
      }
    }
    expect(got).toBeCloseTo(sum / (rows * 2), 5);
    x0.dispose();
  });
});

describe('EDM', () => {
  it('preconditions as table 1 of Karras et al.: at σ = σ_data c_skip = ½, c_out = σ_d/√2, c_in = 1/(σ_d√2); λ c_out² = 1 everywhere', () => {
    const c = edmPreconditioning(0.5, 0.5);
    expect(c.skip).toBeCloseTo(0.5, 14);
    expect(c.out).toBeCloseTo(0.5 / Math.SQRT2, 14);
    expect(c.in).toBeCloseTo(1 / (0.5 * Math.SQRT2), 14);
    expect(c.noise).toBeCloseTo(Math.log(0.5) / 4, 14);
    for (const sigma of [0.002, 0.1, 1, 80]) expect(edmLossWeight(sigma, 0.5) * edmPreconditioning(sigma, 0.5).out ** 2).toBeCloseTo(1, 12);
  });

  it('loss is mean λ(σ) ‖c_skip (y + σn) + c_out F(c_in (y + σn), ¼ ln σ) − y‖² with ln σ ~ N(P_mean, P_std²)', () => {
    const settings: EdmSettings = { sigmaData: 0.7, pMean: -1.2, pStd: 1.2, sigmaMin: 0.002, sigmaMax: 80, rho: 7, steps: 18, sampler: 'heun' };
    const objective = new EdmObjective(settings);
    const rng = Rng.from(4);
    const y = tf.tensor2d(x0Values, [rows, 2]);
    const got = lossOf(() => objective.loss(net, y, rng));
    const sigmaRng = rng.fork('sigma');
    const sigmas = Array.from({ length: rows }, () => Math.exp(sigmaRng.normal() * 1.2 - 1.2));
    const n = draw(rng.fork('noise'));
    let sum = 0;
    for (let i = 0; i < rows; i++) {
      const s = sigmas[i]!;
      const [skip, out, cin, weight] = [0.49 / (s * s + 0.49), (s * 0.7) / Math.sqrt(s * s + 0.49), 1 / Math.sqrt(s * s + 0.49), (s * s + 0.49) / (s * 0.7) ** 2];
      for (let k = 0; k < 2; k++) {
        const noisy = x0Values[2 * i + k]! + s * n[2 * i + k]!;
        sum += weight * (skip * noisy + out * F(cin * noisy, Math.log(s) / 4) - x0Values[2 * i + k]!) ** 2;
      }
    }
    expect(got).toBeCloseTo(sum / (rows * 2), 4);
    y.dispose();
  });
});

describe('OT-CFM loss', () => {
  const settings: OtcfmSettings = { sigma: 0, coupling: 'exact-ot', sampler: 'euler', steps: 10, rtol: 1e-5, atol: 1e-5, clip: false, likelihood: 'none', probes: 1 };

  /** mean ‖x_1 − x_0 − F(t x_1 + (1 − t) x_0 + σ ε, t)‖² over rows paired by `sourceOf`. */
  function cfmLoss(x0: Float64Array, t: Float64Array, sourceOf: number[], sigma = 0, eps?: Float64Array): number {
    let sum = 0;
    for (let j = 0; j < rows; j++) {
      for (let k = 0; k < 2; k++) {
        const [a, b] = [x0[2 * sourceOf[j]! + k]!, x0Values[2 * j + k]!];
        sum += (b - a - F(t[j]! * b + (1 - t[j]!) * a + sigma * (eps?.[2 * j + k] ?? 0), t[j]!)) ** 2;
      }
    }
    return sum / (rows * 2);
  }

  /** The permutation of the 6 noise rows minimising Σ_j ‖x_0[π(j)] − x_1[j]‖², by trying all 720. */
  function bruteForcePairing(x0: Float64Array): number[] {
    let best: { cost: number; p: number[] } = { cost: Infinity, p: [] };
    const permute = (p: number[], rest: number[]) => {
      if (rest.length === 0) {
        const cost = p.reduce((s, i, j) => s + (x0[2 * i]! - x0Values[2 * j]!) ** 2 + (x0[2 * i + 1]! - x0Values[2 * j + 1]!) ** 2, 0);
        if (cost < best.cost) best = { cost, p };
        return;
      }
      rest.forEach((r, k) => permute([...p, r], [...rest.slice(0, k), ...rest.slice(k + 1)]));
    };
    permute([], [0, 1, 2, 3, 4, 5]);
    return best.p;
  }

  it('regresses u_t = x_1 − x_0 at x_t = t x_1 + (1 − t) x_0, the noise paired by the exact OT plan (independent pairs for I-CFM)', () => {
    const x1 = tf.tensor2d(x0Values, [rows, 2]);
    for (const coupling of ['exact-ot', 'independent'] as const) {
      const rng = Rng.from(5);
      const got = lossOf(() => new OtcfmObjective({ ...settings, coupling }).loss(net, x1, rng));
      const t = rng.fork('t').uniforms(rows);
      const x0 = draw(rng.fork('x_0'));
      const pairing = coupling === 'exact-ot' ? bruteForcePairing(x0) : [0, 1, 2, 3, 4, 5];
      expect(got).toBeCloseTo(cfmLoss(x0, t, pairing), 4);
    }
    x1.dispose();
  });

  it('at σ > 0 widens the path to x_t = t x_1 + (1 − t) x_0 + σ ε, ε ~ N(0, I), and keeps the target u_t = x_1 − x_0', () => {
    const x1 = tf.tensor2d(x0Values, [rows, 2]);
    for (const coupling of ['exact-ot', 'independent'] as const) {
      const rng = Rng.from(7);
      const got = lossOf(() => new OtcfmObjective({ ...settings, sigma: 0.3, coupling }).loss(net, x1, rng));
      const x0 = draw(rng.fork('x_0'));
      const pairing = coupling === 'exact-ot' ? bruteForcePairing(x0) : [0, 1, 2, 3, 4, 5];
      const t = rng.fork('t').uniforms(rows);
      const eps = draw(rng.fork('path'));
      expect(got).toBeCloseTo(cfmLoss(x0, t, pairing, 0.3, eps), 4);
      expect(Math.abs(got - cfmLoss(x0, t, pairing)), 'σ changes the loss').toBeGreaterThan(1e-3);
    }
    x1.dispose();
  });

  it('has a likelihood (an estimate) only when asked for one', () => {
    expect(new OtcfmObjective(settings).logLikelihood).toBeUndefined();
    const withLikelihood = new OtcfmObjective({ ...settings, likelihood: 'hutchinson' });
    expect(withLikelihood.likelihood).toBe('estimate');
    expect(typeof withLikelihood.logLikelihood).toBe('function');
  });
});
