import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellState, type CellState } from './cell-state.ts';
import { endedStates, slurmTaskStates, type TaskState } from './slurm-queue.ts';
import type { CellStatus, SweepFile, SweepFileCell } from './sweep-file.ts';

/** One cell's standing: its run folder and, for a SLURM sweep, its array task. */
export interface CellReport {
  readonly index: number;
  readonly id: string;
  readonly values: Record<string, unknown>;
  readonly status: CellStatus;
  /** Committed generations, of generations + 1 once known. */
  readonly completed: number;
  readonly generations?: number;
  readonly error?: string;
  readonly slurm?: TaskState & { jobId: string };
}

export interface SweepReport {
  readonly counts: Partial<Record<CellStatus, number>>;
  readonly cells: CellReport[];
  /** False when the sweep was submitted to SLURM but squeue is not installed here. */
  readonly slurmKnown: boolean;
}

/**
 * Where every cell stands, and sweep.json's statuses brought up to date. The run folder decides
 * (finished, running, interrupted, failed); SLURM fills in what a folder cannot say: a task still
 * queued, or one that ended without ouro writing its summary (killed for memory, a node failure).
 */
export function sweepReport(dir: string, sweep: SweepFile): SweepReport {
  const tasks = sweep.slurm.length > 0 ? slurmTaskStates(dir, sweep) : new Map();
  const cells = sweep.cells.map((cell) => cellReport(cell, cellState(join(dir, cell.id)), tasks?.get(cell.index), plannedGenerations(dir, cell)));
  const counts: Partial<Record<CellStatus, number>> = {};
  for (const cell of cells) counts[cell.status] = (counts[cell.status] ?? 0) + 1;
  for (const [i, cell] of cells.entries()) {
    const entry = sweep.cells[i]!;
    entry.status = cell.status;
    if (cell.error) entry.error = cell.error;
    else delete entry.error;
  }
  return { counts, cells, slurmKnown: tasks !== null };
}

/** G of the cell's config (generations 0..G), when its config file says. */
function plannedGenerations(dir: string, cell: SweepFileCell): number | undefined {
  try {
    const generations = (JSON.parse(readFileSync(join(dir, cell.config), 'utf8')) as { generations?: unknown }).generations;
    return Number.isInteger(generations) ? (generations as number) : undefined;
  } catch {
    return undefined;
  }
}

function cellReport(cell: SweepFileCell, state: CellState, task: (TaskState & { jobId: string }) | undefined, generations: number | undefined): CellReport {
  // A worker that failed before it made the run folder (a check on the data) left its word in sweep.json only.
  const failedEarly = state.status === 'pending' && cell.status === 'failed' && !task;
  let status: CellStatus = failedEarly ? 'failed' : state.status;
  let error = failedEarly ? cell.error : state.error;
  if (task && state.status !== 'finished' && state.status !== 'running') {
    if (task.state === 'PENDING') status = 'queued';
    else if (!endedStates.has(task.state)) status = 'running';
    else if (state.status === 'pending' || (state.status === 'interrupted' && state.exitCode === undefined)) {
      status = 'failed';
      error = `SLURM task ${task.jobId}_${cell.index} ${task.state}${task.reason ? ` (${task.reason})` : ''}${task.exitCode ? `, exit code ${task.exitCode}` : ''}, before ouro could write its summary; see slurm/${task.jobId}_${cell.index}.out`;
    }
  }
  return {
    index: cell.index,
    id: cell.id,
    values: cell.values,
    status,
    completed: state.completed,
    ...(generations !== undefined ? { generations } : {}),
    ...(error ? { error } : {}),
    ...(task ? { slurm: task } : {}),
  };
}
