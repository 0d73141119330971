import * as tf from '@tensorflow/tfjs';
import { FlowLayer, type FlowResult } from './flow-layer.ts';

/**
 * Squeeze (Dinh et al. 2017, section 3.6): each 2x2 block of an NHWC image becomes one position
 * with 4x the channels, [b, h, w, c] -> [b, h/2, w/2, 4c], channel index (dy·2 + dx)·c + k. A
 * permutation, so log |det J| = 0. Height and width must be even.
 */
export class Squeeze extends FlowLayer {
  forward(x: tf.Tensor): FlowResult {
    const [b, h, w, c] = x.shape as [number, number, number, number];
    if (x.rank !== 4 || h % 2 !== 0 || w % 2 !== 0) throw new RangeError(`Squeeze: input must be NHWC with even height and width, got shape [${x.shape.join(', ')}]`);
    return tf.tidy(() => ({
      y: x.reshape([b, h / 2, 2, w / 2, 2, c]).transpose([0, 1, 3, 2, 4, 5]).reshape([b, h / 2, w / 2, 4 * c]),
      logDet: tf.zeros([b]) as tf.Tensor1D,
    }));
  }

  inverse(y: tf.Tensor): tf.Tensor {
    const [b, h, w, c4] = y.shape as [number, number, number, number];
    if (y.rank !== 4 || c4 % 4 !== 0) throw new RangeError(`Squeeze: inverse input must be NHWC with channels divisible by 4, got shape [${y.shape.join(', ')}]`);
    return tf.tidy(() => y.reshape([b, h, w, 2, 2, c4 / 4]).transpose([0, 1, 3, 2, 4, 5]).reshape([b, 2 * h, 2 * w, c4 / 4]));
  }
}
