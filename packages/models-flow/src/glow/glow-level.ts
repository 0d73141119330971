import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { Module } from '@ouroboros/nn';
import { ActNorm } from '../layers/actnorm.ts';
import { AffineCoupling } from '../layers/affine-coupling.ts';
import { FlowSequence } from '../layers/flow-sequence.ts';
import type { FlowLayer } from '../layers/flow-layer.ts';
import { InvertibleConv1x1 } from '../layers/invertible-conv1x1.ts';
import { SplitPrior } from '../layers/split-prior.ts';
import { Squeeze } from '../layers/squeeze.ts';
import { CouplingConvNet } from './coupling-conv-net.ts';

/** What one level passes on, and what it factors out. */
export type LevelOutput = {
  /** The input of the next level (or the top latent). */
  readonly h: tf.Tensor;
  /** [batch] log |det J| of this level's steps plus log p(factored | h) of its split. */
  readonly logDet: tf.Tensor1D;
  /** The latent this level's split factors out (none at the last level). */
  readonly factored?: tf.Tensor;
};

/**
 * One scale of Glow's multi-scale architecture (Kingma & Dhariwal 2018, figure 2): squeeze, then
 * `steps` flow steps (actnorm, invertible 1x1 convolution, affine coupling), then, except at the
 * last level, a split that factors half the channels out under a learned prior.
 * Parameters: `flow.<k>.*` (k = 0 is the squeeze), `split.prior.*`.
 */
export class GlowLevel extends Module {
  readonly outChannels: number;
  private readonly flow: FlowSequence;
  private readonly split: SplitPrior | null;

  constructor(inChannels: number, steps: number, hidden: number, hasSplit: boolean, rng: Rng) {
    super();
    const c = 4 * inChannels;
    const half = c / 2;
    const layers: FlowLayer[] = [new Squeeze()];
    for (let k = 0; k < steps; k++) {
      const step = rng.fork('step', k);
      layers.push(new ActNorm(c), new InvertibleConv1x1(c, step.fork('conv1x1')), new AffineCoupling(c, half, 'first', new CouplingConvNet(half, hidden, c, step.fork('coupling'))));
    }
    this.flow = this.child('flow', new FlowSequence(layers));
    this.split = hasSplit ? this.child('split', new SplitPrior(c, rng.fork('split'))) : null;
    this.outChannels = hasSplit ? half : c;
  }

  encode(x: tf.Tensor): LevelOutput {
    return tf.tidy(() => {
      const { y, logDet } = this.flow.forward(x);
      if (!this.split) return { h: y, logDet };
      const { kept, factored, logProb } = this.split.split(y);
      return { h: kept, logDet: logDet.add(logProb) as tf.Tensor1D, factored };
    });
  }

  /** The level's input from its output `h` and the latent its split factored out. */
  decode(h: tf.Tensor, factored: tf.Tensor | null): tf.Tensor {
    return tf.tidy(() => this.flow.inverse(this.split ? this.split.merge(h, factored!) : h));
  }

  /** The factored latent for the output `h`: μ + σ · T · ε from the split's prior. */
  sampleFactored(h: tf.Tensor, noise: tf.Tensor, temperature: number): tf.Tensor {
    return this.split!.sampleFactored(h, noise, temperature);
  }

  get hasSplit(): boolean {
    return this.split !== null;
  }

  initialize(x: tf.Tensor): boolean {
    return this.flow.initialize(x);
  }
}
