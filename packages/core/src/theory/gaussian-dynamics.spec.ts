import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.ts';
import { expectedGaussianDynamics, type GaussianSchedule } from './gaussian-dynamics.ts';

// The closed forms against a direct simulation of the loop: the MLE Gaussian refitted on the rows
// each schedule composes, 2-D, over thousands of seeds; every entry of E[Sigma_t] and Cov(mu_t)
// must lie within 4.5 standard errors of the predicted multiple of S_D.

const N = 20;
const M = 10;
const GENERATIONS = 4;
const SEEDS = 3000;

type Row = [number, number];

function fitMle(rows: readonly Row[]): { mean: Row; cov: [number, number, number] } {
  const n = rows.length;
  const mean: Row = [rows.reduce((s, r) => s + r[0], 0) / n, rows.reduce((s, r) => s + r[1], 0) / n];
  let a = 0, b = 0, c = 0;
  for (const [x, y] of rows) {
    a += (x - mean[0]) ** 2;
    b += (x - mean[0]) * (y - mean[1]);
    c += (y - mean[1]) ** 2;
  }
  return { mean, cov: [a / n, b / n, c / n] };
}

function draw(model: { mean: Row; cov: [number, number, number] }, count: number, rng: Rng): Row[] {
  const l00 = Math.sqrt(model.cov[0]);
  const l10 = model.cov[1] / l00;
  const l11 = Math.sqrt(Math.max(model.cov[2] - l10 * l10, 0));
  return Array.from({ length: count }, () => {
    const z0 = rng.normal();
    const z1 = rng.normal();
    return [model.mean[0] + l00 * z0, model.mean[1] + l10 * z0 + l11 * z1] as Row;
  });
}

/** One seed of the loop: the fitted (mean, covariance) of generations 0..GENERATIONS. */
function simulate(schedule: GaussianSchedule, real: readonly Row[], rng: Rng) {
  const gen0 = fitMle(real);
  const models = [gen0];
  const samples: Row[][] = [];
  for (let t = 1; t <= GENERATIONS; t++) {
    const m = schedule.id === 'fully-synthetic' ? N : schedule.synthetic;
    samples.push(draw(models[t - 1]!, m, rng));
    const newest = samples[t - 1]!;
    let rows: Row[];
    if (schedule.id === 'constant-lambda') rows = [...real, ...newest];
    else if (schedule.id === 'fully-synthetic') rows = newest;
    else if (schedule.id === 'fresh-real') rows = [...draw(gen0, N, rng), ...newest];
    else {
      const pool = [...real, ...samples.flat()];
      rows = schedule.id === 'accumulate' ? pool : Array.from(rng.choose(pool.length, schedule.size), (i) => pool[i]!);
    }
    models.push(fitMle(rows));
  }
  return models;
}

const schedules: GaussianSchedule[] = [
  { id: 'constant-lambda', synthetic: M },
  { id: 'fully-synthetic' },
  { id: 'fresh-real', synthetic: M },
  { id: 'accumulate', synthetic: M },
  { id: 'accumulate-subsample', synthetic: M, size: N },
];

describe('expectedGaussianDynamics', () => {
  const dataRng = Rng.from(1, 'real');
  const real = draw({ mean: [1, -2], cov: [2, 0.8, 1] }, N, dataRng);
  const { mean: m, cov: s } = fitMle(real);

  it.each(schedules)('$id: E[Sigma_t] = c_t S_D and Cov(mu_t) = p_t S_D, as simulated over 3,000 seeds', (schedule) => {
    const predicted = expectedGaussianDynamics(schedule, N, GENERATIONS);
    expect(predicted[0]).toEqual({ generation: 0, covariance: 1, meanSpread: 0 });
    const runs = Array.from({ length: SEEDS }, (_, seed) => simulate(schedule, real, Rng.from(seed, 'loop', schedule.id)));
    for (let t = 1; t <= GENERATIONS; t++) {
      const { covariance, meanSpread } = predicted[t]!;
      const observed = (f: (g: { mean: Row; cov: [number, number, number] }) => number) => {
        const values = runs.map((r) => f(r[t]!));
        const mean = values.reduce((a, b) => a + b, 0) / SEEDS;
        const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (SEEDS - 1));
        return { mean, se: sd / Math.sqrt(SEEDS) };
      };
      for (let k = 0; k < 3; k++) {
        const cov = observed((g) => g.cov[k]);
        expect(Math.abs(cov.mean - covariance * s[k]!)).toBeLessThan(4.5 * cov.se);
      }
      const spreads = [
        observed((g) => (g.mean[0] - m[0]) ** 2),
        observed((g) => (g.mean[0] - m[0]) * (g.mean[1] - m[1])),
        observed((g) => (g.mean[1] - m[1]) ** 2),
      ];
      spreads.forEach((o, k) => expect(Math.abs(o.mean - meanSpread * s[k]!)).toBeLessThan(4.5 * o.se + 1e-12));
    }
  });

  it('gives the known closed forms: (N-1)/N per generation fully synthetic, a fixed point below 1 with real data kept', () => {
    const collapse = expectedGaussianDynamics({ id: 'fully-synthetic' }, N, 3);
    expect(collapse.map((g) => g.covariance)).toEqual([1, 19 / 20, (19 / 20) ** 2, (19 / 20) ** 3].map((x) => expect.closeTo(x, 12)));
    const kept = expectedGaussianDynamics({ id: 'constant-lambda', synthetic: M }, N, 200);
    expect(kept.at(-1)!.covariance).toBeGreaterThan(0.9);
    expect(kept.at(-1)!.covariance).toBeCloseTo(kept.at(-2)!.covariance, 10);
    expect(expectedGaussianDynamics({ id: 'constant-lambda', synthetic: 0 }, N, 3).every((g) => g.covariance === 1 && g.meanSpread === 0)).toBe(true);
  });
});
