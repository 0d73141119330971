import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { Conv2d, Dense, Module } from '@ouroboros/nn';

/** The classifier's shape: what the data decides (channels, classes) and what the options say (width, feature size). */
export interface SmallCnnShape {
  readonly channels: number;
  readonly classes: number;
  /** Channels of the first convolution; the others have 2x and 4x. */
  readonly width: number;
  /** Size of the penultimate layer: the length of the feature vector. */
  readonly featureDim: number;
}

/**
 * A small image classifier for FD-cnn features: conv3x3 (w) - conv3x3 stride 2 (2w) - conv3x3 (2w) -
 * conv3x3 stride 2 (4w), ReLU after each, global average pooling, a ReLU dense layer of `featureDim`
 * (the features) and a dense layer of class logits. Stride-2 convolutions pad 1 on each side as
 * PyTorch's, and no max pooling (its wasm gradient is wrong).
 */
export class SmallCnn extends Module {
  private readonly convs: Conv2d[];
  private readonly hidden: Dense;
  private readonly head: Dense;

  constructor(
    readonly shape: SmallCnnShape,
    rng: Rng,
  ) {
    super();
    const { channels, classes, width, featureDim } = shape;
    const specs: Array<[number, number, number]> = [
      [channels, width, 1],
      [width, 2 * width, 2],
      [2 * width, 2 * width, 1],
      [2 * width, 4 * width, 2],
    ];
    this.convs = specs.map(([cin, cout, stride], i) => this.child(`conv${i}`, new Conv2d(cin, cout, 3, rng.fork('conv', i), { stride, padding: 1 })));
    this.hidden = this.child('hidden', new Dense(4 * width, featureDim, rng.fork('hidden')));
    this.head = this.child('head', new Dense(featureDim, classes, rng.fork('head')));
  }

  /** Penultimate activations [n, featureDim] of images x [n, h, w, c] in model space ([-1, 1]). */
  features(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let y: tf.Tensor4D = x;
      for (const conv of this.convs) y = tf.relu(conv.apply(y));
      return tf.relu(this.hidden.apply(tf.mean(y, [1, 2]))) as tf.Tensor2D;
    });
  }

  /** Class logits [n, classes]. */
  logits(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.head.apply(this.features(x)) as tf.Tensor2D);
  }
}
