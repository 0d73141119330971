/**
 * The exact expected dynamics of the maximum-likelihood Gaussian retrained under each mixing
 * schedule, at finite sample sizes. Generation 0 is the MLE on D: mu_0 = m, Sigma_0 = S_D. Every
 * later mean is m plus a weighted sum of zero-mean increments that are uncorrelated with each other
 * (the mean error of each generation's samples, eps_k, with E[eps eps^T] = E[Sigma_k] / M; a fresh
 * real draw's; a subsample's), so every second moment is a scalar multiple of S_D:
 *   E[mu_t] = m,   Cov(mu_t) = p_t S_D,   E[Sigma_t] = c_t S_D.
 * The synthetic samples of a generation enter as a group of M i.i.d. draws of N(mu_k, Sigma_k):
 * mean mu_k + eps_k, scatter matrix W with E[W] = (M - 1) E[Sigma_k].
 */
export type GaussianSchedule =
  | { readonly id: 'constant-lambda'; readonly synthetic: number }
  | { readonly id: 'fully-synthetic' }
  | { readonly id: 'accumulate'; readonly synthetic: number }
  | { readonly id: 'accumulate-subsample'; readonly synthetic: number; readonly size: number }
  | { readonly id: 'fresh-real'; readonly synthetic: number };

export interface GaussianDynamicsPoint {
  readonly generation: number;
  /** E[Sigma_t] = covariance * S_D. */
  readonly covariance: number;
  /** Cov(mu_t) = E[(mu_t - m)(mu_t - m)^T] = meanSpread * S_D. */
  readonly meanSpread: number;
}

/** One part of a training set: n rows whose mean is m + sum_i offset_i xi_i and whose scatter matrix has expectation scatter * S_D. */
interface Group {
  readonly n: number;
  readonly offset: readonly number[];
  readonly scatter: number;
}

interface Generation {
  readonly covariance: number;
  readonly mean: readonly number[];
  /** Index of eps_k, the mean error of this generation's synthetic samples. */
  readonly samples: number;
}

/** E[Sigma_t] / S_D and Cov(mu_t) / S_D for t = 0..generations, for |D| = realCount. */
export function expectedGaussianDynamics(schedule: GaussianSchedule, realCount: number, generations: number): GaussianDynamicsPoint[] {
  const N = realCount;
  const M = schedule.id === 'fully-synthetic' ? N : schedule.synthetic;
  const variances: number[] = [];
  const increment = (variance: number) => variances.push(variance) - 1;
  const gens: Generation[] = [];
  const born = (covariance: number, mean: readonly number[]) => gens.push({ covariance, mean, samples: increment(M > 0 ? covariance / M : 0) });
  born(1, []);
  const real: Group = { n: N, offset: [], scatter: N };
  for (let t = 1; t <= generations; t++) {
    const newest = synthetic(gens[t - 1]!, M);
    let fitted: { covariance: number; mean: number[] };
    switch (schedule.id) {
      case 'constant-lambda':
        fitted = fit([real, ...(M > 0 ? [newest] : [])], variances);
        break;
      case 'fully-synthetic':
        fitted = fit([newest], variances);
        break;
      case 'fresh-real':
        fitted = fit([freshReal(N, increment(1 / N)), ...(M > 0 ? [newest] : [])], variances);
        break;
      case 'accumulate':
        fitted = fit([real, ...(M > 0 ? gens.map((g) => synthetic(g, M)) : [])], variances);
        break;
      case 'accumulate-subsample': {
        const pool = [real, ...(M > 0 ? gens.map((g) => synthetic(g, M)) : [])];
        fitted = subsampleFit(fit(pool, variances), N + (M > 0 ? t * M : 0), schedule.size, increment);
        break;
      }
    }
    born(fitted.covariance, fitted.mean);
  }
  return gens.map((g, t) => ({ generation: t, covariance: g.covariance, meanSpread: spread(g.mean, variances) }));
}

// Generation k's M samples: mean m + (mu_k - m) + eps_k, E[W] = (M - 1) c_k S_D.
function synthetic(g: Generation, M: number): Group {
  const offset = [...g.mean];
  while (offset.length <= g.samples) offset.push(0);
  offset[g.samples]! += 1;
  return { n: M, offset, scatter: (M - 1) * g.covariance };
}

// A fresh draw of N real rows (the data distribution taken as N(m, S_D)): mean m + xi with E[xi xi^T] = S_D / N, E[W] = (N - 1) S_D.
function freshReal(N: number, index: number): Group {
  const offset = new Array<number>(index + 1).fill(0);
  offset[index] = 1;
  return { n: N, offset, scatter: N - 1 };
}

// MLE on the union: mu' - m = sum_g n_g d_g / n;  n E[Sigma'] = sum_g E[W_g] + sum_g n_g E[d_g d_g^T] - n E[(mu' - m)(mu' - m)^T].
function fit(groups: readonly Group[], variances: readonly number[]): { covariance: number; mean: number[] } {
  const n = groups.reduce((s, g) => s + g.n, 0);
  const mean: number[] = [];
  for (const g of groups) g.offset.forEach((a, i) => (mean[i] = (mean[i] ?? 0) + (g.n * a) / n));
  for (let i = 0; i < mean.length; i++) mean[i] ??= 0;
  const between = groups.reduce((s, g) => s + g.n * spread(g.offset, variances), 0);
  const scatter = groups.reduce((s, g) => s + g.scatter, 0);
  return { covariance: (scatter + between) / n - spread(mean, variances), mean };
}

// A uniform subsample of s rows of a pool of P with MLE covariance S: mean = pool mean + eta, E[eta eta^T] = (P - s) / (s (P - 1)) S; E[Sigma'] = (s - 1) / s * P / (P - 1) S.
function subsampleFit(pool: { covariance: number; mean: number[] }, P: number, s: number, increment: (variance: number) => number): { covariance: number; mean: number[] } {
  if (s > P) throw new RangeError(`accumulate-subsample: size ${s} is larger than the pool of ${P}`);
  const eta = increment(P > 1 ? ((P - s) / (s * (P - 1))) * pool.covariance : 0);
  const mean = [...pool.mean];
  while (mean.length <= eta) mean.push(0);
  mean[eta] = 1;
  return { covariance: P > 1 ? ((s - 1) / s) * (P / (P - 1)) * pool.covariance : 0, mean };
}

// E[(sum_i a_i xi_i)(sum_i a_i xi_i)^T] / S_D = sum_i a_i^2 v_i (the increments are uncorrelated).
function spread(coefficients: readonly number[], variances: readonly number[]): number {
  return coefficients.reduce((s, a, i) => s + a * a * variances[i]!, 0);
}
