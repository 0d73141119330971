import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { checkLastAxis, checkPositiveInt } from './checks.ts';
import { initBias, initWeight, type WeightInit } from './init.ts';
import { Module } from './module.ts';

/**
 * `same`: output size ceil(size / stride), tfjs/TensorFlow padding (any odd padding goes to the
 * bottom/right); `valid`: no padding; a number p: p zeros on every side, as torch.nn.Conv2d's
 * padding=p (for stride 2, `1` matches PyTorch/DDPM downsampling, `same` does not).
 */
export type Conv2dPadding = 'same' | 'valid' | number;

export interface Conv2dOptions {
  stride?: number;            // step between windows, both axes (default 1)
  padding?: Conv2dPadding;    // default 'same'
  bias?: boolean;             // add a learned bias (default true)
  init?: WeightInit;          // 'torch' (default), 'xavier' or 'zero'
}

/**
 * 2-D convolution on NHWC images, like torch.nn.Conv2d. Parameters: `weight` [kh, kw, in, out]
 * (the tfjs layout), `bias` [out]. Runs tf.conv2d and a separate bias add: fused conv ops have no
 * filter gradient on wasm.
 */
export class Conv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;
  readonly kernelSize: readonly [number, number];
  readonly stride: number;
  readonly padding: Conv2dPadding;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly [number, number],
    rng: Rng,
    options: Conv2dOptions = {},
  ) {
    super();
    checkPositiveInt('Conv2d', 'inChannels', inChannels);
    checkPositiveInt('Conv2d', 'outChannels', outChannels);
    const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    checkPositiveInt('Conv2d', 'kernelSize (height)', kh);
    checkPositiveInt('Conv2d', 'kernelSize (width)', kw);
    this.kernelSize = [kh, kw];
    this.stride = checkPositiveInt('Conv2d', 'stride', options.stride ?? 1);
    this.padding = checkPadding(options.padding ?? 'same');
    const init = options.init ?? 'torch';
    const shape = [kh, kw, inChannels, outChannels];
    this.weight = this.param('weight', initWeight('Conv2d', init, shape, rng));
    this.bias = options.bias ?? true ? this.param('bias', initBias('Conv2d', init, shape, rng)) : null;
  }

  // y[b, i, j, o] = Σ_{di, dj, c} x[b, s·i + di − pad, s·j + dj − pad, c] · W[di, dj, c, o] + bias[o]
  apply(x: tf.Tensor): tf.Tensor4D {
    if (x.rank !== 4) throw new RangeError(`Conv2d: input must be NHWC [batch, height, width, ${this.inChannels}], got shape [${x.shape.join(', ')}]`);
    checkLastAxis('Conv2d', x.shape, this.inChannels, 'channels');
    return tf.tidy(() => {
      const y = tf.conv2d(x as tf.Tensor4D, this.weight as tf.Tensor4D, this.stride, this.padding);
      return this.bias ? tf.add(y, this.bias) : y;
    });
  }
}

function checkPadding(padding: Conv2dPadding): Conv2dPadding {
  if (padding === 'same' || padding === 'valid' || (Number.isInteger(padding) && (padding as number) >= 0)) return padding;
  throw new RangeError(`Conv2d: padding must be 'same', 'valid' or an integer >= 0, got ${JSON.stringify(padding)}`);
}
