import type { InjectionToken } from 'tsyringe';
import type { z } from 'zod';
import type { Streams } from '../commands.ts';
import type { CellState } from './cell-state.ts';
import type { CellStatus, SweepFile, SweepFileCell } from './sweep-file.ts';

/** A planned sweep handed to an executor: its folder, with sweep.json written and locked by this `ouro sweep`. */
export interface SweepRun {
  readonly dir: string;
  readonly plan: SweepFile;
  /** The command that runs what is left of this sweep (`ouro sweep CONFIG --out DIR`), for messages. */
  readonly again: string;
  /** Cells load the plugin code their configs name (the user ran this sweep's config). */
  readonly allowPlugins: boolean;
  readonly io: Streams;
}

/** What an executor adds to one cell's standing in `ouro sweep status`, beyond its run folder. */
export interface CellOverlay {
  /** Replaces the run folder's status (a task still queued, or one that died before ouro wrote its summary). */
  readonly status?: CellStatus;
  readonly error?: string;
  /** The cell's entry in the executor's column of the status table. */
  readonly column: string;
  /** The cell's entry under the executor's key in `ouro sweep status --json`. */
  readonly json: unknown;
}

/** What an executor knows of a sweep folder it ran (SLURM: the jobs it submitted). */
export interface ExecutorView {
  /** Key of its entries in the JSON status and title of its column, e.g. `slurm`. */
  readonly key: string;
  /** Added to the status headline, e.g. `SLURM job 123`. */
  readonly headline: string;
  /** Added to the JSON status, e.g. `{ slurmJob: '123' }`. */
  readonly json: Record<string, unknown>;
  cell(cell: SweepFileCell, state: CellState): CellOverlay | undefined;
}

/**
 * Where the cells of a sweep run: `ouro sweep --executor NAME`. Each executor declares the flags
 * it reads as a zod schema (`flags`), runs or submits the unfinished cells of a written plan,
 * refuses a re-plan that would pull sweep.json from under cells still to start, and reports what
 * it knows of the cells beyond their run folders.
 */
export interface SweepExecutor<TFlags = unknown> {
  /** Its `--executor` value. */
  readonly name: string;
  /** The `ouro sweep` flags it reads, each flag's schema named after it (options/flags.ts). */
  readonly flags: z.ZodType<TFlags> & { readonly shape: Record<string, unknown> };
  /** Throws when `dir` must not be planned again now (SLURM: a job of this sweep is still queued or running). */
  checkReplan(dir: string, previous: SweepFile | null): void;
  /** Runs or submits the plan's unfinished cells; the exit code of `ouro sweep`. */
  execute(run: SweepRun, flags: TFlags): Promise<number>;
  /** What it knows of the sweep in `dir` (null: nothing beyond the run folders). */
  view(dir: string, sweep: SweepFile): ExecutorView | null;
  /** Called in the worker of each cell as it starts (SLURM: records which array task ran it). */
  cellStarted(dir: string, cellId: string, env: NodeJS.ProcessEnv): void;
}

export const SweepExecutor: InjectionToken<SweepExecutor> = Symbol.for('ouroboros.SweepExecutor');
