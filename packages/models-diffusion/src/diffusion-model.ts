import * as tf from '@tensorflow/tfjs';
import { stopPoint, type DataInfo, type LikelihoodKind, type Rng, type RunContext, type SampleOptions } from '@ouroboros/core';
import { TrainedModel, type Batch, type TrainingOptions } from '@ouroboros/nn';
import { negativelyGuided } from './negative-guidance.ts';
import type { DenoiserNetwork } from './networks/denoiser-network.ts';
import type { ConditionedNetwork, Objective } from './objectives/objective.ts';
import { standardNoise, truncatedNoise, type InitialNoise } from './samplers/initial-noise.ts';

export interface ConditioningOptions {
  /** Probability of training a row with the null label (classifier-free guidance needs it > 0). */
  labelDropout: number;
  /** Classifier-free guidance scale s: F = F(x, ∅) + s (F(x, y) − F(x, ∅)); 1 is plain conditional sampling. */
  guidance: number;
}

/** How sampling departs from the model's own distribution; with neither field set it does not. */
export interface SamplingBias {
  /** ψ of the truncation trick on the sampler's initial noise (unset: N(0, I)). */
  readonly truncation?: number;
  /** SIMS negative guidance away from a model trained on self-generated samples. */
  readonly negativeGuidance?: NegativeGuidance;
}

export interface NegativeGuidance {
  /** w in F + w (F − F_self); 0 leaves sampling as it is. */
  readonly weight: number;
  /** The self model for a sampling in `ctx` (the caller disposes it), or null when there is none yet (generation 0 with the previous generation's model). */
  readonly selfModel: (ctx: RunContext) => Promise<DiffusionModel | null>;
}

/**
 * A diffusion or flow model: an Objective (DDPM, EDM, OT-CFM) x a DenoiserNetwork (MLP, U-Net), trained
 * by the `nn` loop (Adam, warm-up, clipping, EMA, checkpoints) and sampled with the EMA weights when
 * EMA is on. Class-conditional when the network has classes: rows are trained with the null label with
 * probability `labelDropout`, and sampling applies classifier-free guidance (Ho & Salimans 2021).
 * Sampling without labels, and the likelihood, use the null label (the unconditional model).
 */
export class DiffusionModel extends TrainedModel {
  readonly family: string;
  readonly architecture: Record<string, unknown>;
  readonly conditional: boolean;
  readonly samplesFrom = true;
  readonly likelihood?: LikelihoodKind;
  readonly logLikelihood?: (x: tf.Tensor, ctx: RunContext) => Promise<Float64Array>;

  constructor(
    data: DataInfo,
    readonly objective: Objective,
    readonly network: DenoiserNetwork,
    training: TrainingOptions,
    readonly conditioning: ConditioningOptions,
    /** Samples per sampler batch. */
    readonly sampleBatch: number,
    readonly bias: SamplingBias = {},
  ) {
    super(data, network, training);
    this.family = objective.family;
    this.architecture = { ...network.architecture, ...objective.architecture };
    this.conditional = network.classes > 0;
    if (objective.logLikelihood) {
      const logLikelihood = objective.logLikelihood.bind(objective);
      this.likelihood = objective.likelihood;
      this.logLikelihood = async (x, ctx) => {
        const stop = stopPoint(ctx.signal);
        return this.withSamplingWeights(() =>
          logLikelihood(this.guided(null), x, ctx.rng.fork('likelihood'), (done, total) => {
            ctx.progress(done / total, 'likelihood');
            return stop();
          }),
        );
      };
    }
  }

  loss(batch: Batch, rng: Rng): tf.Scalar {
    const labels = this.conditional && batch.labels ? this.droppedLabels(batch.labels, rng.fork('label-dropout')) : null;
    const dropout = rng.fork('dropout');
    const net: ConditionedNetwork = (x, c) => this.network.apply(x, c, labels, dropout);
    return this.objective.loss(net, batch.x, rng.fork('objective'));
  }

