import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { seededNormalNoise } from '@ouroboros/nn';
import type { DdpmSchedule, ReverseVariance } from '../schedules/ddpm-schedule.ts';
import type { NoisePredictor, StepProgress } from './sampler-types.ts';
import { stepwise } from './stepwise.ts';

export interface AncestralOptions {
  variance: ReverseVariance;   // σ_t² of each reverse step
  clipDenoised: boolean;       // clip the x̂_0 estimate to [-1, 1] (images)
  onStep?: StepProgress;
}

// x̂_0 = (x_t − √(1 − ᾱ_t) ε̂) / √ᾱ_t
export function predictX0(x: tf.Tensor, eps: tf.Tensor, alphaBar: number): tf.Tensor {
  return tf.tidy(() => tf.div(tf.sub(x, tf.mul(eps, Math.sqrt(1 - alphaBar))), Math.sqrt(alphaBar)));
}

/**
 * DDPM's ancestral sampler (Ho et al. 2020, algorithm 2), from x_T (standard normal) down to x_0:
 * x_{t−1} = μ̃_t(x̂_0, x_t) + σ_t z, z ~ N(0, I), no noise on the last step. Returns a new tensor.
 */
export async function ancestralSample(predict: NoisePredictor, schedule: DdpmSchedule, xT: tf.Tensor, rng: Rng, options: AncestralOptions): Promise<tf.Tensor> {
  const T = schedule.timesteps;
  return stepwise(
    tf.clone(xT),
    T,
    (x, i) => {
      const t = T - 1 - i;
      return tf.tidy(() => {
        const x0 = predictX0(x, predict(x, t), schedule.alphasCumprod[t]!);
        const mean = tf.add(tf.mul(options.clipDenoised ? tf.clipByValue(x0, -1, 1) : x0, schedule.posteriorMeanCoef1[t]!), tf.mul(x, schedule.posteriorMeanCoef2[t]!));
        if (t === 0) return mean;
        const z = seededNormalNoise(x.shape, rng.fork('step', t));
        return tf.add(mean, tf.mul(z, Math.sqrt(schedule.reverseVariance(t, options.variance))));
      });
    },
    (i) => options.onStep?.(i + 1, T),
  );
}
