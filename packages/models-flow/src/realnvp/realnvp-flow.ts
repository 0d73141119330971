import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { Mlp, Module, normalNoise, standardNormalLogDensity, type ActivationName } from '@ouroboros/nn';
import type { DensityFlow } from '../density-flow.ts';
import { ActNorm } from '../layers/actnorm.ts';
import { AffineCoupling } from '../layers/affine-coupling.ts';
import { FlowSequence } from '../layers/flow-sequence.ts';
import type { FlowLayer } from '../layers/flow-layer.ts';

/** What builds a RealNVP network (written to model.json and checked on load). */
export type RealNvpArchitecture = {
  /** Values per sample D (samples are flattened). */
  readonly dims: number;
  readonly couplings: number;
  readonly hidden: number;
  /** Hidden layers of each coupling's MLP. */
  readonly depth: number;
  readonly actnorm: boolean;
  readonly activation: ActivationName;
};

/**
 * RealNVP for vectors (Dinh et al. 2017): affine couplings whose masks alternate between the
 * first ⌈D/2⌉ coordinates and the rest (for D = 2: x₀ conditions x₁, then x₁ conditions x₀), each
 * conditioned by an MLP kept -> hidden (x depth) -> 2·moving with a zero-initialised last layer,
 * optionally an actnorm before each coupling; base N(0, I). Parameters: `layers.<k>.<param>`.
 */
export class RealNvpFlow extends Module implements DensityFlow {
  private readonly body: FlowSequence;

  constructor(
    readonly architecture: RealNvpArchitecture,
    private readonly sampleShape: readonly number[],
    rng: Rng,
  ) {
    super();
    const { dims, couplings, hidden, depth, actnorm, activation } = architecture;
    const split = Math.ceil(dims / 2);
    const layers: FlowLayer[] = [];
    for (let k = 0; k < couplings; k++) {
      if (actnorm) layers.push(new ActNorm(dims));
      const kept = k % 2 === 0 ? 'first' : 'second';
      const keptSize = kept === 'first' ? split : dims - split;
      const sizes = [keptSize, ...new Array<number>(depth).fill(hidden), 2 * (dims - keptSize)];
      layers.push(new AffineCoupling(dims, split, kept, new Mlp(sizes, rng.fork('coupling', k), { activation, zeroInitLast: true })));
    }
    this.body = this.child('layers', new FlowSequence(layers));
  }

  /** z = f(x) [b, D] and log |det ∂f/∂x| for x [b, ...sampleShape]. */
  encode(x: tf.Tensor): { z: tf.Tensor; logDet: tf.Tensor1D } {
    return tf.tidy(() => {
      const { y, logDet } = this.body.forward(x.reshape([x.shape[0]!, this.architecture.dims]));
      return { z: y, logDet };
    });
  }

  /** x = f⁻¹(z) [b, ...sampleShape] for z [b, D]. */
  decode(z: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.body.inverse(z).reshape([z.shape[0]!, ...this.sampleShape]));
  }

  // log p(x) = log N(f(x); 0, I) + log |det ∂f/∂x|
  logProb(x: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => {
      const { z, logDet } = this.encode(x);
      return standardNormalLogDensity(z).add(logDet) as tf.Tensor1D;
    });
  }

  // x = f⁻¹(T · ε), ε ~ N(0, I)
  generate(n: number, temperature: number, rng: Rng): tf.Tensor {
    return tf.tidy(() => this.decode(normalNoise([n, this.architecture.dims], rng).mul(temperature)));
  }

  initialize(x: tf.Tensor): boolean {
    const flat = x.reshape([x.shape[0]!, this.architecture.dims]);
    try {
      return this.body.initialize(flat);
    } finally {
      flat.dispose();
    }
  }
}
