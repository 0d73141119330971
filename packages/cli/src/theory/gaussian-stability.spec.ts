import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, contractionBound, expectedGaussianDynamics, symmetricEigenvalues, takeFloat32 } from '@ouroboros/core';
import { memorySource, testContext } from '@ouroboros/core/testing';
import { GaussianModel } from '@ouroboros/models-gaussian';
import { estimateStability, type StabilityEstimate } from './estimate-stability.ts';

// Bertrand et al.'s certificate estimated on the maximum-likelihood Gaussian, against the loop itself:
// every lambda it certifies must be stable when measured over many seeds, and the loop it cannot
// certify (fully synthetic) must drift.

const N = 100;
const SEEDS = 60;
const GENERATIONS = 16;


async function draw(model: GaussianModel, n: number, rng: Rng): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const batch of model.sample(n, testContext(0, 0, { rng }))) parts.push(await takeFloat32(batch));
  return Float32Array.from(parts.flatMap((p) => [...p]));
}

async function fitted(rows: Float32Array): Promise<GaussianModel> {
  const model = new GaussianModel([2]);
  await model.fit(memorySource(rows, [2]), {}, testContext());
  return model;
}

/** (mu, Sigma_11, Sigma_12, Sigma_22) of a fitted model. */
const parameters = (m: GaussianModel) => [...m.mean, m.covariance[0]!, m.covariance[1]!, m.covariance[3]!];

let real: Float32Array;
let gen0: GaussianModel;
let estimate: StabilityEstimate;

beforeAll(async () => {
  await tf.ready();
  const truth = new GaussianModel([2]);
  const rng = Rng.from(3, 'truth');
  await truth.fit(memorySource(Float32Array.from({ length: 4 * N }, () => 2 * rng.normal()), [2]), {}, testContext());
  real = await draw(truth, N, Rng.from(4, 'real'));
  gen0 = await fitted(real);
  estimate = await estimateStability(gen0.likelihoodGradients(), real, await draw(gen0, N, Rng.from(5, 'samples')), 2, Rng.from(6, 'theory'));
});

describe('the stability certificate on the Gaussian', () => {
  it('finds alpha as the smallest eigenvalue of the exact negative Hessian at the MLE, where the gradient vanishes', () => {
    // -Hessian at the MLE: Sigma^{-1} in mu, and Q[E, F] = tr(Sigma^{-1} E Sigma^{-1} F) / 2 over E, F in {E11, E12 + E21, E22}.
    const s = gen0.covariance;
    const det = s[0]! * s[3]! - s[1]! * s[2]!;
    const inv = [s[3]! / det, -s[1]! / det, -s[2]! / det, s[0]! / det];
    const basis = [[1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1]];
    const times = (a: number[], b: number[]) => [a[0]! * b[0]! + a[1]! * b[2]!, a[0]! * b[1]! + a[1]! * b[3]!, a[2]! * b[0]! + a[3]! * b[2]!, a[2]! * b[1]! + a[3]! * b[3]!];
    const trace = (a: number[]) => a[0]! + a[3]!;
    const q = basis.flatMap((e) => basis.map((f) => 0.5 * trace(times(times(inv, e), times(inv, f)))));
    const exact = [...symmetricEigenvalues(Float64Array.from([inv[0]!, inv[1]!, inv[2]!, inv[3]!]), 2), ...symmetricEigenvalues(Float64Array.from(q), 3)];
    expect(estimate.parameterCount).toBe(5);
    expect(estimate.alpha).toBeCloseTo(Math.min(...exact), 6);
    expect(estimate.largestCurvature).toBeCloseTo(Math.max(...exact), 5);
    expect(estimate.gradientNorm).toBeLessThan(1e-6);
    expect(estimate.lipschitz).toBeGreaterThan(0);
    expect(estimate.epsilon).toBeGreaterThan(0);
    expect(estimate.lambdaMax).toBeCloseTo(estimate.alpha / (2 * (estimate.alpha + estimate.lipschitz * estimate.epsilon)), 12);
    expect(estimate.lambdaMax).toBeLessThan(0.5);
  });

  it('certifies only lambdas that are stable over 60 seeds, and not the fully synthetic loop, which drifts', async () => {
    const grid = [0.5 * estimate.lambdaMax, 0.95 * estimate.lambdaMax, 0.5, 1, 2, Infinity];
    const theta0 = parameters(gen0);
    for (const lambda of grid) {
      const M = Number.isFinite(lambda) ? Math.round(lambda * N) : N;
      const drift = new Float64Array(GENERATIONS + 1);
      const meanDrift: number[] = [];
      for (let seed = 0; seed < SEEDS; seed++) {
        let model = gen0;
        for (let t = 1; t <= GENERATIONS; t++) {
          const synthetic = await draw(model, M, Rng.from(seed, 'loop', t));
          model = await fitted(Number.isFinite(lambda) ? Float32Array.from([...real, ...synthetic]) : synthetic);
          drift[t]! += parameters(model).reduce((s, v, i) => s + (v - theta0[i]!) ** 2, 0) / SEEDS;
        }
        meanDrift.push((model.mean[0]! - theta0[0]!) ** 2 + (model.mean[1]! - theta0[1]!) ** 2);
      }
      // Stable: the drift from theta0 has settled (a loop that drifts keeps growing, ~ t for a random walk).
      const stable = drift[GENERATIONS]! < 1.4 * drift[GENERATIONS / 2]!;
      const certified = lambda < estimate.lambdaMax;
      if (certified) expect({ lambda, stable }).toEqual({ lambda, stable: true });
      if (!Number.isFinite(lambda)) expect({ certified, stable }).toEqual({ certified: false, stable: false });
      if (certified) expect(contractionBound(lambda, estimate)).toBeLessThan(1);
      // The exact expected dynamics predict the measured drift of the mean: E||mu_T - m||^2 = p_T tr S_D.
      const predicted = expectedGaussianDynamics(Number.isFinite(lambda) ? { id: 'constant-lambda', synthetic: M } : { id: 'fully-synthetic' }, N, GENERATIONS);
      const measured = meanDrift.reduce((a, b) => a + b, 0) / SEEDS;
      const se = Math.sqrt(meanDrift.reduce((a, v) => a + (v - measured) ** 2, 0) / (SEEDS - 1) / SEEDS);
      expect(Math.abs(measured - predicted[GENERATIONS]!.meanSpread * (gen0.covariance[0]! + gen0.covariance[3]!))).toBeLessThan(4 * se);
    }
  }, 120_000);
});
