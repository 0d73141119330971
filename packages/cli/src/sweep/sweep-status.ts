import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellState, type CellState } from './cell-state.ts';
import type { CellOverlay, ExecutorView } from './sweep-executor.ts';
import type { CellStatus, SweepFile, SweepFileCell } from './sweep-file.ts';

/** One cell's standing: its run folder and what the executors know of it (SLURM: its array task, under `slurm`). */
export interface CellReport {
  readonly index: number;
  readonly id: string;
  readonly values: Record<string, unknown>;
  readonly status: CellStatus;
  /** Committed generations, of generations + 1 once known. */
  readonly completed: number;
  readonly generations?: number;
  readonly error?: string;
  readonly [executorKey: string]: unknown;
}

export interface SweepReport {
  readonly counts: Partial<Record<CellStatus, number>>;
  readonly cells: CellReport[];
  /** Each cell's entry in each executor's column, by the executor's key. */
  readonly columns: ReadonlyArray<{ readonly key: string; readonly cells: readonly string[] }>;
}

/**
 * Where every cell stands, and sweep.json's statuses brought up to date. The run folder decides
 * (finished, running, interrupted, failed); an executor's view fills in what a folder cannot say
 * (SLURM: a task still queued, or one that ended without ouro writing its summary).
 */
export function sweepReport(dir: string, sweep: SweepFile, views: readonly ExecutorView[] = []): SweepReport {
  const overlays = sweep.cells.map((cell) => {
    const state = cellState(join(dir, cell.id));
    return { state, overlays: views.map((view) => view.cell(cell, state)) };
  });
  const cells = sweep.cells.map((cell, i) => cellReport(cell, overlays[i]!.state, views, overlays[i]!.overlays, plannedGenerations(dir, cell)));
  const counts: Partial<Record<CellStatus, number>> = {};
  for (const cell of cells) counts[cell.status] = (counts[cell.status] ?? 0) + 1;
  for (const [i, cell] of cells.entries()) {
    const entry = sweep.cells[i]!;
    entry.status = cell.status;
    if (cell.error) entry.error = cell.error;
    else delete entry.error;
  }
  const columns = views.map((view, v) => ({ key: view.key, cells: overlays.map((o) => o.overlays[v]?.column ?? '') }));
  return { counts, cells, columns };
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

function cellReport(cell: SweepFileCell, state: CellState, views: readonly ExecutorView[], overlays: ReadonlyArray<CellOverlay | undefined>, generations: number | undefined): CellReport {
  // A worker that failed before it made the run folder (a check on the data) left its word in sweep.json only.
  const failedEarly = state.status === 'pending' && cell.status === 'failed' && overlays.every((o) => o === undefined);
  let status: CellStatus = failedEarly ? 'failed' : state.status;
  let error = failedEarly ? cell.error : state.error;
  const json: Record<string, unknown> = {};
  for (const [v, overlay] of overlays.entries()) {
    if (!overlay) continue;
    if (overlay.status) status = overlay.status;
    if (overlay.error) error = overlay.error;
    json[views[v]!.key] = overlay.json;
  }
  return {
    index: cell.index,
    id: cell.id,
    values: cell.values,
    status,
    completed: state.completed,
    ...(generations !== undefined ? { generations } : {}),
    ...(error ? { error } : {}),
    ...json,
  };
}
