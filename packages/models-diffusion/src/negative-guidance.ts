import * as tf from '@tensorflow/tfjs';
import type { ConditionedNetwork } from './objectives/objective.ts';

/**
 * SIMS negative guidance (Alemohammad et al. 2024, eq. 2 in ε form): F(x, c) + w (F(x, c) − F_self(x, c)),
 * where F_self is a model trained on self-generated samples; w = 0 is F alone.
 */
export function negativelyGuided(base: ConditionedNetwork, self: ConditionedNetwork, weight: number): ConditionedNetwork {
  return (x, c) =>
    tf.tidy(() => {
      const own = base(x, c);
      return tf.add(own, tf.mul(tf.sub(own, self(x, c)), weight));
    });
}
