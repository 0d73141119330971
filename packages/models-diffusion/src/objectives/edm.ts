import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { seededNormalNoise } from '@ouroboros/nn';
import { standardNoise, type InitialNoise } from '../samplers/initial-noise.ts';
import { edmSample } from '../samplers/edm-sampler.ts';
import type { Denoiser, StepProgress } from '../samplers/sampler-types.ts';
import type { ConditionedNetwork, Objective } from './objective.ts';
import { perRow } from './tensor-helpers.ts';

export interface EdmSettings {
  sigmaData: number;      // σ_data, the data's standard deviation the preconditioning assumes (0.5)
  pMean: number;          // ln σ ~ N(P_mean, P_std²) while training (-1.2, 1.2)
  pStd: number;
  sigmaMin: number;       // sampling noise levels (0.002 … 80)
  sigmaMax: number;
  rho: number;            // 7
  steps: number;          // 18 (CIFAR-10), 40 (FFHQ 64)
  sampler: 'heun' | 'euler';
}

/** EDM's preconditioning coefficients at noise level σ (Karras et al. 2022, table 1). */
export function edmPreconditioning(sigma: number, sigmaData: number): { skip: number; out: number; in: number; noise: number } {
  const total = sigma * sigma + sigmaData * sigmaData;
  return {
    skip: (sigmaData * sigmaData) / total,           // c_skip = σ_d² / (σ² + σ_d²)
    out: (sigma * sigmaData) / Math.sqrt(total),     // c_out = σ σ_d / √(σ² + σ_d²)
    in: 1 / Math.sqrt(total),                        // c_in = 1 / √(σ² + σ_d²)
    noise: Math.log(sigma) / 4,                      // c_noise = ¼ ln σ
  };
}

// λ(σ) = (σ² + σ_d²) / (σ σ_d)²   (Karras et al. 2022, table 1: the loss weight that makes the effective weight 1)
export function edmLossWeight(sigma: number, sigmaData: number): number {
  return (sigma * sigma + sigmaData * sigmaData) / (sigma * sigmaData) ** 2;
}

/**
 * EDM (Karras et al. 2022): the denoiser D(x; σ) = c_skip x + c_out F(c_in x, c_noise) trained with
 * E_{σ, y, n} λ(σ) ‖D(y + σ n; σ) − y‖², ln σ ~ N(P_mean, P_std²), sampled with the deterministic
 * Heun sampler over Karras et al.'s ρ-spaced noise levels (NVlabs/edm: training/networks.py EDMPrecond,
 * training/loss.py EDMLoss, generate.py edm_sampler).
 */
export class EdmObjective implements Objective {
  readonly family = 'edm';
  readonly architecture: Record<string, unknown>;

  constructor(readonly settings: EdmSettings) {
    this.architecture = { sigmaData: settings.sigmaData };
  }

  /** D(x; σ) with one σ per row. */
  denoise(net: ConditionedNetwork, x: tf.Tensor, sigmas: ArrayLike<number>): tf.Tensor {
    const c = Array.from(sigmas, (sigma) => edmPreconditioning(sigma, this.settings.sigmaData));
    return tf.tidy(() => {
      const F = net(tf.mul(x, perRow(c.map((ci) => ci.in), x.rank)), tf.tensor1d(c.map((ci) => ci.noise), 'float32'));
      return tf.add(tf.mul(x, perRow(c.map((ci) => ci.skip), x.rank)), tf.mul(F, perRow(c.map((ci) => ci.out), x.rank)));
    });
  }

  loss(net: ConditionedNetwork, y: tf.Tensor, rng: Rng): tf.Scalar {
    const { pMean, pStd, sigmaData } = this.settings;
    const rows = y.shape[0]!;
    const sigmaRng = rng.fork('sigma');
    const sigmas = Float64Array.from({ length: rows }, () => Math.exp(sigmaRng.normal() * pStd + pMean));
    return tf.tidy(() => {
      const noisy = tf.add(y, tf.mul(seededNormalNoise(y.shape, rng.fork('noise')), perRow(sigmas, y.rank)));
      const weight = perRow(Array.from(sigmas, (s) => edmLossWeight(s, sigmaData)), y.rank);
      return tf.mean(tf.mul(weight, tf.squaredDifference(this.denoise(net, noisy, sigmas), y))) as tf.Scalar;
    });
  }

  /** D(x; σ) with the same σ for every row. */
  denoiser(net: ConditionedNetwork): Denoiser {
    return (x, sigma) => this.denoise(net, x, new Float64Array(x.shape[0]!).fill(sigma));
  }

  async sample(net: ConditionedNetwork, shape: number[], rng: Rng, onStep?: StepProgress, noise: InitialNoise = standardNoise): Promise<tf.Tensor> {
    const { sigmaMin, sigmaMax, rho, steps, sampler } = this.settings;
    const latents = noise(shape, rng.fork('latents'));
    try {
      return await edmSample(this.denoiser(net), latents, { steps, sigmaMin, sigmaMax, rho, order: sampler === 'heun' ? 2 : 1, onStep });
    } finally {
      latents.dispose();
    }
  }
}
