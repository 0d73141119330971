import * as tf from '@tensorflow/tfjs';

/**
 * A non-trainable variable holding `initial`, which it takes over: tf.variable keeps the tensor's
 * data but leaves the tensor itself registered, so it is disposed here (else one handle leaks per variable).
 */
export function ownedVariable(initial: tf.Tensor): tf.Variable {
  const variable = tf.variable(initial, false);
  initial.dispose();
  return variable;
}
