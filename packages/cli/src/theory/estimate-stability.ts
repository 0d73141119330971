import { certifiedLambda, lanczos, type LikelihoodGradients, type Rng, type StabilityConstants } from '@ouroboros/core';
import { linearAssignment } from '@ouroboros/models-diffusion';

/** The estimates behind a stability certificate, and how each was made. */
export interface StabilityEstimate extends StabilityConstants {
  /** alpha / (2 (alpha + L epsilon)): the largest lambda Theorem 1 certifies with these estimates (0 when alpha <= 0). */
  readonly lambdaMax: number;
  /** ||grad E_data log p_theta0||: 0 at the optimum. */
  readonly gradientNorm: number;
  /** ||grad|| / alpha, a bound on ||theta0 - theta*|| where the concavity holds between them (Infinity when alpha <= 0). */
  readonly distanceToOptimum: number;
  /** W1 between two halves of the real rows: the part of epsilon that finite samples alone put there. */
  readonly epsilonFloor: number;
  readonly largestCurvature: number;
  readonly parameterCount: number;
  readonly method: {
    readonly hessianVectorProducts: string;
    readonly finiteDifferenceStep: number;
    readonly lanczosSteps: number;
    readonly lipschitzPairs: number;
    readonly lipschitzRadius: number;
    readonly rows: number;
  };
}

export interface EstimateOptions {
  readonly lanczosSteps?: number;
  readonly lipschitzPairs?: number;
  readonly powerIterations?: number;
  /** Told what was estimated so far (the flow's take minutes on a busy machine). */
  readonly progress?: (line: string) => void;
}

/**
 * Estimates at the fitted parameters theta0 (standing in for theta*) of the constants of Bertrand et
 * al.'s Theorem 1, on n real rows `data` and n model samples `samples` (flat n x d, model space):
 * - alpha: the smallest Ritz value of -Hessian of (1/n) sum log p_theta(x_i), by Lanczos on
 *   Hessian-vector products Hv = (g(theta + h v) - g(theta - h v)) / (2h) of the model's gradients;
 * - L: the largest ||Hess log p(x) - Hess log p(x')||_op / ||x - x'|| over pairs of a real row and a
 *   nearby point, the operator norm by power iteration on the same finite differences;
 * - epsilon: W1 between the real rows and the samples, by an exact optimal assignment.
 */
