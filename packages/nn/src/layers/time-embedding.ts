import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { silu } from './activations.ts';
import { checkPositiveInt } from './checks.ts';
import { Dense } from './dense.ts';
import { Module } from './module.ts';
import { sinusoidalEmbedding } from './sinusoidal-embedding.ts';

export interface TimeEmbeddingOptions {
  hiddenFeatures?: number;   // width of the hidden layer (default outFeatures; ADM uses 4 × model channels for both)
  maxPeriod?: number;        // of the sinusoidal embedding (default 10000)
}

/**
 * The timestep embedding of DDPM/ADM denoisers: sinusoidal(t, dim) -> Dense -> SiLU -> Dense,
 * [n] -> [n, outFeatures]. Parameters: `hidden.{weight,bias}`, `out.{weight,bias}`.
 */
export class TimeEmbedding extends Module {
  readonly hidden: Dense;
  readonly out: Dense;
  readonly maxPeriod: number;

  constructor(
    readonly sinusoidalDim: number,
    readonly outFeatures: number,
    rng: Rng,
    options: TimeEmbeddingOptions = {},
  ) {
    super();
    checkPositiveInt('TimeEmbedding', 'sinusoidalDim', sinusoidalDim);
    checkPositiveInt('TimeEmbedding', 'outFeatures', outFeatures);
    const hiddenFeatures = checkPositiveInt('TimeEmbedding', 'hiddenFeatures', options.hiddenFeatures ?? outFeatures);
    this.maxPeriod = options.maxPeriod ?? 10000;
    this.hidden = this.child('hidden', new Dense(sinusoidalDim, hiddenFeatures, rng.fork('hidden')));
    this.out = this.child('out', new Dense(hiddenFeatures, outFeatures, rng.fork('out')));
  }

  // e = W₂ silu(W₁ sinusoidal(t) + b₁) + b₂
  apply(t: tf.Tensor1D): tf.Tensor2D {
    return tf.tidy(() => {
      const features = sinusoidalEmbedding(t, this.sinusoidalDim, this.maxPeriod);
      return this.out.apply(silu(this.hidden.apply(features))) as tf.Tensor2D;
    });
  }
}
