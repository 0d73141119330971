import * as tf from '@tensorflow/tfjs';
import { concatFloat64, type LikelihoodGradients } from '@ouroboros/core';
import type { Module } from '@ouroboros/nn';

/**
 * grad_theta (1/n) sum_i log p_theta(x_i) over every variable of `net` (flattened in namedParameters
 * order) by tf.variableGrads, in float32: the variables are set to theta for the call and put back
 * after. `withWeights` swaps in the weights the model samples and scores with (its EMA).
 */
export function moduleLikelihoodGradients(
  net: Module,
  logProb: (x: tf.Tensor) => tf.Tensor1D,
  withWeights: <T>(fn: () => T) => T,
  sampleShape: readonly number[],
): LikelihoodGradients {
  const variables = net.namedParameters().map(([, v]) => v);
  const parameters = withWeights(() => concatFloat64(variables.map((v) => v.dataSync())));
  return {
    parameters,
    precision: 'float32',
    meanGradient: (theta, x, n) =>
      withWeights(async () => {
        if (theta.length !== parameters.length) throw new RangeError(`likelihood gradient: ${theta.length} parameters; expected ${parameters.length}`);
        const saved = variables.map((v) => v.clone());
        try {
          let offset = 0;
          for (const v of variables) {
            v.assign(tf.tensor(Float32Array.from(theta.subarray(offset, offset + v.size)), v.shape, 'float32'));
            offset += v.size;
          }
          const { value, grads } = tf.variableGrads(() => tf.tidy(() => logProb(tf.tensor(x, [n, ...sampleShape], 'float32')).mean() as tf.Scalar), variables);
          const values = await Promise.all(variables.map((v) => grads[v.name]!.data()));
          tf.dispose([value, ...Object.values(grads)]);
          return concatFloat64(values);
        } finally {
          variables.forEach((v, i) => v.assign(saved[i]!));
          tf.dispose(saved);
        }
      }),
  };
}
