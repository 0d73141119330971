import * as tf from '@tensorflow/tfjs';
import { Dense, Module } from '@ouroboros/nn';
import type { Rng } from '@ouroboros/core';

/**
 * A network F(x, c, y) that an objective turns into a noise predictor, a denoiser or a velocity:
 * x [b, ...sampleShape] in model space, c [b] the noise-level conditioning the objective chooses
 * (DDPM's timestep, EDM's ln(σ)/4, flow time t), y [b] int32 class labels in 0 … classes, where
 * `classes` itself is the null label of classifier-free guidance. Output: the shape of x.
 */
export abstract class DenoiserNetwork extends Module {
  /** Number of real classes; 0 for an unconditional network (labels are then ignored). */
  abstract readonly classes: number;
  /** What rebuilds this network, for model.json. */
  abstract readonly architecture: Record<string, unknown>;
  /** `dropout`: the rng of this training step's dropout masks; null when not training. */
  abstract apply(x: tf.Tensor, c: tf.Tensor1D, labels: tf.Tensor1D | null, dropout: Rng | null): tf.Tensor;
}

/**
 * A learned embedding of class labels 0 … classes (the last one the null label) as a bias-free Dense
 * layer on one-hot rows: the same as an embedding table, with a gradient that wasm has (a gather's
 * gradient, UnsortedSegmentSum, is missing there). Parameter: `weight` [classes + 1, features].
 */
export class ClassEmbedding extends Module {
  private readonly table: Dense;

  constructor(
    readonly classes: number,
    readonly features: number,
    rng: Rng,
  ) {
    super();
    this.table = this.child('table', new Dense(classes + 1, features, rng, { bias: false }));
  }

  // e_y = onehot(y) W
  apply(labels: tf.Tensor1D | null, rows: number): tf.Tensor2D {
    return tf.tidy(() => this.table.apply(tf.oneHot(labelsOrNull(labels, rows, this.classes), this.classes + 1)) as tf.Tensor2D);
  }
}

/** `labels` as int32, or the null label `classes` for every one of `rows` rows when none are given. */
export function labelsOrNull(labels: tf.Tensor1D | null, rows: number, classes: number): tf.Tensor1D {
  return labels ? (tf.cast(labels, 'int32') as tf.Tensor1D) : (tf.fill([rows], classes, 'int32') as tf.Tensor1D);
}
