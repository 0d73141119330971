import { formatDuration } from '@ouroboros/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { flags, positiveInt } from '../options/flags.ts';
import { onNpxParentExit } from '../parent-exit.ts';
import { writeReport } from '../report/write-report.ts';
import { describeValues } from './axis-label.ts';
import { cellState } from './cell-state.ts';
import { cliBin } from './cli-bin.ts';
import type { SweepExecutor, SweepRun } from './sweep-executor.ts';
import { writeSweep, type SweepFile, type SweepFileCell } from './sweep-file.ts';
import { localWorkerThreads, type WorkerThreads } from './worker-threads.ts';

export interface LocalOptions {
  /** Worker processes: at most this many cells run at once. */
  readonly jobs: number;
  /** Threads of each worker (`--threads`); default: the cores divided among the workers. */
  readonly threads?: number;
  /** The cores divided among the workers; default: this machine's. */
  readonly cores?: number;
  /** The `ouro` bin each worker runs (`ouro run --sweep DIR --cell K`). */
  readonly bin: string;
  /** Workers load the plugin code the cells name (`--allow-plugins`): the user ran this sweep's config. */
  readonly allowPlugins?: boolean;
  readonly stderr: NodeJS.WritableStream;
}

export interface LocalResult {
  readonly finished: number;
  readonly skipped: number;
  readonly failed: SweepFileCell[];
  /** Stopped by a signal part way (resumable). */
  readonly interrupted: SweepFileCell[];
  /** Cells a signal kept from starting. */
  readonly notStarted: number;
  /** The signal that stopped the sweep, if one did. */
  readonly stoppedBy?: 'SIGINT' | 'SIGTERM';
}

/**
 * Runs a sweep's cells on this machine, one process per cell (the tensor backend is process-wide),
 * at most `jobs` at once, sharing the cores among them (worker-threads.ts). Finished cells are
 * skipped; the others run `ouro run --sweep DIR --cell K`, which resumes an interrupted cell. Each
 * worker's lines are shown prefixed with its cell and kept in DIR/logs/<id>.log; a failed cell is
 * reported and the others go on; sweep.json follows each cell.
 * The first SIGINT/SIGTERM is passed on to every worker (each stops at its next safe point) and no
 * new cell starts; a second is passed on again (they quit at once).
 */
