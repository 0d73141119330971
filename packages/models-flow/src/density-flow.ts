import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import type { Module } from '@ouroboros/nn';

/** A normalizing flow as one network: its exact density, its sampler and its data-dependent initialisation. */
export interface DensityFlow extends Module {
  /** log p(x) in nats of each sample of `x` [b, ...sampleShape] (model space): log p_Z(f(x)) + log |det ∂f/∂x|. */
  logProb(x: tf.Tensor): tf.Tensor1D;
  /** `n` samples x = f⁻¹(z), z drawn from the base distribution with its standard deviation times `temperature`, the noise from `rng`. */
  generate(n: number, temperature: number, rng: Rng): tf.Tensor;
  /** Data-dependent initialisation (actnorm) from a training batch; whether any weight changed. */
  initialize(x: tf.Tensor): boolean;
}
