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
  /**
   * Throws when the schedule cannot work with this plan (a training set larger than the data it
   * draws from, say): the engine asks before it creates the run folder.
   */
  check?(plan: SchedulePlan): void;
}

/** What a schedule will be given, known before the run starts. */
export interface SchedulePlan {
  /** |D|, the real training set. */
  readonly realCount: number;
  /** Samples each generation draws. */
  readonly generatedCount: number;
  /** Retraining generations after generation 0. */
  readonly generations: number;
}

export type SchedulePlugin<TOptions = unknown> = PluginDefinition<TOptions, MixingSchedule, ScheduleEnv>;
export const SchedulePlugin = Symbol.for('ouroboros.SchedulePlugin');

export interface ScheduleEnv {
  /** Whether the dataset can draw fresh real samples. */
  readonly canDrawFresh: boolean;
}
