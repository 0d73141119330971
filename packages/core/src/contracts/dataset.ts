import type { PluginDefinition } from './plugin.ts';
import type { Rng } from '../rng/rng.ts';
import type { SampleArray, SampleLayout } from '../store/sample-store.ts';

/** What the data decides, as opposed to what the user configures. */
export interface DataInfo extends SampleLayout {
  /** `vector` samples are points in R^d; `image` samples are HWC uint8 pixels. */
  readonly kind: 'vector' | 'image';
  readonly trainCount: number;
  readonly testCount: number;
}

export type DataSplit = 'train' | 'test';

export interface Dataset {
  readonly info: DataInfo;
  /** The samples of a split, as chunks of whole samples. Same rng, same samples. */
  split(split: DataSplit, rng: Rng): AsyncIterable<SampleArray>;
  /** `n` new samples from the data distribution, for datasets that can draw without limit. */
  fresh?(n: number, rng: Rng): AsyncIterable<SampleArray>;
}

export type DatasetPlugin<TOptions = unknown> = PluginDefinition<TOptions, Dataset, DatasetEnv>;
export const DatasetPlugin = Symbol.for('ouroboros.DatasetPlugin');

export interface DatasetEnv {
  /** Folder the config file lives in, for resolving relative data paths. */
  readonly baseDir: string;
}
