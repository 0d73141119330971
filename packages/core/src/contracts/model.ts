import type * as tf from '@tensorflow/tfjs';
import type { DataInfo } from './dataset.ts';
import type { PluginDefinition } from './plugin.ts';
import type { RunContext } from './run-context.ts';
import type { Rng } from '../rng/rng.ts';
import type { TrainingSet } from '../store/training-set.ts';

/** How much training one generation gets; a model reads the fields it understands. */
export interface TrainBudget {
  readonly epochs?: number;
  readonly steps?: number;
  readonly batchSize?: number;
}

export interface FitReport {
  /** Final training loss (mean over the last steps), if the model has one. */
  readonly trainLoss?: number;
  readonly steps?: number;
}

/** One trained model of one family. */
export interface GenerativeModel {
  fit(train: TrainingSet, budget: TrainBudget, ctx: RunContext): Promise<FitReport>;
  /** `n` samples in batches, shape [batch, ...sampleShape], in data space (float32). */
  sample(n: number, ctx: RunContext): AsyncIterable<tf.Tensor>;
  /** Per-sample log-likelihood in nats, shape [batch]. */
  logLikelihood?(x: tf.Tensor): tf.Tensor1D;
  /** Whether `logLikelihood` is exact or a lower bound. */
  readonly likelihood?: 'exact' | 'bound';
  save(dir: string): Promise<void>;
  dispose(): void;
}

export interface ModelEnv {
  readonly data: DataInfo;
  readonly rng: Rng;
}

export interface ModelFactory<TOptions> extends PluginDefinition<TOptions, GenerativeModel, ModelEnv> {
  /** Restores a model saved with `save(dir)`. */
  load(dir: string, options: TOptions, env: ModelEnv): Promise<GenerativeModel>;
}

export type ModelPlugin<TOptions = unknown> = ModelFactory<TOptions>;
export const ModelPlugin = Symbol.for('ouroboros.ModelPlugin');

