import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { Conv2d, Module, diagonalGaussianLogDensity } from '@ouroboros/nn';
import { checkFeatures } from './shape-checks.ts';

/** The two halves of a split: what continues through the flow and what leaves it. */
export interface SplitResult {
  readonly kept: tf.Tensor;
  readonly factored: tf.Tensor;
  /** [batch] log p(factored | kept) under the learned prior. */
  readonly logProb: tf.Tensor1D;
}

/**
 * The multi-scale split with a learned prior (Dinh et al. 2017, section 3.6; Glow's split2d): half
 * of the channels leave the flow at this scale and are modelled as
 *   z_factored ~ N(μ, diag(σ²)),  [μ, log σ] = conv3x3(z_kept)   (zero-initialised: N(0, I) at first),
 * the other half continue to the next level. Parameters: `prior.weight`, `prior.bias`.
 */
export class SplitPrior extends Module {
  private readonly net: Conv2d;

  constructor(
    readonly channels: number,
    rng: Rng,
  ) {
    super();
    if (channels % 2 !== 0) throw new RangeError(`SplitPrior: channels must be even, got ${channels}`);
    this.net = this.child('prior', new Conv2d(channels / 2, channels, 3, rng, { init: 'zero' }));
  }

  /** [μ, log σ] of the factored half given the kept half. */
  private prior(kept: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return tf.split(this.net.apply(kept), 2, -1) as [tf.Tensor, tf.Tensor];
  }

  split(x: tf.Tensor): SplitResult {
    checkFeatures('SplitPrior', x, this.channels);
    return tf.tidy(() => {
      const [kept, factored] = tf.split(x, 2, -1) as [tf.Tensor, tf.Tensor];
      const [mean, logStd] = this.prior(kept);
      return { kept, factored, logProb: diagonalGaussianLogDensity(factored, mean, logStd) };
    });
  }

  /** The inverse of `split`: the full tensor from the kept half and the factored half. */
  merge(kept: tf.Tensor, factored: tf.Tensor): tf.Tensor {
    return tf.concat([kept, factored], -1);
  }

  // z_factored = μ + σ · T · ε, ε ~ N(0, I) given as `noise` [b, h, w, C/2]
  sampleFactored(kept: tf.Tensor, noise: tf.Tensor, temperature: number): tf.Tensor {
    return tf.tidy(() => {
      const [mean, logStd] = this.prior(kept);
      return mean.add(logStd.exp().mul(noise).mul(temperature));
    });
  }
}
