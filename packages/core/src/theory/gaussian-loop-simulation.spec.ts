import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.ts';
import { expectedGaussianDynamics, type GaussianSchedule } from './gaussian-dynamics.ts';
import { simulateGaussianLoop } from './gaussian-loop-simulation.ts';

// The band `ouro theory` draws comes from this simulation: its chains must average to the closed form.
describe('simulateGaussianLoop', () => {
  const dim = 3;
  const N = 30;
  const rng = Rng.from(7, 'real');
  const real = Float64Array.from({ length: N * dim }, (_, k) => (k % dim === 0 ? 2 : 1) * rng.normal());
  const traceD = (() => {
    let tr = 0;
    for (let i = 0; i < dim; i++) {
      let m = 0;
      for (let r = 0; r < N; r++) m += real[r * dim + i]! / N;
      for (let r = 0; r < N; r++) tr += (real[r * dim + i]! - m) ** 2 / N;
    }
    return tr;
  })();

  it.each<GaussianSchedule>([
    { id: 'constant-lambda', synthetic: 15 },
    { id: 'fully-synthetic' },
    { id: 'accumulate', synthetic: 15 },
    { id: 'accumulate-subsample', synthetic: 15, size: 30 },
    { id: 'fresh-real', synthetic: 15 },
  ])('$id: the chains average to E[tr Sigma_t] and E||mu_t - mu_0||^2 of the closed form', (schedule) => {
    const chains = 1500;
    const simulated = simulateGaussianLoop(real, dim, schedule, 3, chains, Rng.from(1, 'chains', schedule.id));
    const expected = expectedGaussianDynamics(schedule, N, 3);
    expect(simulated.trace[0]![0]).toBeCloseTo(traceD, 10);
    for (let t = 1; t <= 3; t++) {
      for (const [values, predicted] of [
        [simulated.trace[t]!, expected[t]!.covariance * traceD],
        [simulated.meanDrift[t]!, expected[t]!.meanSpread * traceD],
      ] as const) {
        const mean = values.reduce((a, b) => a + b, 0) / chains;
        const se = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (chains - 1) / chains);
        expect(Math.abs(mean - predicted)).toBeLessThan(4.5 * se);
      }
    }
  });
});
