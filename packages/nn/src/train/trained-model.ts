import type * as tf from '@tensorflow/tfjs';
import type { GenerativeModel, RunContext, SampleOptions } from '@ouroboros/core';
import { TrainedNetwork } from './trained-network.ts';

export { MODEL_FILE, TRAINING_STATE_FILE, WEIGHTS_FILE, type Batch, type StepStats } from './trained-network.ts';

/**
 * The base of every generative model trained by gradient descent: a TrainedNetwork that samples. A
 * family overrides a few steps, as in torchcfm: `loss` (the objective), `sample`, and
 * `logLikelihood` when it has one.
 */
export abstract class TrainedModel extends TrainedNetwork implements GenerativeModel {
  abstract sample(n: number, ctx: RunContext, options?: SampleOptions): AsyncIterable<tf.Tensor>;
}

/** `model` with the state saved in `dir` restored (disposed and rethrown when that fails): the body of every `load`. */
export async function restored<M extends TrainedNetwork>(model: M, dir: string): Promise<M> {
  try {
    await model.restore(dir);
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}
