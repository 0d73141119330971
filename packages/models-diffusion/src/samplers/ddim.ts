import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { seededNormalNoise } from '@ouroboros/nn';
import type { DdpmSchedule } from '../schedules/ddpm-schedule.ts';
import { predictX0 } from './ancestral.ts';
import type { NoisePredictor, StepProgress } from './sampler-types.ts';
import { stepwise } from './stepwise.ts';

export interface DdimOptions {
  steps: number;               // timesteps visited, evenly spaced over 0 … T − 1
  eta: number;                 // 0: deterministic DDIM; 1: the variance of DDPM's posterior
  clipDenoised: boolean;       // clip x̂_0 to [-1, 1] and recompute ε̂ from it (images)
  onStep?: StepProgress;
}

// τ_i = ⌊i T / steps⌋, i = 0 … steps − 1 (for steps dividing T: DDIM's range(0, T, T / steps))
export function ddimTimesteps(timesteps: number, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > timesteps) throw new RangeError(`ddim: steps must be an integer in 1 … ${timesteps} (the timesteps), got ${steps}`);
  return Array.from({ length: steps }, (_, i) => Math.floor((i * timesteps) / steps));
}

// σ = η √((1 − ᾱ_prev)/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev)   (Song et al. 2021, eq. 16)
export function ddimSigma(eta: number, alphaBar: number, alphaBarPrev: number): number {
  return eta * Math.sqrt((1 - alphaBarPrev) / (1 - alphaBar)) * Math.sqrt(1 - alphaBar / alphaBarPrev);
}

/**
 * DDIM (Song et al. 2021, eq. 12) over the timesteps τ from x_T down to x_0:
 * x_prev = √ᾱ_prev x̂_0 + √(1 − ᾱ_prev − σ²) ε̂ + σ z, with ᾱ_prev = 1 after τ_0. Returns a new tensor.
 */
export async function ddimSample(predict: NoisePredictor, schedule: DdpmSchedule, xT: tf.Tensor, rng: Rng, options: DdimOptions): Promise<tf.Tensor> {
  const tau = ddimTimesteps(schedule.timesteps, options.steps);
  const step = (x: tf.Tensor, k: number) => ddimUpdate(predict, schedule, x, tau, tau.length - 1 - k, rng, options);
  return stepwise(tf.clone(xT), tau.length, step, (k) => options.onStep?.(k + 1, tau.length));
}

/** One DDIM update, from x at τ_i to τ_{i−1} (x_0 after τ_0). Returns a new tensor. */
export function ddimUpdate(predict: NoisePredictor, schedule: DdpmSchedule, x: tf.Tensor, tau: readonly number[], i: number, rng: Rng, options: DdimOptions): tf.Tensor {
  const t = tau[i]!;
  const alphaBar = schedule.alphasCumprod[t]!;
  const alphaBarPrev = i > 0 ? schedule.alphasCumprod[tau[i - 1]!]! : 1;
  return tf.tidy(() => {
    let eps = predict(x, t);
    let x0 = predictX0(x, eps, alphaBar);
    if (options.clipDenoised) {
      x0 = tf.clipByValue(x0, -1, 1);
      // ε̂ = (x_t − √ᾱ_t x̂_0) / √(1 − ᾱ_t)
      eps = tf.div(tf.sub(x, tf.mul(x0, Math.sqrt(alphaBar))), Math.sqrt(1 - alphaBar));
    }
    const sigma = ddimSigma(options.eta, alphaBar, alphaBarPrev);
    const direction = tf.mul(eps, Math.sqrt(Math.max(0, 1 - alphaBarPrev - sigma * sigma)));
    const mean = tf.add(tf.mul(x0, Math.sqrt(alphaBarPrev)), direction);
    if (sigma === 0) return mean;
    return tf.add(mean, tf.mul(seededNormalNoise(x.shape, rng.fork('step', t)), sigma));
  });
}
