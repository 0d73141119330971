import * as tf from '@tensorflow/tfjs';
import { checkDivisible, checkLastAxis, checkNonNegative, checkPositiveInt } from './checks.ts';
import { Module } from './module.ts';

export interface GroupNormOptions {
  eps?: number;       // added to the variance (default 1e-5, as torch.nn.GroupNorm)
  affine?: boolean;   // learn a per-channel scale `weight` (ones) and shift `bias` (zeros) (default true)
}

/**
 * Group normalization (Wu & He 2018) on channels-last input [b, ..., c]: NHWC images [b, h, w, c]
 * or vectors [b, c]. Each sample's channels are split into `groups` contiguous groups and
 * normalised by the mean and biased variance over the group's channels and every spatial
 * position, as torch.nn.GroupNorm does for NCHW.
 */
export class GroupNorm extends Module {
  readonly eps: number;
  readonly weight: tf.Variable | null;
  readonly bias: tf.Variable | null;

  constructor(
    readonly groups: number,
    readonly channels: number,
    options: GroupNormOptions = {},
  ) {
    super();
    checkPositiveInt('GroupNorm', 'groups', groups);
    checkPositiveInt('GroupNorm', 'channels', channels);
    checkDivisible('GroupNorm', 'channels', channels, 'groups', groups);
    this.eps = checkNonNegative('GroupNorm', 'eps', options.eps ?? 1e-5);
    const affine = options.affine ?? true;
    this.weight = affine ? this.param('weight', tf.ones([channels], 'float32')) : null;
    this.bias = affine ? this.param('bias', tf.zeros([channels], 'float32')) : null;
  }

  // y = (x − μ_g) / sqrt(σ²_g + eps) · weight + bias, μ_g and σ²_g (biased) over (spatial, c/groups) of each sample and group
  apply(x: tf.Tensor): tf.Tensor {
    if (x.rank < 2) throw new RangeError(`GroupNorm: input must be [batch, ..., ${this.channels}], got shape [${x.shape.join(', ')}]`);
    checkLastAxis('GroupNorm', x.shape, this.channels, 'channels');
    return tf.tidy(() => {
      const grouped = tf.reshape(x, [x.shape[0]!, -1, this.groups, this.channels / this.groups]);
      const mean = tf.mean(grouped, [1, 3], true);
      const centred = tf.sub(grouped, mean);
      const variance = tf.mean(tf.square(centred), [1, 3], true);
      const normalised = tf.reshape(tf.mul(centred, tf.rsqrt(tf.add(variance, this.eps))), x.shape);
      return this.weight && this.bias ? tf.add(tf.mul(normalised, this.weight), this.bias) : normalised;
    });
  }
}
