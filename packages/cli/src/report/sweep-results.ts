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
  /** history.jsonl: one row per committed generation (those before a line that is not JSON). */
  readonly rows: readonly MetricRow[];
  /** What is wrong with its history.jsonl, naming the file and line, when something is. */
  readonly problem?: string;
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
    return { cell, config, state: cellState(runDir), ...readRows(runDir), generations: Number(config.generations), dir: runDir };
  });
  return { sweep, cells };
}

/** The rows of a cell's history.jsonl up to the first line that is not a JSON object (a truncated or damaged file), which `problem` names. */
function readRows(dir: string): { rows: MetricRow[]; problem?: string } {
  const path = join(dir, 'history.jsonl');
  if (!existsSync(path)) return { rows: [] };
  const rows: MetricRow[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      return { rows, problem: `${path}: line ${i + 1} is not JSON (${(error as Error).message.split('\n')[0]}); the report shows the ${rows.length} rows before it` };
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      return { rows, problem: `${path}: line ${i + 1} is not a JSON object; the report shows the ${rows.length} rows before it` };
    }
    rows.push(row as MetricRow);
  }
  return { rows };
}
