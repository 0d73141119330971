import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { seededNormalNoise } from '@ouroboros/nn';
import { ddpmBound, type BoundOptions } from '../likelihood/ddpm-bound.ts';
import { standardNoise, type InitialNoise } from '../samplers/initial-noise.ts';
import { ancestralSample } from '../samplers/ancestral.ts';
import { ddimSample } from '../samplers/ddim.ts';
import type { NoisePredictor, StepProgress } from '../samplers/sampler-types.ts';
import { DdpmSchedule, type BetaScheduleName, type ReverseVariance } from '../schedules/ddpm-schedule.ts';
import type { ConditionedNetwork, Objective } from './objective.ts';
import { perRow } from './tensor-helpers.ts';

export interface DdpmSettings {
  timesteps: number;              // T
  schedule: BetaScheduleName;
  betaStart: number;              // β of the first and last step (linear schedule)
  betaEnd: number;
  variance: ReverseVariance;      // σ_t² of the reverse process (ancestral sampling, the bound)
  sampler: 'ancestral' | 'ddim';
  steps: number;                  // DDIM steps
  eta: number;                    // DDIM η
  clipDenoised: boolean;          // clip x̂_0 to the data range [-1, 1] while sampling (images)
  boundTimesteps: number | null;  // terms of the variational bound evaluated (null: all T)
  discrete: boolean;              // 8-bit data: the bound's decoder is discretized
}

/**
 * DDPM (Ho et al. 2020): ε-prediction with the simple loss E_{t, x_0, ε} ‖ε − ε̂(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖²,
 * t ~ U{0 … T − 1}; the network's conditioning is the timestep index t itself. Samples with the
 * ancestral sampler or DDIM; its likelihood is the variational bound.
 */
export class DdpmObjective implements Objective {
  readonly family = 'ddpm';
  readonly likelihood = 'bound' as const;
  readonly schedule: DdpmSchedule;
  readonly architecture: Record<string, unknown>;

  constructor(readonly settings: DdpmSettings) {
    this.schedule = DdpmSchedule.named(settings.schedule, settings.timesteps, settings.betaStart, settings.betaEnd);
    const { timesteps, schedule, betaStart, betaEnd } = settings;
    this.architecture = { timesteps, schedule, ...(schedule === 'linear' ? { betaStart, betaEnd } : {}) };
  }

  // x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε, one t per row   (q(x_t | x_0), Ho et al. eq. 4)
  noisy(x0: tf.Tensor, t: ArrayLike<number>, eps: tf.Tensor): tf.Tensor {
    const alphaBar = Array.from(t, (ti) => this.schedule.alphasCumprod[ti]!);
    return tf.tidy(() =>
      tf.add(tf.mul(x0, perRow(alphaBar.map(Math.sqrt), x0.rank)), tf.mul(eps, perRow(alphaBar.map((a) => Math.sqrt(1 - a)), x0.rank))),
    );
  }

  loss(net: ConditionedNetwork, x0: tf.Tensor, rng: Rng): tf.Scalar {
    const rows = x0.shape[0]!;
    const timeRng = rng.fork('t');
    const t = Int32Array.from({ length: rows }, () => timeRng.int(this.schedule.timesteps));
    return tf.tidy(() => {
      const eps = seededNormalNoise(x0.shape, rng.fork('noise'));
      const predicted = net(this.noisy(x0, t, eps), tf.tensor1d(t, 'float32'));
      return tf.mean(tf.squaredDifference(predicted, eps)) as tf.Scalar;
    });
  }

  /** ε̂(x, t) = F(x, t) with the same t for every row. */
  predictor(net: ConditionedNetwork): NoisePredictor {
    return (x, t) => net(x, tf.fill([x.shape[0]!], t) as tf.Tensor1D);
  }

  async sample(net: ConditionedNetwork, shape: number[], rng: Rng, onStep?: StepProgress, noise: InitialNoise = standardNoise): Promise<tf.Tensor> {
    const { sampler, variance, clipDenoised, steps, eta } = this.settings;
    const xT = noise(shape, rng.fork('x_T'));
    try {
      return await (sampler === 'ancestral'
        ? ancestralSample(this.predictor(net), this.schedule, xT, rng.fork('ancestral'), { variance, clipDenoised, onStep })
        : ddimSample(this.predictor(net), this.schedule, xT, rng.fork('ddim'), { steps, eta, clipDenoised, onStep }));
    } finally {
      xT.dispose();
    }
  }

  logLikelihood(net: ConditionedNetwork, x: tf.Tensor, rng: Rng, onStep?: StepProgress): Promise<Float64Array> {
    const { variance, clipDenoised, boundTimesteps, discrete } = this.settings;
    const options: BoundOptions = { variance, clipDenoised, terms: boundTimesteps, discrete, onStep };
    return ddpmBound(this.predictor(net), this.schedule, x, rng, options);
  }
}
