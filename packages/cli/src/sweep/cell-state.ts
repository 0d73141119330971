import { RunLock } from '@ouroboros/core';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellStatus } from './sweep-file.ts';

/** What a cell's run folder says of it. */
export interface CellState {
  readonly status: Exclude<CellStatus, 'queued'>;
  /** Committed generations. */
  readonly completed: number;
  readonly exitCode?: number;
  readonly error?: string;
  /** The process running it, when one is. */
  readonly pid?: number;
  readonly host?: string;
}

interface Summary {
  status?: string;
  exitCode?: number;
  error?: string;
}

/**
 * The state of the run in `dir`: running while a live process holds its lock, else what its
 * summary.json says (finished, interrupted, failed); a run folder without a summary was stopped
 * before it could write one (killed): interrupted, and resumable like one.
 */
export function cellState(dir: string): CellState {
  if (!existsSync(join(dir, 'run.json'))) {
    const holder = RunLock.holder(dir);
    return holder ? { status: 'running', completed: 0, pid: holder.pid, host: holder.host } : { status: 'pending', completed: 0 };
  }
  const summary = readSummary(dir);
  const completed = committedCount(dir);
  const holder = RunLock.holder(dir);
  if (holder) return { status: 'running', completed, pid: holder.pid, host: holder.host };
  if (!summary) return { status: 'interrupted', completed };
  const status = summary.status === 'finished' ? 'finished' : summary.status === 'failed' ? 'failed' : 'interrupted';
  return {
    status,
    completed,
    ...(summary.exitCode !== undefined ? { exitCode: summary.exitCode } : {}),
    ...(summary.error ? { error: summary.error } : {}),
  };
}

function readSummary(dir: string): Summary | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
  } catch {
    return null;
  }
}

/** Rows of history.jsonl: one per committed generation. */
function committedCount(dir: string): number {
  try {
    return readFileSync(join(dir, 'history.jsonl'), 'utf8').split('\n').filter((line) => line.trim() !== '').length;
  } catch {
    return 0;
  }
}