export async function runLocally(dir: string, sweep: SweepFile, options: LocalOptions): Promise<LocalResult> {
  const { stderr } = options;
  const total = sweep.cells.length;
  // cells are numbered from 0 everywhere: here, in sweep status, --cell K and the report
  const label = (cell: SweepFileCell) => `[cell ${cell.index} of 0..${total - 1} ${describeValues(cell.values)}]`;
  const todo: SweepFileCell[] = [];
  let skipped = 0;
  for (const cell of sweep.cells) {
    if (cellState(join(dir, cell.id)).status === 'finished') {
      cell.status = 'finished';
      skipped++;
    } else todo.push(cell);
  }
  const workers = Math.max(1, Math.min(options.jobs, todo.length));
  const threads = localWorkerThreads(options.threads, workers, options.cores);
  stderr.write(`sweep ${sweep.name}: ${total} cells${skipped ? `, ${skipped} already finished (skipped)` : ''}, ${todo.length} to run in ${workers} worker process${workers === 1 ? '' : 'es'} -> ${dir}\n`);
  writeSweep(dir, sweep);
  mkdirSync(join(dir, 'logs'), { recursive: true });

  const running = new Set<ChildProcess>();
  let stoppedBy: 'SIGINT' | 'SIGTERM' | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    stderr.write(stoppedBy ? `\n${signal}: passed on again; the workers quit now\n` : `\n${signal}: stopping ${running.size} running cell(s) at their next safe point (again to quit now); no new cell starts\n`);
    stoppedBy ??= signal;
    for (const child of running) child.kill(signal);
  };
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  const unwatch = onNpxParentExit(() => {
    if (!stoppedBy) onSignal('SIGTERM');
  });

  let finished = 0;
  const failed: SweepFileCell[] = [];
  const interrupted: SweepFileCell[] = [];
  const queue = [...todo];
  const worker = async () => {
    // A stop is checked before a cell is taken, so the cells left in the queue are exactly those not started.
    for (let cell = stoppedBy ? undefined : queue.shift(); cell; cell = stoppedBy ? undefined : queue.shift()) {
      const log = join(dir, 'logs', `${cell.id}.log`);
      appendFileSync(log, `--- ${new Date().toISOString()} ouro run --sweep ${dir} --cell ${cell.index}\n`);
      stderr.write(`${label(cell)} started: ${join(dir, cell.id)}\n`);
      cell.status = 'running';
      writeSweep(dir, sweep);
      const began = Date.now();
      const { code, lastError } = await runWorker(options.bin, Boolean(options.allowPlugins), dir, cell, threads, running, (line, shown) => {
        appendFileSync(log, `${line}\n`);
        if (shown) stderr.write(`${label(cell!)} ${line}\n`);
      });
      const took = formatDuration((Date.now() - began) / 1000);
      const state = cellState(join(dir, cell.id));
      cell.status = code === 0 ? 'finished' : code === 130 || code === 143 ? 'interrupted' : 'failed';
      cell.exitCode = code;
      if (code === 0) {
        delete cell.error;
        finished++;
        stderr.write(`${label(cell)} finished in ${took}\n`);
      } else if (cell.status === 'interrupted') {
        interrupted.push(cell);
        stderr.write(`${label(cell)} interrupted after ${took} with ${state.completed} generation(s) committed; running the sweep again resumes it\n`);
      } else {
        cell.error = lastError ?? state.error ?? `exit code ${code}`;
        failed.push(cell);
        stderr.write(`${label(cell)} FAILED (exit code ${code}) after ${took}: ${cell.error}; log: ${log}\n`);
      }
      writeSweep(dir, sweep);
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    unwatch();
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
  return { finished, skipped, failed, interrupted, notStarted: queue.length, ...(stoppedBy ? { stoppedBy } : {}) };
}

/**
 * One worker process for one cell, in its own process group so that a Ctrl-C on the terminal
 * reaches only the sweep, which passes it on once. Resolves with its exit code and its last
 * `ouro: ...` error line.
 */
function runWorker(
  bin: string,
  allowPlugins: boolean,
  dir: string,
  cell: SweepFileCell,
  threads: WorkerThreads,
  running: Set<ChildProcess>,
  line: (text: string, shown: boolean) => void,
): Promise<{ code: number; lastError?: string }> {
  return new Promise((done) => {
    const args = [bin, 'run', '--sweep', dir, '--cell', String(cell.index), ...threads.args, ...(allowPlugins ? ['--allow-plugins'] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, ...threads.env } });
    running.add(child);
    let lastError: string | undefined;
    // stderr is the run's progress; stdout only names its history file, kept in the log.
    const lines = (stream: NodeJS.ReadableStream, shown: boolean) => {
      let pending = '';
      const emit = (text: string) => {
        if (text.trim() === '') return;
        if (text.startsWith('ouro: ')) lastError = text.slice('ouro: '.length);
        line(text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''), shown);
      };
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (pending + chunk).split(/\r?\n|\r/);
        pending = parts.pop()!;
        parts.forEach(emit);
      });
      stream.on('end', () => emit(pending));
    };
    lines(child.stdout!, false);
    lines(child.stderr!, true);
    child.on('error', (error) => {
      lastError = `cannot start ${process.execPath} ${bin}: ${error.message}`;
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      done({ code: code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1), ...(lastError ? { lastError } : {}) });
    });
  });
}

const localFlags = flags({ jobs: positiveInt, threads: positiveInt });

export type LocalFlags = z.output<typeof localFlags>;

/**
 * `--executor local` (the default): runs the cells here in `--jobs` worker processes (runLocally),
 * then writes DIR/report.html and prints its path; exit 0 only when every cell finished.
 */
export const localExecutor: SweepExecutor<LocalFlags> = {
  name: 'local',
  flags: localFlags,
  checkReplan: () => {},

  async execute({ dir, plan, again, allowPlugins, io: { stdout, stderr } }: SweepRun, { jobs, threads }) {
    const result = await runLocally(dir, plan, { jobs: jobs ?? availableParallelism(), ...(threads !== undefined ? { threads } : {}), bin: cliBin(), allowPlugins, stderr });
    const parts = [`${result.finished + result.skipped} of ${plan.cells.length} cells finished${result.skipped ? ` (${result.skipped} skipped)` : ''}`];
    if (result.failed.length) parts.push(`${result.failed.length} failed (${result.failed.map((c) => `cell ${c.index} ${describeValues(c.values)}`).join('; ')})`);
    if (result.interrupted.length) parts.push(`${result.interrupted.length} interrupted`);
    if (result.notStarted) parts.push(`${result.notStarted} not started`);
    stderr.write(`sweep ${plan.name}: ${parts.join(', ')}${result.stoppedBy || result.failed.length ? `; '${again}' again runs what is not finished` : ''}\n`);
    if (result.stoppedBy) return result.stoppedBy === 'SIGINT' ? 130 : 143;
    const report = await writeReport(dir, {});
    stderr.write(`report: ${report}\n`);
    stdout.write(`${report}\n`);
    return result.failed.length === 0 ? 0 : 1;
  },

  view: () => null,
  cellStarted: () => {},
};
