import type { PluginDefinition } from './plugin.ts';

export interface RunInfo {
  /** Stable id of the run: the cell id (short hash of the resolved config), the same on resume. */
  readonly runId: string;
  /** The sweep a run belongs to, if any. */
  readonly group?: string;
  readonly name: string;
  readonly dir: string;
  /** When the folder's run was created (run.json): the same on resume, new for a run started again with --overwrite. */
  readonly createdAt: string;
  /** The resolved config. */
  readonly config: Record<string, unknown>;
  readonly generations: number;
  /** First generation this process runs (greater than 0 when resuming). */
  readonly startGeneration: number;
  /** The backend that computes: `native`, `wasm`, `node`, `node-gpu` or `cpu`. */
  readonly backend: string;
}

export type MetricRow = Record<string, number>;

/**
 * Mirrors a run somewhere (a terminal, W&B). The engine writes the run files itself; trackers only
 * mirror. None may block or fail training: `start` and `finish` are bounded by a timeout and a
 * tracker that throws is switched off.
 */
export interface Tracker {
  start(run: RunInfo): Promise<void>;
  /** The history row of a committed generation. */
  log(row: MetricRow, generation: number): void;
  /** Per-step scalars of a generation's training (`step` counts from 0 within the generation). */
  logSteps?(generation: number, step: number, scalars: Record<string, number>): void;
  logImage(key: string, png: Uint8Array, generation: number): void;
  /** Progress inside a generation: `phase` is what runs (`fit`, `sample`, `metric-fd`). */
  progress?(generation: number, phase: string, fraction: number, detail: string): void;
  /** A one-line remark worth showing the user (a skipped metric, a resumed run). */
  note?(message: string): void;
  finish(exitCode: number): Promise<void>;
}

export type TrackerPlugin<TOptions = unknown> = PluginDefinition<TOptions, Tracker, TrackerEnv>;
export const TrackerPlugin = Symbol.for('ouroboros.TrackerPlugin');

export interface TrackerEnv {
  readonly runDir: string;
  readonly interactive: boolean;
}
