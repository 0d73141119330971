import { cholesky } from '../linalg/cholesky.ts';
import { concatFloat64 } from '../linalg/concat.ts';
import type { Rng } from '../rng/rng.ts';
import type { GaussianSchedule } from './gaussian-dynamics.ts';

/** Per generation, over the chains: tr Sigma_t and ||mu_t - mu_0||^2 of the refitted Gaussian. */
export interface SimulatedLoop {
  readonly trace: Float64Array[];
  readonly meanDrift: Float64Array[];
}

interface Fit {
  readonly mean: Float64Array;
  readonly covariance: Float64Array;
}

/**
 * The loop itself, `chains` times: the MLE Gaussian refitted on the rows each schedule composes
 * from the real rows `real` (n x dim, flat) and its own draws, for generations 0..G. The draws of a
 * fresh-real schedule come from generation 0's fit, as the closed form assumes.
 */
export function simulateGaussianLoop(real: Float64Array, dim: number, schedule: GaussianSchedule, generations: number, chains: number, rng: Rng): SimulatedLoop {
  const N = real.length / dim;
  const M = schedule.id === 'fully-synthetic' ? N : schedule.synthetic;
  const gen0 = fitRows(real, dim);
  const trace = Array.from({ length: generations + 1 }, () => new Float64Array(chains));
  const meanDrift = Array.from({ length: generations + 1 }, () => new Float64Array(chains));
  for (let c = 0; c < chains; c++) {
    const chain = rng.fork('chain', c);
    let model = gen0;
    const drawn: Float64Array[] = [];
    record(model, 0, c);
    for (let t = 1; t <= generations; t++) {
      drawn.push(draw(model, M, dim, chain));
      const newest = drawn[t - 1]!;
      let rows: Float64Array;
      if (schedule.id === 'constant-lambda') rows = concatFloat64([real, newest]);
      else if (schedule.id === 'fully-synthetic') rows = newest;
      else if (schedule.id === 'fresh-real') rows = concatFloat64([draw(gen0, N, dim, chain), newest]);
      else {
        const pool = concatFloat64([real, ...drawn]);
        rows = schedule.id === 'accumulate' ? pool : pick(pool, dim, chain.choose(pool.length / dim, schedule.size));
      }
      model = fitRows(rows, dim);
      record(model, t, c);
    }
  }
  return { trace, meanDrift };

  function record(model: Fit, t: number, c: number): void {
    let tr = 0;
    let drift = 0;
    for (let i = 0; i < dim; i++) {
      tr += model.covariance[i * dim + i]!;
      drift += (model.mean[i]! - gen0.mean[i]!) ** 2;
    }
    trace[t]![c] = tr;
    meanDrift[t]![c] = drift;
  }
}

// mu = (1/n) sum x_i, Sigma = (1/n) sum (x_i - mu)(x_i - mu)^T.
function fitRows(rows: Float64Array, dim: number): Fit {
  const n = rows.length / dim;
  const mean = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let i = 0; i < dim; i++) mean[i]! += rows[r * dim + i]! / n;
  const covariance = new Float64Array(dim * dim);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < dim; i++) {
      const a = rows[r * dim + i]! - mean[i]!;
      for (let j = 0; j <= i; j++) covariance[i * dim + j]! += (a * (rows[r * dim + j]! - mean[j]!)) / n;
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) covariance[j * dim + i] = covariance[i * dim + j]!;
  return { mean, covariance };
}

// x = mu + L z, z ~ N(0, I); a covariance that lost rank (a collapsed loop) gets 1e-12 on its diagonal.
function draw({ mean, covariance }: Fit, count: number, dim: number, rng: Rng): Float64Array {
  let lower: Float64Array;
  try {
    lower = cholesky(covariance, dim);
  } catch {
    lower = cholesky(covariance.map((v, k) => (k % (dim + 1) === 0 ? v + 1e-12 : v)), dim);
  }
  const out = new Float64Array(count * dim);
  const z = new Float64Array(dim);
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < dim; i++) z[i] = rng.normal();
    for (let i = 0; i < dim; i++) {
      let v = mean[i]!;
      for (let j = 0; j <= i; j++) v += lower[i * dim + j]! * z[j]!;
      out[r * dim + i] = v;
    }
  }
  return out;
}

function pick(rows: Float64Array, dim: number, indices: Uint32Array): Float64Array {
  const out = new Float64Array(indices.length * dim);
  indices.forEach((r, k) => out.set(rows.subarray(r * dim, (r + 1) * dim), k * dim));
  return out;
}
