import type { Rng } from '../rng/rng.ts';

/** Progress of a long step, reported to the trackers (fraction in [0, 1]). */
export type ProgressReporter = (fraction: number, detail: string) => void;

/** What a plugin gets when it does the work of one generation. */
export interface RunContext {
  /** Generation index t (0 is trained on real data). */
  readonly generation: number;
  /** The stream for this step, forked from the experiment seed. */
  readonly rng: Rng;
  /** Name of the tfjs backend in use. */
  readonly backend: string;
  readonly progress: ProgressReporter;
  /** Set when the user asked to stop; long steps should check it (after `yieldToEventLoop()`) and end early. */
  readonly signal?: AbortSignal;
}
