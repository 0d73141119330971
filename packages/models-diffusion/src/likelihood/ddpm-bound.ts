import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { seededNormalNoise } from '@ouroboros/nn';
import { predictX0 } from '../samplers/ancestral.ts';
import type { NoisePredictor, StepProgress } from '../samplers/sampler-types.ts';
import type { DdpmSchedule, ReverseVariance } from '../schedules/ddpm-schedule.ts';
import { sumRows } from '../objectives/tensor-helpers.ts';
import { discretizedGaussianLogLikelihood, normalKl, normalLogDensity } from './gaussian-terms.ts';

/** Half the uint8 range, as the data codec: bins of 8-bit data are 1/127.5 wide in model space. */
const HALF = 127.5;

export interface BoundOptions {
  variance: ReverseVariance;
  clipDenoised: boolean;
  /** KL terms evaluated: null for all T − 1; k for a stratified estimate of their sum (see boundTerms). */
  terms: number | null;
  /** 8-bit data: x is snapped to its bin and the decoder is discretized. */
  discrete: boolean;
  onStep?: StepProgress;
}

/**
 * The timesteps t ≥ 1 whose KL terms are evaluated, with weights: all of them (weight 1), or one uniform
 * draw in each of k strata (weight = the stratum's size). The strata are geometric, edges ≈ T^(s/k) (the
 * first ones single timesteps), because the terms fall off like 1/t: with equal strata the few large
 * terms at small t make the estimate of the sum wander by nats, with geometric ones by hundredths.
 */
export function boundTerms(timesteps: number, terms: number | null, rng: Rng): Array<[t: number, weight: number]> {
  const count = timesteps - 1;
  if (terms === null || terms >= count) return Array.from({ length: count }, (_, i) => [i + 1, 1]);
  const edges = [1];
  for (let s = 1; s < terms; s++) edges.push(Math.min(timesteps - (terms - s), Math.max(edges[s - 1]! + 1, Math.round(timesteps ** (s / terms)))));
  edges.push(timesteps);
  return Array.from({ length: terms }, (_, s) => [edges[s]! + rng.int(edges[s + 1]! - edges[s]!), edges[s + 1]! - edges[s]!]);
}

// x snapped to the centre of its 8-bit bin: (clip(round((x + 1)·127.5), 0, 255)) / 127.5 − 1
export function snapToGrid(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.div(tf.clipByValue(tf.round(tf.mul(tf.add(x, 1), HALF)), 0, 255), HALF), 1));
}

/**
 * The variational bound of a DDPM (Ho et al. 2020, eq. 5), per row of x, in nats:
 *   L = KL(q(x_T | x_0) ‖ N(0, I)) + Σ_{t ≥ 1} KL(q(x_{t−1} | x_t, x_0) ‖ p(x_{t−1} | x_t)) − log p(x_0 | x_1)
 * (0-based t as Ho et al.'s code: the term at t uses x_t ~ q(x_t | x_0), one draw each), so
 * log p(x_0) ≥ −L. Returns the log-likelihood the `nll` metric expects, a log-density in model space:
 * −L for continuous data; for 8-bit data −L + D ln 127.5, the density of a model that spreads each
 * bin's probability (bounded by e^{−L}) uniformly over the bin, so that the metric's dequantization
 * and Jacobian (−D ln 127.5) give back exactly −L: its `nll` is Ho et al.'s bound on the discrete
 * data's NLL and its `bpd` their bits/dim.
 */
export async function ddpmBound(predict: NoisePredictor, schedule: DdpmSchedule, x: tf.Tensor, rng: Rng, options: BoundOptions): Promise<Float64Array> {
  const rows = x.shape[0]!;
  const dims = x.size / rows;
  const T = schedule.timesteps;
  const x0 = options.discrete ? snapToGrid(x) : tf.clone(x);
  const total = new Float64Array(rows);
  const add = (perRowNats: tf.Tensor1D, weight: number) => {
    const values = perRowNats.dataSync();
    perRowNats.dispose();
    for (let i = 0; i < rows; i++) total[i]! += weight * values[i]!;
  };
  try {
    const alphaBarT = schedule.alphasCumprod[T - 1]!;
    add(tf.tidy(() => sumRows(normalKl(tf.mul(x0, Math.sqrt(alphaBarT)), Math.log(1 - alphaBarT), 0, 0))), 1);
    const plan: Array<[number, number]> = [[0, 1], ...boundTerms(T, options.terms, rng.fork('strata'))];
    for (const [done, [t, weight]] of plan.entries()) {
      add(tf.tidy(() => sumRows(termAt(predict, schedule, x0, t, rng.fork('x_t', t), options))), weight);
      await options.onStep?.(done + 1, plan.length);
    }
  } finally {
    x0.dispose();
  }
  const shift = options.discrete ? dims * Math.log(HALF) : 0;
  return total.map((nats) => -nats + shift);
}

/** The bound's term at t, elementwise: the decoder's −log p(x_0 | x_1) at t = 0, else the KL of the reverse step. */
function termAt(predict: NoisePredictor, schedule: DdpmSchedule, x0: tf.Tensor, t: number, rng: Rng, options: BoundOptions): tf.Tensor {
  const alphaBar = schedule.alphasCumprod[t]!;
  const xt = tf.add(tf.mul(x0, Math.sqrt(alphaBar)), tf.mul(seededNormalNoise(x0.shape, rng), Math.sqrt(1 - alphaBar)));
  const x0Hat = predictX0(xt, predict(xt, t), alphaBar);
  const [c1, c2] = [schedule.posteriorMeanCoef1[t]!, schedule.posteriorMeanCoef2[t]!];
  const modelMean = tf.add(tf.mul(options.clipDenoised ? tf.clipByValue(x0Hat, -1, 1) : x0Hat, c1), tf.mul(xt, c2));
  const modelLogVar = Math.log(schedule.reverseVariance(t, options.variance));
  if (t === 0) {
    return tf.neg(options.discrete ? discretizedGaussianLogLikelihood(x0, modelMean, modelLogVar / 2) : normalLogDensity(x0, modelMean, modelLogVar));
  }
  const trueMean = tf.add(tf.mul(x0, c1), tf.mul(xt, c2));
  return normalKl(trueMean, Math.log(schedule.posteriorVariance[t]!), modelMean, modelLogVar);
}
