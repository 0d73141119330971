import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { checkDivisible, checkLastAxis, checkPositiveInt } from './checks.ts';
import { Dense } from './dense.ts';
import { GroupNorm } from './group-norm.ts';
import { Module } from './module.ts';

export interface SelfAttention2dOptions {
  groups?: number;            // of the GroupNorm (default 32, as ADM's normalization())
  eps?: number;               // of the GroupNorm (default 1e-5; DDPM's Normalize uses 1e-6)
  zeroInitOutput?: boolean;   // the output projection starts at zero, so the block starts as the identity (DDPM, ADM) (default false)
}

/**
 * Multi-head self-attention over the h·w positions of an NHWC feature map, with a residual
 * connection, as the attention blocks of DDPM (Ho et al. 2020) and ADM (Dhariwal & Nichol 2021):
 * x + proj(attention(qkv(norm(x)))). The 1×1 projections are Dense layers on the channel axis.
 * qkv's 3c outputs are [q | k | v], each split into `heads` contiguous slices of d = c / heads.
 * Parameters: `norm.{weight,bias}`, `qkv.weight` [c, 3c], `qkv.bias`, `proj.weight` [c, c], `proj.bias`.
 */
export class SelfAttention2d extends Module {
  readonly norm: GroupNorm;
  readonly qkv: Dense;
  readonly proj: Dense;
  readonly headDim: number;

  constructor(
    readonly channels: number,
    readonly heads: number,
    rng: Rng,
    options: SelfAttention2dOptions = {},
  ) {
    super();
    checkPositiveInt('SelfAttention2d', 'channels', channels);
    checkPositiveInt('SelfAttention2d', 'heads', heads);
    checkDivisible('SelfAttention2d', 'channels', channels, 'heads', heads);
    this.headDim = channels / heads;
    const groups = options.groups ?? 32;
    checkPositiveInt('SelfAttention2d', 'groups', groups);
    checkDivisible('SelfAttention2d', 'channels', channels, 'groups', groups);
    this.norm = this.child('norm', new GroupNorm(groups, channels, { eps: options.eps }));
    this.qkv = this.child('qkv', new Dense(channels, 3 * channels, rng.fork('qkv')));
    this.proj = this.child('proj', new Dense(channels, channels, rng.fork('proj'), { init: options.zeroInitOutput ? 'zero' : 'torch' }));
  }

  // y = x + proj(concat_h softmax(Q_h K_hᵀ / sqrt(d)) V_h), [Q | K | V] = qkv(norm(x)) over the h·w positions
  apply(x: tf.Tensor): tf.Tensor4D {
    if (x.rank !== 4) throw new RangeError(`SelfAttention2d: input must be NHWC [batch, height, width, ${this.channels}], got shape [${x.shape.join(', ')}]`);
    checkLastAxis('SelfAttention2d', x.shape, this.channels, 'channels');
    const [batch, height, width] = x.shape as [number, number, number, number];
    const positions = height * width;
    return tf.tidy(() => {
      const qkv = this.qkv.apply(tf.reshape(this.norm.apply(x), [batch, positions, this.channels]));
      // [b, hw, 3·heads, d] -> [b, 3·heads, hw, d] -> q, k, v of [b, heads, hw, d]
      const perHead = tf.transpose(tf.reshape(qkv, [batch, positions, 3 * this.heads, this.headDim]), [0, 2, 1, 3]);
      const [q, k, v] = tf.split(perHead, 3, 1) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(this.headDim)) as tf.Tensor4D, k, false, true);
      const attended = tf.matMul(tf.softmax(scores) as tf.Tensor4D, v);
      const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [batch, positions, this.channels]);
      return tf.add(x, tf.reshape(this.proj.apply(merged), x.shape)) as tf.Tensor4D;
    });
  }
}