  /** The batch's labels with each replaced by the null label (= classes) with probability labelDropout. */
  private droppedLabels(labels: tf.Tensor1D, rng: Rng): tf.Tensor1D {
    const values = Int32Array.from(labels.dataSync());
    const classes = this.network.classes;
    for (let i = 0; i < values.length; i++) {
      if (values[i]! < 0 || values[i]! >= classes) throw new RangeError(`diffusion: training label ${values[i]} is outside the dataset's ${classes} classes`);
      if (rng.uniform() < this.conditioning.labelDropout) values[i] = classes;
    }
    return tf.tensor1d(values, 'int32');
  }

  /** F(x, c) for sampling: with labels and guidance s ≠ 1, F(x, ∅) + s (F(x, y) − F(x, ∅)) in one call on [x; x]. */
  private guided(labels: tf.Tensor1D | null): ConditionedNetwork {
    const scale = this.conditioning.guidance;
    if (labels === null || scale === 1) return (x, c) => this.network.apply(x, c, labels, null);
    return (x, c) =>
      tf.tidy(() => {
        const rows = x.shape[0]!;
        const both = this.network.apply(tf.concat([x, x]), tf.concat([c, c]) as tf.Tensor1D, tf.concat([labels, tf.fill([rows], this.network.classes, 'int32')]) as tf.Tensor1D, null);
        const [conditional, unconditional] = tf.split(both, 2);
        return tf.add(unconditional!, tf.mul(tf.sub(conditional!, unconditional!), scale));
      });
  }

  /** The self model of negative guidance for this sampling, or null when there is none or its weight is 0. */
  private async selfModel(ctx: RunContext): Promise<DiffusionModel | null> {
    const guidance = this.bias.negativeGuidance;
    if (!guidance || guidance.weight === 0) return null;
    const self = await guidance.selfModel(ctx);
    if (self && (self.family !== this.family || JSON.stringify(self.architecture) !== JSON.stringify(this.architecture))) {
      self.dispose();
      throw new RangeError(`diffusion: the self model of negative guidance is a ${self.family} with ${JSON.stringify(self.architecture)}; expected the sampled model's family and architecture (${this.family}, ${JSON.stringify(this.architecture)})`);
    }
    return self;
  }

  /**
   * Batches of `sampleBatch`, each from its own fork of ctx.rng (so `from` skips whole batches); the
   * sampler yields to the event loop between its steps and stops there once ctx.signal is aborted.
   * Sampling bias, when set: truncated initial noise, negative guidance by a self model loaded for this call.
   */
  async *sample(n: number, ctx: RunContext, options: SampleOptions = {}): AsyncIterable<tf.Tensor> {
    if (options.labels && options.labels.length !== n) throw new RangeError(`diffusion: sample(${n}) got ${options.labels.length} labels; expected one per sample`);
    if (options.labels?.some((label) => label < 0 || label >= this.network.classes) && this.conditional) throw new RangeError(`diffusion: sampling labels must be in 0 … ${this.network.classes - 1}`);
    const noise: InitialNoise = this.bias.truncation === undefined ? standardNoise : truncatedNoise(this.bias.truncation);
    const self = await this.selfModel(ctx);
    try {
      yield* this.sampleBatches(n, ctx, options, noise, self);
    } finally {
      self?.dispose();
    }
  }

  private async *sampleBatches(n: number, ctx: RunContext, options: SampleOptions, noise: InitialNoise, self: DiffusionModel | null): AsyncIterable<tf.Tensor> {
    const stop = stopPoint(ctx.signal);
    for (let start = options.from ?? 0; start < n; start += this.sampleBatch) {
      const rows = Math.min(this.sampleBatch, n - start);
      const labels = this.conditional && options.labels ? tf.tensor1d(options.labels.subarray(start, start + rows), 'int32') : null;
      const onStep = (done: number, total: number) => {
        ctx.progress((start + (rows * done) / total) / n, `samples ${start + 1}-${start + rows} of ${n}: ${Math.round((100 * done) / total)}%`);
        return stop();
      };
      const net = self ? negativelyGuided(this.guided(labels), self.guided(labels), this.bias.negativeGuidance!.weight) : this.guided(labels);
      const draw = () => this.objective.sample(net, [rows, ...this.data.sampleShape], ctx.rng.fork('batch', start), onStep, noise);
      let batch: tf.Tensor;
      try {
        batch = await this.withSamplingWeights(() => (self ? self.withSamplingWeights(draw) : draw()));
      } finally {
        labels?.dispose();
      }
      yield batch;
    }
  }
}
