import * as tf from '@tensorflow/tfjs';
import type { Denoiser, StepProgress } from './sampler-types.ts';
import { stepwise } from './stepwise.ts';

export interface EdmSamplerOptions {
  steps: number;       // N noise levels σ_0 > … > σ_{N−1}, then σ_N = 0
  sigmaMin: number;
  sigmaMax: number;
  rho: number;         // 7 in EDM: the steps crowd towards σ_min
  order: 1 | 2;        // 1: Euler; 2: Heun's correction on every step but the last (EDM's algorithm 1)
  onStep?: StepProgress;
}

// σ_i = (σ_max^(1/ρ) + i/(N − 1) (σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ, i < N; σ_N = 0   (Karras et al. 2022, eq. 5)
export function karrasSigmas(steps: number, sigmaMin: number, sigmaMax: number, rho: number): Float64Array {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`edm sampler: steps must be a positive integer, got ${steps}`);
  if (!(sigmaMin > 0 && sigmaMax > sigmaMin)) throw new RangeError(`edm sampler: need 0 < sigmaMin < sigmaMax, got ${sigmaMin} and ${sigmaMax}`);
  const sigmas = new Float64Array(steps + 1);
  const [hi, lo] = [sigmaMax ** (1 / rho), sigmaMin ** (1 / rho)];
  for (let i = 0; i < steps; i++) sigmas[i] = (hi + (steps === 1 ? 0 : i / (steps - 1)) * (lo - hi)) ** rho;
  return sigmas;
}

/**
 * EDM's deterministic sampler (Karras et al. 2022, algorithm 1, S_churn = 0) of the probability-flow
 * ODE dx/dσ = (x − D(x, σ))/σ, from x_0 = σ_0 n, n the standard normal `noise`, to σ_N = 0.
 * Returns a new tensor.
 */
export async function edmSample(denoise: Denoiser, noise: tf.Tensor, options: EdmSamplerOptions): Promise<tf.Tensor> {
  const sigmas = karrasSigmas(options.steps, options.sigmaMin, options.sigmaMax, options.rho);
  const step = (x: tf.Tensor, i: number): tf.Tensor => {
    const [sigma, sigmaNext] = [sigmas[i]!, sigmas[i + 1]!];
    return tf.tidy(() => {
      // d = (x − D(x; σ))/σ; x' = x + (σ' − σ) d
      const d = tf.div(tf.sub(x, denoise(x, sigma)), sigma);
      const euler = tf.add(x, tf.mul(d, sigmaNext - sigma));
      if (options.order === 1 || sigmaNext === 0) return euler;
      // x' = x + (σ' − σ)(d + d')/2, d' = (x_euler − D(x_euler; σ'))/σ'
      const dNext = tf.div(tf.sub(euler, denoise(euler, sigmaNext)), sigmaNext);
      return tf.add(x, tf.mul(tf.add(d, dNext), (sigmaNext - sigma) / 2));
    });
  };
  return stepwise(tf.mul(noise, sigmas[0]!), options.steps, step, (i) => options.onStep?.(i + 1, options.steps));
}
