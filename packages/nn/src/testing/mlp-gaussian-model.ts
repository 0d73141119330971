import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { sampleSize, type DataInfo, type ModelPlugin, type Rng, type RunContext, type SampleOptions } from '@ouroboros/core';
import { diagonalGaussianLogDensity } from '../density/gaussian-log-density.ts';
import { Mlp } from '../layers/mlp.ts';
import { seededNormalNoise } from '../random/normal-noise.ts';
import { trainedModelOptions, trainedModelPlugin } from '../model-kit/trained-model-plugin.ts';
import { TrainedModel, type Batch } from '../train/trained-model.ts';
import type { TrainingOptions } from '../train/training-options.ts';

const options = trainedModelOptions(1024, { hidden: z.int().positive().default(16) });
type MlpGaussianOptions = z.infer<typeof options>;

/**
 * The kit's own trained model: a diagonal Gaussian whose mean and log-std are the output of a small
 * MLP of a constant input, fitted by maximum likelihood with the nn training loop. Exact likelihood,
 * a real optimizer, EMA and checkpoints, and small enough for tests.
 */
export class MlpGaussianModel extends TrainedModel {
  readonly family = 'test-mlp-gaussian';
  readonly likelihood = 'exact' as const;
  readonly architecture: Record<string, unknown>;
  private readonly dims: number;

  constructor(data: DataInfo, hidden: number, training: TrainingOptions, rng: Rng, readonly sampleBatch = 1024) {
    const dims = sampleSize(data);
    super(data, new Mlp([1, hidden, 2 * dims], rng, { activation: 'tanh' }), training, true);
    this.dims = dims;
    this.architecture = { hidden, dims };
  }

  /** [mu, log sigma], each [1, D]. */
  private parameters(): [tf.Tensor, tf.Tensor] {
    const out = (this.net as Mlp).apply(tf.ones([1, 1]));
    const [mu, logSigma] = tf.split(out, 2, 1) as [tf.Tensor, tf.Tensor];
    return [mu, logSigma.clipByValue(-7, 5)];
  }

  private logDensity(x: tf.Tensor): tf.Tensor1D {
    const [mu, logSigma] = this.parameters();
    return diagonalGaussianLogDensity(x.reshape([-1, this.dims]), mu, logSigma);
  }

  loss(batch: Batch): tf.Scalar {
    return this.logDensity(batch.x).mean().neg() as tf.Scalar;
  }

  /** Each batch of `sampleBatch` from its own fork of ctx.rng, so `from` skips whole batches. */
  readonly samplesFrom = true;

  async *sample(n: number, ctx: RunContext, options: SampleOptions = {}): AsyncIterable<tf.Tensor> {
    for (let start = options.from ?? 0; start < n; start += this.sampleBatch) {
      const rows = Math.min(this.sampleBatch, n - start);
      const rng = ctx.rng.fork('batch', start);
      yield this.withSamplingWeights(() =>
        tf.tidy(() => {
          const [mu, logSigma] = this.parameters();
          const eps = seededNormalNoise([rows, this.dims], rng);
          return eps.mul(logSigma.exp()).add(mu).reshape([rows, ...this.data.sampleShape]);
        }),
      );
    }
  }

  async logLikelihood(x: tf.Tensor): Promise<Float64Array> {
    const ll = this.withSamplingWeights(() => tf.tidy(() => this.logDensity(x)));
    try {
      return Float64Array.from(await ll.data());
    } finally {
      ll.dispose();
    }
  }
}

/** `test-mlp-gaussian`: the MlpGaussianModel as a plugin, for engine and conformance tests. */
export const mlpGaussianModelPlugin: ModelPlugin<MlpGaussianOptions> = trainedModelPlugin({
  id: 'test-mlp-gaussian',
  description: 'diagonal Gaussian parametrised by a small MLP, trained with Adam (tests only)',
  options,
  build: ({ hidden, sampleBatch }, training, env) => new MlpGaussianModel(env.data, hidden, training, env.rng, sampleBatch),
});
