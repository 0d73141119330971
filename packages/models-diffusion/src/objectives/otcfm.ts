import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { seededNormalNoise } from '@ouroboros/nn';
import { flowLogLikelihood } from '../likelihood/flow-likelihood.ts';
import { exactOtPairing } from '../ot/ot-pairing.ts';
import { standardNoise, type InitialNoise } from '../samplers/initial-noise.ts';
import { dopri5 } from '../samplers/dopri5.ts';
import { fixedStepSolve } from '../samplers/flow-ode.ts';
import type { StepProgress, VelocityField } from '../samplers/sampler-types.ts';
import type { ConditionedNetwork, Objective } from './objective.ts';
import { perRow } from './tensor-helpers.ts';

export interface OtcfmSettings {
  sigma: number;                                  // σ of the Gaussian path around the straight line (0 in the paper)
  coupling: 'exact-ot' | 'independent';           // minibatch OT pairing (OT-CFM) or none (I-CFM)
  sampler: 'euler' | 'heun' | 'dopri5';
  steps: number;                                  // euler / heun steps
  rtol: number;                                   // dopri5 tolerances (sampling and likelihood)
  atol: number;
  clip: boolean;                                  // clip samples to [-1, 1] (images)
  likelihood: 'none' | 'hutchinson' | 'exact-trace';
  probes: number;                                 // Hutchinson probe vectors per sample
}

/**
 * Conditional flow matching with minibatch optimal transport (OT-CFM; Tong et al. 2024, torchcfm's
 * ExactOptimalTransportConditionalFlowMatcher): noise x_0 ~ N(0, I) is paired with the data batch x_1 by
 * the exact OT plan, t ~ U[0, 1], x_t = t x_1 + (1 − t) x_0 + σ ε, and the network (conditioned on t)
 * regresses the conditional velocity u_t = x_1 − x_0 (Tong et al. eqs. 14-15). Samples solve
 * dx/dt = v(x, t) from t = 0 to 1.
 */
export class OtcfmObjective implements Objective {
  readonly family = 'otcfm';
  readonly architecture: Record<string, unknown> = {};
  readonly likelihood?: 'estimate';
  readonly logLikelihood?: (net: ConditionedNetwork, x: tf.Tensor, rng: Rng, onStep?: StepProgress) => Promise<Float64Array>;

  constructor(readonly settings: OtcfmSettings) {
    if (settings.likelihood !== 'none') {
      this.likelihood = 'estimate';
      const { rtol, atol, probes } = settings;
      const trace = settings.likelihood === 'hutchinson' ? 'hutchinson' : 'exact';
      this.logLikelihood = (net, x, rng, onStep) => flowLogLikelihood(this.velocity(net), x, rng, { trace, probes, rtol, atol, onStep });
    }
  }

  /** x_0 reordered so that row j is the noise paired with data row j (the identity for independent coupling). */
  pairedNoise(x1: tf.Tensor, rng: Rng): tf.Tensor {
    const noise = seededNormalNoise(x1.shape, rng);
    if (this.settings.coupling === 'independent') return noise;
    try {
      const sourceOf = exactOtPairing(noise, x1);
      return tf.tidy(() => tf.gather(noise, tf.tensor1d(sourceOf, 'int32')));
    } finally {
      noise.dispose();
    }
  }

  loss(net: ConditionedNetwork, x1: tf.Tensor, rng: Rng): tf.Scalar {
    const rows = x1.shape[0]!;
    const t = Float32Array.from(rng.fork('t').uniforms(rows));
    const x0 = this.pairedNoise(x1, rng.fork('x_0'));
    try {
      return tf.tidy(() => {
        const tRows = perRow(t, x1.rank);
        // x_t = t x_1 + (1 − t) x_0 + σ ε;  u_t = x_1 − x_0
        let xt = tf.add(tf.mul(x1, tRows), tf.mul(x0, tf.sub(1, tRows)));
        if (this.settings.sigma > 0) xt = tf.add(xt, tf.mul(seededNormalNoise(x1.shape, rng.fork('path')), this.settings.sigma));
        return tf.mean(tf.squaredDifference(net(xt, tf.tensor1d(t)), tf.sub(x1, x0))) as tf.Scalar;
      });
    } finally {
      x0.dispose();
    }
  }

  /** v(x, t) = F(x, t) with the same t for every row. */
  velocity(net: ConditionedNetwork): VelocityField {
    return (x, t) => net(x, tf.fill([x.shape[0]!], t) as tf.Tensor1D);
  }

  async sample(net: ConditionedNetwork, shape: number[], rng: Rng, onStep?: StepProgress, noise: InitialNoise = standardNoise): Promise<tf.Tensor> {
    const { sampler, steps, rtol, atol, clip } = this.settings;
    const x0 = noise(shape, rng.fork('x_0'));
    let x1: tf.Tensor;
    try {
      x1 = sampler === 'dopri5' ? (await dopri5(this.velocity(net), x0, 0, 1, { rtol, atol, onStep })).x : await fixedStepSolve(this.velocity(net), x0, 0, 1, steps, sampler, onStep);
    } finally {
      x0.dispose();
    }
    if (!clip) return x1;
    const clipped = tf.clipByValue(x1, -1, 1);
    x1.dispose();
    return clipped;
  }
}
