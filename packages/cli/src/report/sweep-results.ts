import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricRow } from '@ouroboros/core';
import { cellState, type CellState } from '../sweep/cell-state.ts';
import { readSweep, type SweepFile, type SweepFileCell } from '../sweep/sweep-file.ts';

/** One cell as the report reads it from its run folder. */
export interface CellResult {
  readonly cell: SweepFileCell;
  /** Its config as written (base + axis values), for the axis values it has but does not set. */
  readonly config: Record<string, unknown>;
  readonly state: CellState;
  /** history.jsonl: one row per committed generation. */
  readonly rows: readonly MetricRow[];
  /** Retraining generations of its config (G: generations 0..G). */
  readonly generations: number;
  readonly dir: string;
}

export interface SweepResults {
  readonly sweep: SweepFile;
  readonly cells: readonly CellResult[];
}

/** Reads every cell of the sweep in `dir`: its config, state and committed history (none yet for a pending cell). */
export function readSweepResults(dir: string): SweepResults {
  const sweep = readSweep(dir);
  const cells = sweep.cells.map((cell) => {
    const runDir = join(dir, cell.id);
    const config = JSON.parse(readFileSync(join(dir, cell.config), 'utf8')) as Record<string, unknown>;
    return { cell, config, state: cellState(runDir), rows: readRows(runDir), generations: Number(config.generations), dir: runDir };
  });
  return { sweep, cells };
}

function readRows(dir: string): MetricRow[] {
  const path = join(dir, 'history.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as MetricRow);
}
