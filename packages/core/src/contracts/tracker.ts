import type { PluginDefinition } from './plugin.ts';

export interface RunInfo {
  readonly name: string;
  readonly dir: string;
  readonly config: Record<string, unknown>;
  readonly generations: number;
  /** First generation this process runs (greater than 0 when resuming). */
  readonly startGeneration: number;
  readonly backend: string;
}

export type MetricRow = Record<string, number>;

/** Local files, W&B, console: all the same shape. None may block or fail training. */
export interface Tracker {
  start(run: RunInfo): Promise<void>;
  log(row: MetricRow, step: number): void;
  logImage(key: string, png: Uint8Array, step: number): void;
  /** Progress inside a generation: `phase` is what runs (`fit`, `sample`, `metrics`). */
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
