import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { activation, type ActivationName } from './activations.ts';
import { checkLastAxis, checkPositiveInt } from './checks.ts';
import { mlpOp } from './mlp-op.ts';
import { Dense } from './dense.ts';
import type { WeightInit } from './init.ts';
import { Module } from './module.ts';

export interface MlpOptions {
  activation?: ActivationName;   // between layers, not after the last (default 'relu')
  zeroInitLast?: boolean;        // last layer starts at zero, so the net outputs 0 (Glow/RealNVP couplings) (default false)
  init?: WeightInit;             // every other layer (default 'torch')
}

/**
 * Dense layers sizes[0] -> sizes[1] -> … -> sizes[L], the activation after every layer but the
 * last, run as one op with its own gradient where the backend allows (mlp-op.ts). Parameters:
 * `layers.<i>.weight` [sizes[i], sizes[i+1]], `layers.<i>.bias`.
 */
export class Mlp extends Module {
  readonly layers: readonly Dense[];
  private readonly activationName: ActivationName;
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(
    readonly sizes: readonly number[],
    rng: Rng,
    options: MlpOptions = {},
  ) {
    super();
    if (sizes.length < 2) throw new RangeError(`Mlp: sizes must list at least 2 widths (input and output), got [${sizes.join(', ')}]`);
    sizes.forEach((n, i) => checkPositiveInt('Mlp', `sizes[${i}]`, n));
    this.activationName = options.activation ?? 'relu';
    this.act = activation(this.activationName, 'Mlp');
    const last = sizes.length - 2;
    this.layers = sizes.slice(0, -1).map((inFeatures, i) => {
      const init = i === last && options.zeroInitLast ? 'zero' : (options.init ?? 'torch');
      return this.child(`layers.${i}`, new Dense(inFeatures, sizes[i + 1]!, rng.fork('layers', i), { init }));
    });
  }

  // h₀ = x, h_{i+1} = act(h_i W_i + b_i), output h_L W_L + b_L without act
  apply(x: tf.Tensor): tf.Tensor {
    const op = mlpOp(this.activationName);
    if (!op) return this.layerByLayer(x);
    const [inFeatures, outFeatures] = [this.sizes[0]!, this.sizes[this.sizes.length - 1]!];
    checkLastAxis('Mlp', x.shape, inFeatures, 'features');
    const params = this.layers.flatMap((layer) => [layer.weight, layer.bias!]);
    // rows as they come: a reshape costs a kernel, a clone and a tape node each way
    if (x.rank === 2) return op(x, ...params);
    return tf.tidy(() => op(tf.reshape(x, [-1, inFeatures]), ...params).reshape([...x.shape.slice(0, -1), outFeatures]));
  }

  /** The same function through each Dense layer and tfjs's autodiff (the reference the fused op is tested against). */
  layerByLayer(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      this.layers.reduce((h, layer, i) => (i < this.layers.length - 1 ? this.act(layer.apply(h)) : layer.apply(h)), x),
    );
  }
}
