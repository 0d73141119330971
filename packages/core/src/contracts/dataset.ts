import type { PluginDefinition } from './plugin.ts';
import type { Rng } from '../rng/rng.ts';
import type { SampleArray, SampleLayout } from '../store/sample-store.ts';

/**
 * What the data decides, as opposed to what the user configures: how samples are stored
 * (`dtype`, `sampleShape`) and so how they map to model space (see `dataCodec`): uint8 images
 * (HWC, 0..255) become float32 in [-1, 1]; float32 vectors are used as they are.
 */
export interface DataInfo extends SampleLayout {
  /** `vector` samples are points in R^d; `image` samples are HWC pixels. */
  readonly kind: 'vector' | 'image';
  readonly trainCount: number;
  readonly testCount: number;
  /** Class names, when samples carry labels: label i is `classes[i]`. */
  readonly classes?: readonly string[];
}

export type DataSplit = 'train' | 'test';

/** Whole samples, flat, with one label per sample for labelled data. */
export interface SampleChunk {
  readonly values: SampleArray;
  readonly labels?: Int32Array;
}

export interface Dataset {
  readonly info: DataInfo;
  /** The samples of a split, as chunks of whole samples. Same rng, same samples. */
  split(split: DataSplit, rng: Rng): AsyncIterable<SampleChunk>;
  /** `n` new samples from the data distribution, for datasets that can draw without limit. */
  fresh?(n: number, rng: Rng): AsyncIterable<SampleChunk>;
}

export type DatasetPlugin<TOptions = unknown> = PluginDefinition<TOptions, Dataset, DatasetEnv>;
export const DatasetPlugin = Symbol.for('ouroboros.DatasetPlugin');

export interface DatasetEnv {
  /** A folder for caches that outlive a run (decoded images, say), shared by the runs beside it. */
  readonly cacheDir: string;
  /** Says once something the user should know (skipped files, a downsampled source). */
  readonly note: (message: string) => void;
}
