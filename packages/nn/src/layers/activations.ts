import * as tf from '@tensorflow/tfjs';
import { checkOneOf } from './checks.ts';

// silu(x) = x · σ(x) (Hendrycks & Gimpel 2016; Elfwing et al. 2018); tfjs-core has no silu/swish op
export function silu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
}

// relu(x) = max(x, 0)
export function relu(x: tf.Tensor): tf.Tensor {
  return tf.relu(x);
}

// tanh(x)
export function tanh(x: tf.Tensor): tf.Tensor {
  return tf.tanh(x);
}

export type ActivationName = 'relu' | 'silu' | 'tanh';
export const activationNames: readonly ActivationName[] = ['relu', 'silu', 'tanh'];

const byName: Record<ActivationName, (x: tf.Tensor) => tf.Tensor> = { relu, silu, tanh };

/** The activation function called `name`; `owner` prefixes the error for an unknown name. */
export function activation(name: ActivationName, owner = 'activation'): (x: tf.Tensor) => tf.Tensor {
  return byName[checkOneOf(owner, 'activation', name, activationNames)];
}
