import * as tf from '@tensorflow/tfjs';
import type { DataInfo } from '@ouroboros/core';
import { TrainedNetwork, type Batch, type TrainingOptions } from '@ouroboros/nn';
import type { SmallCnn, SmallCnnShape } from './small-cnn.ts';

/** The small CNN as the nn training loop trains it: softmax cross-entropy of the labels. */
export class ClassifierNetwork extends TrainedNetwork {
  readonly family = 'classifier';
  readonly architecture: Record<string, unknown>;

  constructor(
    readonly cnn: SmallCnn,
    readonly shape: SmallCnnShape,
    data: DataInfo,
    training: TrainingOptions,
  ) {
    super(data, cnn, training);
    this.architecture = { ...shape };
  }

  // L = −(1/b) Σ_i log softmax(logits(x_i))_{y_i}
  loss(batch: Batch): tf.Scalar {
    if (!batch.labels) throw new Error('classifier: a training batch without labels');
    return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(batch.labels!, this.shape.classes), this.cnn.logits(batch.x as tf.Tensor4D)) as tf.Scalar);
  }
}
