import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { checkNonNegative, checkOneOf, checkPositiveInt } from './checks.ts';

/**
 * Parameter initialisers. Each returns a fresh float32 tensor, drawing in row-major order from
 * the Rng it is given (and nothing else), so one seed and key path give one set of weights.
 * Weight shapes put the output axis last: dense [in, out], conv [kh, kw, in, out].
 */

export type Shape = readonly number[];

function checkShape(owner: string, shape: Shape): number[] {
  shape.forEach((n, i) => checkPositiveInt(owner, `shape[${i}]`, n));
  return [...shape];
}

function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

// w = 0
export function zeros(shape: Shape): tf.Tensor {
  return tf.zeros(checkShape('zeros', shape), 'float32');
}

// w ~ U(-bound, bound)
export function uniformInit(shape: Shape, bound: number, rng: Rng): tf.Tensor {
  const dims = checkShape('uniformInit', shape);
  checkNonNegative('uniformInit', 'bound', bound);
  return tf.tensor(Float32Array.from(rng.uniforms(sizeOf(dims), -bound, bound)), dims, 'float32');
}

// w ~ N(0, std²)
export function normalInit(shape: Shape, std: number, rng: Rng): tf.Tensor {
  const dims = checkShape('normalInit', shape);
  checkNonNegative('normalInit', 'std', std);
  const values = rng.normals(sizeOf(dims));
  return tf.tensor(Float32Array.from(values, (z) => z * std), dims, 'float32');
}

function checkWeightShape(owner: string, shape: Shape): void {
  if (shape.length < 2) throw new RangeError(`${owner}: a weight shape needs at least 2 axes ([in, out] or [kh, kw, in, out]), got [${shape.join(', ')}]`);
}

// fan_in = ∏ shape[:-1]: inputs feeding one output unit (in, or kh·kw·in)
export function fanIn(shape: Shape): number {
  checkWeightShape('fanIn', shape);
  return sizeOf(shape.slice(0, -1));
}

// fan_out = ∏ shape[:-2] · shape[-1]: outputs fed by one input unit (out, or kh·kw·out)
export function fanOut(shape: Shape): number {
  checkWeightShape('fanOut', shape);
  return sizeOf(shape.slice(0, -2)) * shape[shape.length - 1]!;
}

// w ~ U(-b, b), b = gain·sqrt(3 / fan_in), gain = sqrt(2 / (1 + a²)); a = √5 gives b = 1/sqrt(fan_in), PyTorch's Linear/Conv default (He et al. 2015)
export function kaimingUniform(shape: Shape, rng: Rng, a = Math.sqrt(5)): tf.Tensor {
  const gain = Math.sqrt(2 / (1 + a * a));
  return uniformInit(shape, gain * Math.sqrt(3 / fanIn(shape)), rng);
}

// b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's Linear/Conv bias default
export function torchBiasInit(size: number, fanInOfWeight: number, rng: Rng): tf.Tensor {
  checkPositiveInt('torchBiasInit', 'fanInOfWeight', fanInOfWeight);
  return uniformInit([size], 1 / Math.sqrt(fanInOfWeight), rng);
}

// w ~ U(-b, b), b = gain·sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010)
export function xavierUniform(shape: Shape, rng: Rng, gain = 1): tf.Tensor {
  checkNonNegative('xavierUniform', 'gain', gain);
  return uniformInit(shape, gain * Math.sqrt(6 / (fanIn(shape) + fanOut(shape))), rng);
}

/**
 * How a Dense or Conv2d layer starts:
 * - `torch`: PyTorch's default, weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in));
 * - `xavier`: weight xavierUniform, bias 0;
 * - `zero`: weight and bias 0 (the last layer of Glow couplings and of diffusion U-Net blocks,
 *   so the block starts as the identity or a constant).
 */
export type WeightInit = 'torch' | 'xavier' | 'zero';
export const weightInits: readonly WeightInit[] = ['torch', 'xavier', 'zero'];

/** A Dense or Conv2d weight of `weightShape` under `init`, drawn from `rng.fork('weight')`. */
export function initWeight(owner: string, init: WeightInit, weightShape: Shape, rng: Rng): tf.Tensor {
  checkOneOf(owner, 'init', init, weightInits);
  switch (init) {
    case 'torch':
      return kaimingUniform(weightShape, rng.fork('weight'));
    case 'xavier':
      return xavierUniform(weightShape, rng.fork('weight'));
    case 'zero':
      return zeros(weightShape);
  }
}

/** The bias (one per output unit, the last axis of `weightShape`) under `init`, drawn from `rng.fork('bias')`. */
export function initBias(owner: string, init: WeightInit, weightShape: Shape, rng: Rng): tf.Tensor {
  checkOneOf(owner, 'init', init, weightInits);
  const outputs = weightShape[weightShape.length - 1]!;
  return init === 'torch' ? torchBiasInit(outputs, fanIn(weightShape), rng.fork('bias')) : zeros([outputs]);
}
