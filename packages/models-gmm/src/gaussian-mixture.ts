import { cholesky, choleskyLogDet, solveLower, type Rng } from '@ouroboros/core';
import { LOG_2PI } from '@ouroboros/nn';

/** A mixture sum_k pi_k N(mu_k, Sigma_k) in d dimensions, float64, with each Sigma_k's Cholesky factor. */
export interface Mixture {
  readonly d: number;
  readonly weights: Float64Array;
  /** k x d, row-major. */
  readonly means: Float64Array;
  /** k blocks of d x d, row-major. */
  readonly covariances: Float64Array;
  /** Lower Cholesky factors L_k of the covariances, same layout. */
  readonly lowers: Float64Array;
  readonly logDets: Float64Array;
}

/** A mixture from weights, means and covariances; throws naming the component whose covariance is singular. */
export function mixture(d: number, weights: Float64Array, means: Float64Array, covariances: Float64Array): Mixture {
  const k = weights.length;
  const lowers = new Float64Array(k * d * d);
  const logDets = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let lower: Float64Array;
    try {
      lower = cholesky(covariances.subarray(c * d * d, (c + 1) * d * d), d);
    } catch (error) {
      throw new RangeError(`covariance of component ${c} is singular (${(error as Error).message}); set the ridge option > 0 or use fewer components`);
    }
    lowers.set(lower, c * d * d);
    logDets[c] = choleskyLogDet(lower, d);
  }
  return { d, weights, means, covariances, lowers, logDets };
}

/** log pi_k + log N(x_i; mu_k, Sigma_k) for each row i of the flat n x d `x`, as an n x k array. */
export function jointLogDensities(m: Mixture, x: Float64Array): Float64Array {
  const { d } = m;
  const k = m.weights.length;
  const n = x.length / d;
  const out = new Float64Array(n * k);
  const centred = new Float64Array(d);
  const whitened = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    const lower = m.lowers.subarray(c * d * d, (c + 1) * d * d);
    // log N = -(d log 2 pi + log det Sigma + |L^{-1}(x - mu)|^2) / 2
    const constant = Math.log(m.weights[c]!) - 0.5 * (d * LOG_2PI + m.logDets[c]!);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) centred[j] = x[i * d + j]! - m.means[c * d + j]!;
      solveLower(lower, centred, d, whitened);
      let q = 0;
      for (let j = 0; j < d; j++) q += whitened[j]! * whitened[j]!;
      out[i * k + c] = constant - 0.5 * q;
    }
  }
  return out;
}

/** log sum_k exp(a_k) of each row of the flat n x k `a`, computed as max + log sum exp(a - max). */
export function rowLogSumExp(a: Float64Array, k: number): Float64Array {
  const n = a.length / k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, a[i * k + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(a[i * k + c]! - max);
    out[i] = max + Math.log(sum);
  }
  return out;
}

/** E-step: responsibilities r_ik = pi_k N_ik / sum_l pi_l N_il (n x k) and the total log-likelihood sum_i log p(x_i). */
export function expectation(m: Mixture, x: Float64Array): { responsibilities: Float64Array; logLikelihood: number } {
  const k = m.weights.length;
  const joint = jointLogDensities(m, x);
  const logP = rowLogSumExp(joint, k);
  let logLikelihood = 0;
  for (let i = 0; i < logP.length; i++) {
    logLikelihood += logP[i]!;
    for (let c = 0; c < k; c++) joint[i * k + c] = Math.exp(joint[i * k + c]! - logP[i]!);
  }
  return { responsibilities: joint, logLikelihood };
}

/**
 * M-step: N_k = sum_i r_ik, pi_k = N_k / n, mu_k = sum_i r_ik x_i / N_k,
 * Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k + ridge I (Bishop 2006, eq. 9.24-9.26).
 */
export function maximization(x: Float64Array, d: number, responsibilities: Float64Array, k: number, ridge: number): Mixture {
  const n = x.length / d;
  const weights = new Float64Array(k);
  const means = new Float64Array(k * d);
  const covariances = new Float64Array(k * d * d);
  const centred = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    let mass = 0;
    for (let i = 0; i < n; i++) {
      const r = responsibilities[i * k + c]!;
      mass += r;
      for (let j = 0; j < d; j++) means[c * d + j] += r * x[i * d + j]!;
    }
    // 10 machine epsilons keep an emptied component's mean finite, as scikit-learn does.
    const safeMass = mass + 10 * Number.EPSILON;
    for (let j = 0; j < d; j++) means[c * d + j] /= safeMass;
    const cov = covariances.subarray(c * d * d, (c + 1) * d * d);
    for (let i = 0; i < n; i++) {
      const r = responsibilities[i * k + c]!;
      if (r === 0) continue;
      for (let j = 0; j < d; j++) centred[j] = x[i * d + j]! - means[c * d + j]!;
      for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) cov[a * d + b] += r * centred[a]! * centred[b]!;
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) cov[a * d + b] = cov[b * d + a] = cov[a * d + b]! / safeMass;
      cov[a * d + a] += ridge;
    }
    weights[c] = mass / n;
  }
  return mixture(d, weights, means, covariances);
}

/**
 * k-means++ seeding (Arthur and Vassilvitskii 2007): the first centre uniformly at random, each next
 * one with probability proportional to D(x)^2, the squared distance to the nearest centre so far.
 * Returns the indices of the chosen rows.
 */
export function kMeansPlusPlus(x: Float64Array, d: number, k: number, rng: Rng): number[] {
  const n = x.length / d;
  const nearest = new Float64Array(n).fill(Infinity);
  const chosen = [rng.int(n)];
  while (chosen.length < k) {
    const last = chosen.at(-1)!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      let dist = 0;
      for (let j = 0; j < d; j++) dist += (x[i * d + j]! - x[last * d + j]!) ** 2;
      nearest[i] = Math.min(nearest[i]!, dist);
      total += nearest[i]!;
    }
    if (total === 0) {
      chosen.push(rng.int(n)); // every point sits on a centre: any row will do
      continue;
    }
    let u = rng.uniform() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      u -= nearest[i]!;
      if (u < 0) {
        pick = i;
        break;
      }
    }
    chosen.push(pick);
  }
  return chosen;
}

/** One-hot responsibilities of each row for its nearest centre (n x k): the hard assignment EM starts from. */
export function nearestCentre(x: Float64Array, d: number, centres: readonly number[]): Float64Array {
  const n = x.length / d;
  const k = centres.length;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDist = Infinity;
    centres.forEach((row, c) => {
      let dist = 0;
      for (let j = 0; j < d; j++) dist += (x[i * d + j]! - x[row * d + j]!) ** 2;
      if (dist < bestDist) [best, bestDist] = [c, dist];
    });
    out[i * k + best] = 1;
  }
  return out;
}
