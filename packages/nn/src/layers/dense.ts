import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { checkLastAxis, checkPositiveInt } from './checks.ts';
import { initBias, initWeight, type WeightInit } from './init.ts';
import { Module } from './module.ts';

export interface DenseOptions {
  bias?: boolean;      // add a learned bias (default true)
  init?: WeightInit;   // 'torch' (default), 'xavier' or 'zero'
}

/**
 * y = x W + b for x of shape [..., in], like torch.nn.Linear but with W stored [in, out], so the
 * product is the untransposed matMul that is fast on wasm. Parameters: `weight` [in, out], `bias` [out].
 */
export class Dense extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    rng: Rng,
    options: DenseOptions = {},
  ) {
    super();
    checkPositiveInt('Dense', 'inFeatures', inFeatures);
    checkPositiveInt('Dense', 'outFeatures', outFeatures);
    const init = options.init ?? 'torch';
    const shape = [inFeatures, outFeatures];
    this.weight = this.param('weight', initWeight('Dense', init, shape, rng));
    this.bias = options.bias ?? true ? this.param('bias', initBias('Dense', init, shape, rng)) : null;
  }

  // y = x W + b
  apply(x: tf.Tensor): tf.Tensor {
    checkLastAxis('Dense', x.shape, this.inFeatures, 'features');
    return tf.tidy(() => {
      const rows = tf.reshape(x, [-1, this.inFeatures]) as tf.Tensor2D;
      const product = tf.matMul(rows, this.weight as tf.Tensor2D);
      const y = this.bias ? tf.add(product, this.bias) : product;
      return tf.reshape(y, [...x.shape.slice(0, -1), this.outFeatures]);
    });
  }
}
