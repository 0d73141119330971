import type { DataInfo, DataSplit } from './dataset.ts';
import type { GenerativeModel } from './model.ts';
import type { PluginDefinition } from './plugin.ts';
import type { RunContext } from './run-context.ts';
import type { GaussianMoments } from '../linalg/moments.ts';
import type { SampleStore } from '../store/sample-store.ts';

/** Features of one set of samples, on disk, with their moments computed once. */
export interface FeatureSet {
  /** float32 store of [dim] rows, one per sample. */
  readonly store: SampleStore;
  readonly dim: number;
  /** Mean and covariance (divisor n - 1), float64; cached for the reference set. */
  moments(): Promise<GaussianMoments>;
}

export interface MetricFeatures {
  /** The extractor's id, e.g. `identity`, `pixels`, `inception-v3`. */
  readonly extractor: string;
  readonly reference: FeatureSet;
  readonly generated: FeatureSet;
}

export interface MetricInput {
  /** The real reference split the metric compares against (`reference` option: test or train). */
  readonly reference: SampleStore;
  readonly referenceSplit: DataSplit;
  /** This generation's samples, as stored. */
  readonly generated: SampleStore;
  readonly model: GenerativeModel;
  /** The model plugin's id, for messages. */
  readonly modelId: string;
  readonly data: DataInfo;
  /** Features of both sets from the extractor the metric's `features` option names (computed once, shared). */
  features(): Promise<MetricFeatures>;
}

/** What a metric will be given, known before the run starts. */
export interface MetricPlan {
  readonly data: DataInfo;
  readonly referenceSplit: DataSplit;
  /** Samples in the reference split. */
  readonly referenceCount: number;
  /** Samples each generation draws. */
  readonly generatedCount: number;
}

/** Values are keyed by the names logged (`fd`, `precision`, `recall`, ...); absent means skipped. */
export interface Metric {
  compute(input: MetricInput, ctx: RunContext): Promise<Record<string, number>>;
  /**
   * Throws a ConfigError when the metric cannot work with this plan (k neighbours of too few
   * samples, say): the engine asks before it creates the run folder.
   */
  check?(plan: MetricPlan): void;
}

export type MetricPlugin<TOptions = unknown> = PluginDefinition<TOptions, Metric, MetricEnv>;
export const MetricPlugin = Symbol.for('ouroboros.MetricPlugin');

export interface MetricEnv {
  readonly data: DataInfo;
  /** Says once why a metric is skipped or approximate. */
  readonly note: (message: string) => void;
}
