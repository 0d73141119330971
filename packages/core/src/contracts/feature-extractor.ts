import type { DataInfo } from './dataset.ts';
import type { PluginDefinition } from './plugin.ts';
import type { RunContext } from './run-context.ts';
import type { SampleArray, SampleStore } from '../store/sample-store.ts';

/** Maps samples to feature vectors that metrics compare (Inception pool features, raw pixels, ...). */
export interface FeatureExtractor {
  /** Length of one feature vector. */
  readonly dim: number;
  /** Samples per `extract` call that suit it (memory, speed). */
  readonly batchSize: number;
  /** Features of `count` samples given as stored (flat, storage dtype): `count * dim` values. */
  extract(samples: SampleArray, count: number, ctx: RunContext): Promise<Float32Array>;
  /**
   * Called once per run before the first `extract`, with the real training data: for extractors
   * that learn from the data (a classifier trained on its labels) or cache per dataset.
   */
  prepare?(data: FeatureExtractorData, ctx: RunContext): Promise<void>;
  /** True when the features of float32 samples are the samples themselves (no copy is made). */
  readonly passThrough?: boolean;
  dispose?(): void;
}

export type FeatureExtractorPlugin<TOptions = unknown> = PluginDefinition<TOptions, FeatureExtractor, FeatureExtractorEnv>;
export const FeatureExtractorPlugin = Symbol.for('ouroboros.FeatureExtractorPlugin');

export interface FeatureExtractorEnv {
  readonly data: DataInfo;
}

/** What `prepare` gets: the run's real training split and a cache folder shared by the runs beside it. */
export interface FeatureExtractorData {
  readonly train: SampleStore;
  /** Outlives the run (`.ouroboros-data/features` beside the run folders): trained extractors go here. */
  readonly cacheDir: string;
  /** The experiment seed, for extractors cached by dataset and seed. */
  readonly seed: number;
  /** A line for the run's log (a damaged cache entry rebuilt, say). */
  readonly note: (line: string) => void;
}
