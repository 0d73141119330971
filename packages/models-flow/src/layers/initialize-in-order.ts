import * as tf from '@tensorflow/tfjs';

/**
 * Data-dependent initialisation of a stack: each part is initialised on the batch as the parts
 * before it (already initialised) transform it. Returns whether any part changed a weight.
 */
export function initializeInOrder<P>(x: tf.Tensor, parts: readonly P[], initialize: (part: P, h: tf.Tensor) => boolean, forward: (part: P, h: tf.Tensor) => tf.Tensor): boolean {
  let changed = false;
  let h = x.clone();
  for (const part of parts) {
    changed = initialize(part, h) || changed;
    const next = tf.tidy(() => forward(part, h));
    h.dispose();
    h = next;
  }
  h.dispose();
  return changed;
}
