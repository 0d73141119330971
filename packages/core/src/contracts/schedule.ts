import type { PluginDefinition } from './plugin.ts';
import type { Rng } from '../rng/rng.ts';
import type { SampleStore } from '../store/sample-store.ts';
import type { TrainingSet } from '../store/training-set.ts';

export interface ComposeInput {
  /** Generation t >= 1 being built. */
  readonly generation: number;
  /** The fixed real training set D. */
  readonly real: SampleStore;
  /** `synthetic[k]` holds generation k's samples, for k < t. */
  readonly synthetic: readonly SampleStore[];
  readonly rng: Rng;
  /** A new draw of `n` real samples, for datasets that can give fresh draws. */
  readonly drawFreshReal: (n: number) => Promise<SampleStore>;
}

/** Builds generation t's training set from D and earlier generations' samples. */
export interface MixingSchedule {
  compose(input: ComposeInput): Promise<TrainingSet>;
  /** How many samples each generation must produce for this schedule, given |D|. */
  samplesNeeded(realCount: number): number;
}

export type SchedulePlugin<TOptions = unknown> = PluginDefinition<TOptions, MixingSchedule, ScheduleEnv>;
export const SchedulePlugin = Symbol.for('ouroboros.SchedulePlugin');

export interface ScheduleEnv {
  /** Whether the dataset can draw fresh real samples. */
  readonly canDrawFresh: boolean;
}
