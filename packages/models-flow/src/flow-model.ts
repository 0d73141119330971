import * as tf from '@tensorflow/tfjs';
import { dataCodec, type DataInfo, type LikelihoodGradients, type RunContext } from '@ouroboros/core';
import { TrainedModel, type Batch, type TrainingOptions } from '@ouroboros/nn';
import { moduleLikelihoodGradients } from './flow-likelihood-gradients.ts';
import type { DensityFlow } from './density-flow.ts';

/** How a flow samples and evaluates, options every flow plugin shares. */
export interface FlowSampling {
  /** Standard deviation multiplier of the base noise when sampling (Kingma & Dhariwal 2018, section 5). */
  readonly temperature: number;
  /** Samples per batch when sampling and evaluating log-likelihoods; each batch draws its noise from its own fork. */
  readonly sampleBatch: number;
}

/**
 * A normalizing flow trained by maximum likelihood through the nn training loop: the loss is the
 * mean negative log-likelihood in model space, -(1/b) Σ log p(x_i) in nats per sample, on
 * uniformly dequantized batches for uint8 data. `logLikelihood` is exact, in model space: the nll
 * metric adds the codec's log-Jacobian (-D ln 127.5 for uint8) to get densities of the 8-bit data.
 */
export abstract class FlowModel extends TrainedModel {
  readonly likelihood = 'exact' as const;

  constructor(
    data: DataInfo,
    protected readonly flow: DensityFlow,
    training: TrainingOptions,
    readonly sampling: FlowSampling,
  ) {
    super(data, flow, training, dataCodec(data).discrete);
  }

  // L = -(1/b) Σ_i log p(x_i)
  loss(batch: Batch): tf.Scalar {
    return tf.tidy(() => this.flow.logProb(batch.x).mean().neg() as tf.Scalar);
  }

  protected override initializeFromData(batch: Batch): boolean {
    return this.flow.initialize(batch.x);
  }

  async *sample(n: number, ctx: RunContext): AsyncIterable<tf.Tensor> {
    const size = this.sampling.sampleBatch;
    for (let start = 0; start < n; start += size) {
      const rows = Math.min(size, n - start);
      const rng = ctx.rng.fork('batch', start);
      yield this.withSamplingWeights(() => tf.tidy(() => this.flow.generate(rows, this.sampling.temperature, rng)));
    }
  }

  /** Gradients of the mean log-likelihood in every weight of the flow (its EMA when it has one), for `ouro theory`. */
  likelihoodGradients(): LikelihoodGradients {
    return moduleLikelihoodGradients(this.net, (x) => this.flow.logProb(x), (fn) => this.withSamplingWeights(fn), this.data.sampleShape);
  }

  async logLikelihood(x: tf.Tensor): Promise<Float64Array> {
    const n = x.shape[0]!;
    const out = new Float64Array(n);
    const size = this.sampling.sampleBatch;
    await this.withSamplingWeights(async () => {
      for (let start = 0; start < n; start += size) {
        const rows = Math.min(size, n - start);
        const logProb = tf.tidy(() => this.flow.logProb(rows === n ? x : x.slice(start, rows)));
        try {
          out.set(await logProb.data(), start);
        } finally {
          logProb.dispose();
        }
      }
    });
    return out;
  }
}
