import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { seededNormalNoise } from '@ouroboros/nn';

/** A sampler's starting noise of `shape` (x_T, EDM's latents, OT-CFM's x_0), drawn from `rng`. */
export type InitialNoise = (shape: readonly number[], rng: Rng) => tf.Tensor;

/** N(0, I), drawn by the backend: every sampler's start unless sampling is truncated. */
export const standardNoise: InitialNoise = seededNormalNoise;

/**
 * The truncation trick (Brock et al. 2019): each value from N(0, 1) conditioned on |z| ≤ ψ, drawn
 * from `rng` by rejection: a normal proposal for ψ ≥ 1, else a uniform one on [−ψ, ψ] kept with
 * probability exp(−z²/2); either accepts at least 60% of proposals.
 */
export function truncatedNoise(psi: number): InitialNoise {
  if (!(psi > 0)) throw new RangeError(`truncation ψ must be > 0; got ${psi}`);
  const draw = psi >= 1 ? (rng: Rng) => truncatedByNormal(psi, rng) : (rng: Rng) => truncatedByUniform(psi, rng);
  return (shape, rng) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = draw(rng);
    return tf.tensor(values, [...shape], 'float32');
  };
}

function truncatedByNormal(psi: number, rng: Rng): number {
  for (;;) {
    const z = rng.normal();
    if (Math.abs(z) <= psi) return z;
  }
}

// accept z ~ U(−ψ, ψ) with probability φ(z)/φ(0) = exp(−z²/2)
function truncatedByUniform(psi: number, rng: Rng): number {
  for (;;) {
    const z = psi * (2 * rng.uniform() - 1);
    if (rng.uniform() < Math.exp(-0.5 * z * z)) return z;
  }
}
