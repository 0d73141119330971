import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { Module, normalNoise, standardNormalLogDensity } from '@ouroboros/nn';
import type { DensityFlow } from '../density-flow.ts';
import { initializeInOrder } from '../layers/initialize-in-order.ts';
import { GlowLevel } from './glow-level.ts';

/** What builds a Glow network (written to model.json and checked on load). */
export type GlowArchitecture = {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly levels: number;
  /** Flow steps per level. */
  readonly steps: number;
  /** Channels of the coupling networks' hidden layers. */
  readonly hidden: number;
};

/** An image's latents: what each level factored out (levels 0..L-2), then the top latent. */
export interface GlowEncoding {
  readonly latents: tf.Tensor[];
  /** [batch] Σ log |det J| over all steps plus Σ log p(factored) of the learned split priors. */
  readonly logDet: tf.Tensor1D;
}

/**
 * Glow (Kingma & Dhariwal 2018) for NHWC images in model space: `levels` levels of squeeze and
 * `steps` x (actnorm, invertible 1x1 conv, affine coupling), a split with a learned prior after
 * every level but the last, and a standard normal prior on the top latent.
 * Parameters: `levels.<l>.*`.
 */
export class GlowFlow extends Module implements DensityFlow {
  private readonly levels: GlowLevel[] = [];

  constructor(
    readonly architecture: GlowArchitecture,
    rng: Rng,
  ) {
    super();
    const { channels, levels, steps, hidden } = architecture;
    let c = channels;
    for (let l = 0; l < levels; l++) {
      const level = this.child(`levels.${l}`, new GlowLevel(c, steps, hidden, l < levels - 1, rng.fork('level', l)));
      this.levels.push(level);
      c = level.outChannels;
    }
  }

  /** Shapes of the latents of one image, in the order of GlowEncoding.latents. */
  latentShapes(): number[][] {
    const { height, width, channels, levels } = this.architecture;
    const shapes: number[][] = [];
    let c = channels;
    for (let l = 0; l < levels; l++) {
      const [h, w] = [height >> (l + 1), width >> (l + 1)];
      c = 4 * c;
      if (l < levels - 1) c = c / 2;
      shapes.push([h, w, c]);
    }
    return shapes;
  }

  encode(x: tf.Tensor): GlowEncoding {
    return tf.tidy(() => {
      const latents: tf.Tensor[] = [];
      let h = x;
      let logDet: tf.Tensor1D = tf.zeros([x.shape[0]!]);
      for (const level of this.levels) {
        const out = level.encode(h);
        if (out.factored) latents.push(out.factored);
        logDet = logDet.add(out.logDet);
        h = out.h;
      }
      latents.push(h);
      return { latents, logDet };
    });
  }

  /** The image of `latents` (as `encode` returns them). */
  decode(latents: readonly tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let h = latents[latents.length - 1]!;
      for (let l = this.levels.length - 1; l >= 0; l--) h = this.levels[l]!.decode(h, this.levels[l]!.hasSplit ? latents[l]! : null);
      return h;
    });
  }

  // log p(x) = log N(z_top; 0, I) + Σ_levels log p(z_l | h_l) + Σ_steps log |det J|
  logProb(x: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const { latents, logDet } = this.encode(x);
      return standardNormalLogDensity(latents[latents.length - 1]!).add(logDet) as tf.Tensor1D;
    });
  }

  // z_top = T · ε, then per level down: z_l = μ(h) + σ(h) · T · ε, h = level⁻¹([h, z_l])
  generate(n: number, temperature: number, rng: Rng): tf.Tensor {
    return tf.tidy(() => {
      const shapes = this.latentShapes();
      let h = normalNoise([n, ...shapes[shapes.length - 1]!], rng.fork('top')).mul(temperature);
      for (let l = this.levels.length - 1; l >= 0; l--) {
        const level = this.levels[l]!;
        const factored = level.hasSplit ? level.sampleFactored(h, normalNoise([n, ...shapes[l]!], rng.fork('level', l)), temperature) : null;
        h = level.decode(h, factored);
      }
      return h;
    });
  }

  /** Initialises each level's actnorms on the output of the levels before it. */
  initialize(x: tf.Tensor): boolean {
    return initializeInOrder(x, this.levels, (level, h) => level.initialize(h), (level, h) => level.encode(h).h);
  }
}
