import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { Conv2d, Module } from '@ouroboros/nn';

/**
 * Glow's coupling network NN() (Kingma & Dhariwal 2018, section 3.3): conv3x3 -> ReLU -> conv1x1 ->
 * ReLU -> conv3x3, the last zero-initialised so each coupling starts as the identity. NHWC,
 * [b, h, w, in] -> [b, h, w, out]. Parameters: `in.*`, `mid.*`, `out.*`.
 */
export class CouplingConvNet extends Module {
  private readonly first: Conv2d;
  private readonly middle: Conv2d;
  private readonly last: Conv2d;

  constructor(inChannels: number, hidden: number, outChannels: number, rng: Rng) {
    super();
    this.first = this.child('in', new Conv2d(inChannels, hidden, 3, rng.fork('in')));
    this.middle = this.child('mid', new Conv2d(hidden, hidden, 1, rng.fork('mid')));
    this.last = this.child('out', new Conv2d(hidden, outChannels, 3, rng.fork('out'), { init: 'zero' }));
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.last.apply(tf.relu(this.middle.apply(tf.relu(this.first.apply(x))))));
  }
}