export async function estimateStability(gradients: LikelihoodGradients, data: Float32Array, samples: Float32Array, dim: number, rng: Rng, options: EstimateOptions = {}): Promise<StabilityEstimate> {
  const n = Math.min(data.length, samples.length) / dim;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`estimateStability: ${data.length / dim} real rows and ${samples.length / dim} samples of dimension ${dim}; expected at least 2 of each`);
  const theta = gradients.parameters;
  const p = theta.length;
  const h = (gradients.precision === 'float64' ? 1e-5 : 3e-3) * Math.max(1, rootMeanSquare(theta));
  const rows = data.subarray(0, n * dim);
  const hessianTimes = async (x: Float32Array, count: number, v: Float64Array) => {
    const plus = await gradients.meanGradient(shifted(theta, v, h), x, count);
    const minus = await gradients.meanGradient(shifted(theta, v, -h), x, count);
    return plus.map((g, i) => (g - minus[i]!) / (2 * h));
  };
  const steps = Math.min(options.lanczosSteps ?? 40, p);
  const curvature = await lanczos(async (v) => (await hessianTimes(rows, n, v)).map((x) => -x), p, steps, rng.fork('lanczos'));
  const gradientNorm = euclidean(await gradients.meanGradient(theta, rows, n));
  options.progress?.(`alpha ~ ${curvature.smallest.toPrecision(4)} after ${curvature.steps} Lanczos steps`);

  const pairs = Math.min(options.lipschitzPairs ?? 8, n);
  const radius = 0.1 * rowScale(rows, n, dim);
  let lipschitz = 0;
  for (let k = 0; k < pairs; k++) {
    const x = rows.slice(k * dim, (k + 1) * dim);
    const direction = unit(rng.fork('lipschitz', k).normals(dim));
    const nearby = Float32Array.from(x, (value, j) => value + radius * direction[j]!);
    const difference = async (v: Float64Array) => {
      const [a, b] = [await hessianTimes(x, 1, v), await hessianTimes(nearby, 1, v)];
      return a.map((value, i) => value - b[i]!);
    };
    lipschitz = Math.max(lipschitz, (await operatorNorm(difference, p, options.powerIterations ?? 8, rng.fork('power', k))) / radius);
    options.progress?.(`L ~ ${lipschitz.toPrecision(4)} after ${k + 1}/${pairs} pairs`);
  }

  const epsilon = wasserstein1(rows, samples.subarray(0, n * dim), n, dim);
  const half = Math.floor(n / 2);
  const epsilonFloor = wasserstein1(rows.subarray(0, half * dim), rows.subarray(half * dim, 2 * half * dim), half, dim);
  const alpha = curvature.smallest;
  const constants = { alpha, lipschitz, epsilon };
  return {
    ...constants,
    lambdaMax: certifiedLambda(constants),
    gradientNorm,
    distanceToOptimum: alpha > 0 ? gradientNorm / alpha : Infinity,
    epsilonFloor,
    largestCurvature: curvature.largest,
    parameterCount: p,
    method: {
      hessianVectorProducts: `central finite differences of ${gradients.precision === 'float64' ? 'analytic float64' : 'tfjs (float32)'} gradients`,
      finiteDifferenceStep: h,
      lanczosSteps: curvature.steps,
      lipschitzPairs: pairs,
      lipschitzRadius: radius,
      rows: n,
    },
  };
}

// W1(P_n, Q_n) = min over permutations sigma of (1/n) sum_i ||x_i - y_sigma(i)||.
export function wasserstein1(x: ArrayLike<number>, y: ArrayLike<number>, n: number, dim: number): number {
  const cost = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cost[i * n + j] = distance(x, i, y, j, dim);
  const match = linearAssignment(cost, n);
  let total = 0;
  for (let i = 0; i < n; i++) total += cost[i * n + match[i]!]!;
  return total / n;
}

// ||B||_op of a symmetric B by power iteration: |v^T B v| with v <- Bv / ||Bv||.
async function operatorNorm(apply: (v: Float64Array) => Promise<Float64Array>, dim: number, iterations: number, rng: Rng): Promise<number> {
  let v = unit(rng.normals(dim));
  let norm = 0;
  for (let i = 0; i < iterations; i++) {
    const w = await apply(v);
    norm = euclidean(w);
    if (!(norm > 0)) return 0;
    v = w.map((x) => x / norm);
  }
  return norm;
}

function shifted(theta: Float64Array, v: Float64Array, step: number): Float64Array {
  return theta.map((t, i) => t + step * v[i]!);
}

function unit(v: Float64Array): Float64Array {
  const norm = euclidean(v);
  return v.map((x) => x / norm);
}

function euclidean(v: Float64Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

function rootMeanSquare(v: Float64Array): number {
  return euclidean(v) / Math.sqrt(v.length);
}

// sqrt(mean over rows and coordinates of (x - column mean)^2): the data's scale.
function rowScale(x: Float32Array, n: number, dim: number): number {
  let total = 0;
  for (let j = 0; j < dim; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[i * dim + j]! / n;
    for (let i = 0; i < n; i++) total += (x[i * dim + j]! - mean) ** 2;
  }
  return Math.sqrt(total / (n * dim));
}

function distance(x: ArrayLike<number>, i: number, y: ArrayLike<number>, j: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) s += (x[i * dim + k]! - y[j * dim + k]!) ** 2;
  return Math.sqrt(s);
}
