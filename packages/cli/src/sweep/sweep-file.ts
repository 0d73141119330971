import { writeJsonAtomic } from '@ouroboros/core';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SlurmSubmission } from './slurm-queue.ts';

export const SWEEP_FILE = 'sweep.json';

/** Where a cell stands: from its run folder (summary.json, run.lock), or the SLURM queue before it starts. */
export type CellStatus = 'pending' | 'queued' | 'running' | 'finished' | 'interrupted' | 'failed';

/** One cell in sweep.json. */
export interface SweepFileCell {
  /** Its index: `ouro run --sweep DIR --cell K` and the SLURM array task id. */
  readonly index: number;
  /** Short hash of its resolved config: its run folder is DIR/<id>. */
  readonly id: string;
  /** The values it gives the sweep's axes (dotted fields), `seed` last. */
  readonly values: Record<string, unknown>;
  /** `matrix` or `include.N`: the report makes panels of matrix axes only. */
  readonly origin: string;
  /** Its config as written (base + axis values, paths absolute), relative to DIR: cells/<id>.json. */
  readonly config: string;
  status: CellStatus;
  exitCode?: number;
  error?: string;
}

/** `DIR/sweep.json`: what a sweep folder holds. */
export interface SweepFile {
  readonly format: 'ouroboros.sweep';
  readonly version: 1;
  /** The experiment name: trackers get it as the runs' group. */
  readonly name: string;
  /** The sweep config (absolute) and the --set overrides it was planned with. */
  readonly source: string;
  readonly sets: readonly string[];
  readonly plannedAt: string;
  /** Every field a cell sets: matrix axes, fields only include sets, then seed. */
  readonly axes: readonly string[];
  readonly cells: SweepFileCell[];
  /** The SLURM executor's submissions (slurm-queue.ts); empty for a sweep run here. */
  readonly slurm: SlurmSubmission[];
  /** The W&B grid sweep the cells' runs join (wandb-sweep.ts), when they log to W&B. */
  wandbSweep?: string;
}

export function sweepFilePath(dir: string): string {
  return join(dir, SWEEP_FILE);
}

/** The sweep.json of a sweep folder, with errors naming what is wrong. */
export function readSweep(dir: string): SweepFile {
  if (!existsSync(dir)) throw new Error(`${dir}: no such folder; expected a sweep folder written by 'ouro sweep'`);
  if (!statSync(dir).isDirectory()) throw new Error(`${dir}: is a file; expected a sweep folder written by 'ouro sweep'`);
  const path = sweepFilePath(dir);
  if (!existsSync(path)) throw new Error(`${dir}: no ${SWEEP_FILE}; expected a sweep folder written by 'ouro sweep'`);
  let sweep: SweepFile;
  try {
    sweep = JSON.parse(readFileSync(path, 'utf8')) as SweepFile;
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message.split('\n')[0]}); expected the sweep file ouro writes`);
  }
  if (sweep.format !== 'ouroboros.sweep' || sweep.version !== 1 || !Array.isArray(sweep.cells)) {
    throw new Error(`${path}: format ${JSON.stringify(sweep.format)} version ${JSON.stringify(sweep.version)}; expected ouroboros.sweep version 1`);
  }
  return sweep;
}

export function writeSweep(dir: string, sweep: SweepFile): void {
  writeJsonAtomic(sweepFilePath(dir), sweep);
}

/** A cell by its index (`3`) or id (`8f2c0a9e1b`). */
export function findCell(sweep: SweepFile, key: string, dir: string): SweepFileCell {
  const cell = /^\d+$/.test(key) ? sweep.cells[Number(key)] : sweep.cells.find((c) => c.id === key);
  if (!cell) throw new Error(`--cell ${key}: ${sweepFilePath(dir)} has no such cell; expected an index 0..${sweep.cells.length - 1} or a cell id`);
  return cell;
}
