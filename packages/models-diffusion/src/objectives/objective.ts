import type * as tf from '@tensorflow/tfjs';
import type { LikelihoodKind, Rng } from '@ouroboros/core';
import type { InitialNoise } from '../samplers/initial-noise.ts';
import type { StepProgress } from '../samplers/sampler-types.ts';

/**
 * The network as an objective sees it: F(x, c) with the batch's class labels (and, while training,
 * its dropout rng) already bound. x [b, ...sampleShape], c [b] the conditioning input the objective
 * chooses; returns the shape of x.
 */
export type ConditionedNetwork = (x: tf.Tensor, c: tf.Tensor1D) => tf.Tensor;

/**
 * One diffusion family's math, apart from any network or training loop (torchcfm's and EDM's split):
 * what to train the network to output, how to sample with it, and its likelihood when it has one.
 * Every tensor argument is model space; every returned tensor is new.
 */
export interface Objective {
  /** The family id written to model.json (`ddpm`, `edm`, `otcfm`). */
  readonly family: string;
  /** Settings that change what the trained network means (checked when a saved model is loaded). */
  readonly architecture: Record<string, unknown>;
  readonly likelihood?: LikelihoodKind;
  /** The training loss on clean samples x0: a scalar, the mean over elements. */
  loss(net: ConditionedNetwork, x0: tf.Tensor, rng: Rng): tf.Scalar;
  /** Samples of `shape` ([rows, ...sampleShape]) drawn with the network from `noise` (N(0, I) unless given); `onStep` is awaited after each step. */
  sample(net: ConditionedNetwork, shape: number[], rng: Rng, onStep?: StepProgress, noise?: InitialNoise): Promise<tf.Tensor>;
  /** log p(x) in nats per row of x (a lower bound or an estimate, as `likelihood` says); `onStep` is awaited after each step. */
  logLikelihood?(net: ConditionedNetwork, x: tf.Tensor, rng: Rng, onStep?: StepProgress): Promise<Float64Array>;
}
