import { existsSync, readFileSync } from 'node:fs';
import type { ProgressReporter, RunContext } from '../contracts/run-context.ts';
import type { Rng } from '../rng/rng.ts';
import { appendText, writeFileAtomic } from '../store/atomic-write.ts';

/** At most one progress report per this many milliseconds reaches the trackers (the last one always does). */
const PROGRESS_INTERVAL_MS = 200;

/** Drops progress reports that come sooner than `intervalMs` after the last one passed, except completion. */
export function throttleProgress(report: ProgressReporter, intervalMs = PROGRESS_INTERVAL_MS, now: () => number = () => performance.now()): ProgressReporter {
  let last = -Infinity;
  return (fraction, detail) => {
    const time = now();
    if (fraction < 1 && time - last < intervalMs) return;
    last = time;
    report(fraction, detail);
  };
}

/**
 * `steps.jsonl` of one generation: a row `{"step": k, ...scalars}` per logged step. A fit resumed
 * from a checkpoint logs its steps again from there on, so rows at or after the first step logged
 * again are dropped first: the file always reads as one uninterrupted fit.
 */
export class StepLog {
  private lastStep: number;

  constructor(readonly path: string) {
    this.lastStep = existsSync(path) ? lastStepIn(readRows(path)) : -1;
  }

  append(step: number, scalars: Record<string, number>): void {
    if (step <= this.lastStep) {
      const kept = readRows(this.path).filter((row) => row.step < step);
      writeFileAtomic(this.path, kept.map((row) => `${JSON.stringify(row)}\n`).join(''));
    }
    appendText(this.path, `${JSON.stringify({ step, ...scalars })}\n`);
    this.lastStep = step;
  }
}

function readRows(path: string): Array<{ step: number }> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { step: number }];
      } catch {
        return []; // a row torn by a crash
      }
    });
}

function lastStepIn(rows: ReadonlyArray<{ step: number }>): number {
  return rows.reduce((max, row) => Math.max(max, row.step), -1);
}

export interface ContextParts {
  readonly generation: number;
  readonly rng: Rng;
  readonly backend: string;
  readonly signal: AbortSignal;
  readonly checkpointDir: string;
  readonly previousModelDir?: string;
  readonly progress: ProgressReporter;
  readonly log: (scalars: Record<string, number>, step: number) => void;
}

export function runContext(parts: ContextParts): RunContext {
  return { ...parts, progress: throttleProgress(parts.progress) };
}
