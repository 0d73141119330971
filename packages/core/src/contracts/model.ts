import type * as tf from '@tensorflow/tfjs';
import type { DataInfo } from './dataset.ts';
import type { PluginDefinition } from './plugin.ts';
import type { RunContext } from './run-context.ts';
import type { Rng } from '../rng/rng.ts';
import type { TrainingSet } from '../store/training-set.ts';

/** How much training one fit gets; a model reads the fields it understands. */
export interface TrainBudget {
  /** Optimizer steps; 0 means no training. Wins over `epochs` when both are given. */
  readonly steps?: number;
  /** Passes over the training set (fractions allowed). */
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Save the full training state to `ctx.checkpointDir` this often, whichever comes first. */
  readonly checkpointEvery?: { readonly steps?: number; readonly minutes?: number };
}

export interface FitReport {
  /** Final training loss (mean over the last steps), if the model has one. */
  readonly trainLoss?: number;
  /** Steps taken in this fit. */
  readonly steps?: number;
}

/** `exact` (flows, Gaussians), a lower `bound` (diffusion ELBO, VAE), or a stochastic `estimate`. */
export type LikelihoodKind = 'exact' | 'bound' | 'estimate';

export interface SampleOptions {
  /** Class of each sample, for class-conditional models (length n). */
  readonly labels?: Int32Array;
  /**
   * Samples 0..from-1 are already kept (a stopped run going on); only given to a model whose
   * `samplesFrom` is true, and always a count this model yielded in whole batches before.
   */
  readonly from?: number;
}

/**
 * One model of one family. Its life: `create` or `load` -> `fit` (checks `ctx.signal` between
 * steps, checkpoints to `ctx.checkpointDir`, reports with `ctx.log`) -> `sample` ->
 * `logLikelihood` -> `save` (the complete training state) -> `dispose`.
 */
export interface GenerativeModel {
  fit(train: TrainingSet, budget: TrainBudget, ctx: RunContext): Promise<FitReport>;
  /** `n` samples in batches, shape [batch, ...sampleShape], in model space (see `dataCodec`). */
  sample(n: number, ctx: RunContext, options?: SampleOptions): AsyncIterable<tf.Tensor>;
  /** Whether `sample` uses `options.labels`. */
  readonly conditional?: boolean;
  /**
   * Whether `sample` honours `options.from`: it yields samples from..n-1 only, exactly those of a
   * call from 0 (each batch drawn from its own fork of `ctx.rng`). Otherwise it yields all n and
   * the engine drops the kept ones.
   */
  readonly samplesFrom?: boolean;
  readonly likelihood?: LikelihoodKind;
  /** log p(x) in nats of each row of `x` (model space, [batch, ...sampleShape]), in float64. */
  logLikelihood?(x: tf.Tensor, ctx: RunContext): Promise<Float64Array>;
  /** The log-likelihood's gradients in the model's parameters, for `ouro theory` (models with an exact likelihood). */
  likelihoodGradients?(): LikelihoodGradients;
  /** Writes everything needed to continue training bit for bit: weights, optimizer, EMA, step. */
  save(dir: string): Promise<void>;
  dispose(): void;
}

/**
 * theta -> mean over rows of grad_theta log p_theta(x): enough for Hessian-vector products by
 * finite differences of gradients, at parameters near the fitted ones (the model is left as it was).
 */
export interface LikelihoodGradients {
  /** The fitted parameters, flattened (the weights the model samples and scores with). */
  readonly parameters: Float64Array;
  /** Precision the gradients are computed in; it sets the finite-difference step. */
  readonly precision: 'float32' | 'float64';
  /** (1/n) sum_i grad_theta log p_theta(x_i) at `theta`, for n rows of `x` (flat, model space). */
  meanGradient(theta: Float64Array, x: Float32Array, n: number): Promise<Float64Array>;
}

export interface ModelEnv {
  readonly data: DataInfo;
  /** For initial weights; forked from the seed by generation. */
  readonly rng: Rng;
}

export interface ModelPlugin<TOptions = unknown> extends PluginDefinition<TOptions, GenerativeModel, ModelEnv> {
  /** Restores a model saved with `save(dir)`, training state included. */
  load(dir: string, options: TOptions, env: ModelEnv): Promise<GenerativeModel>;
  /**
   * The options that, set too far, make samples or metrics non-finite (a KDE's `bandwidth`, a
   * flow's `temperature`, a DDPM's `betaEnd`), most likely first: the error that stops such a
   * generation names them with their values.
   */
  readonly unstableOptions?: readonly string[];
}
export const ModelPlugin = Symbol.for('ouroboros.ModelPlugin');
