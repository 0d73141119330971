import type * as tf from '@tensorflow/tfjs';
import { Module } from '@ouroboros/nn';

/** A bijection's output and the log-determinant of its Jacobian, per sample. */
export interface FlowResult {
  /** f(x), in the direction data -> latent. */
  readonly y: tf.Tensor;
  /** [batch] log |det ∂f/∂x| of each sample. */
  readonly logDet: tf.Tensor1D;
}

/**
 * One invertible layer of a normalizing flow (Dinh et al. 2017; Kingma & Dhariwal 2018): `forward`
 * maps data towards the latent and gives log |det J|, `inverse` undoes it exactly.
 */
export abstract class FlowLayer extends Module {
  abstract forward(x: tf.Tensor): FlowResult;
  abstract inverse(y: tf.Tensor): tf.Tensor;

  /**
   * Data-dependent initialisation from the batch `x` reaching this layer (actnorm, Kingma &
   * Dhariwal 2018 section 3.1); returns whether any weight changed. Most layers have none.
   */
  initialize(_x: tf.Tensor): boolean {
    return false;
  }
}
