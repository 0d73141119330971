import type { Rng } from '../rng/rng.ts';

/** Progress of a long step (fraction in [0, 1]); the engine throttles what reaches the trackers. */
export type ProgressReporter = (fraction: number, detail: string) => void;

/** What a plugin gets when it does the work of one generation. */
export interface RunContext {
  /** Generation index t (0 is trained on real data). */
  readonly generation: number;
  /** The stream for this phase, forked from the experiment seed; fork it per epoch and step. */
  readonly rng: Rng;
  /** Name of the tfjs backend in use. */
  readonly backend: string;
  readonly progress: ProgressReporter;
  /**
   * Aborted when the run must stop (Ctrl-C, SIGTERM). A stop must act within seconds: long work
   * awaits a stop point (core's `stopPoint(signal)`: a macrotask turn, so the signal handler can
   * run, then a throw once aborted) between its steps or batches, or checks it and returns early.
   */
  readonly signal: AbortSignal;
  /** Per-step scalars (loss, learning rate, gradient norm); `step` counts from 0 within this fit. */
  log(scalars: Record<string, number>, step: number): void;
  /**
   * A folder that survives a crash and is removed once the generation commits. A model saves its
   * full training state here every so often and, when it finds one at the start of `fit`,
   * continues from it instead of from the beginning.
   */
  readonly checkpointDir: string;
  /** Generation t − 1's saved model folder in this run (absent at generation 0 and outside a run). */
  readonly previousModelDir?: string;
}
