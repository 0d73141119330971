import { z } from 'zod';
import type { MetricRow, RunInfo, Tracker, TrackerPlugin } from '../contracts/tracker.ts';

interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Human time: 42s, 3m05s, 1h02m. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  // rounded once, so that 299.6 s carries into the minutes (5m00s, not 4m60s)
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** `fd=0.0123 precision=0.812`: every metric of a row but the bookkeeping fields. */
export function formatRow(row: MetricRow): string {
  return Object.entries(row)
    .filter(([key]) => key !== 'generation' && key !== 'seconds')
    .map(([key, value]) => `${key}=${Number.isInteger(value) ? value : value.toPrecision(4)}`)
    .join(' ');
}

/**
 * Progress on the terminal: a live status line with ETA on a TTY; otherwise plain lines, one per
 * generation and a progress line at most every `plainEvery` seconds, so logs of batch jobs stay
 * readable and a long generation is not silent.
 */
export class ConsoleTracker implements Tracker {
  private run: RunInfo | null = null;
  private startedAt = 0;
  private done = 0;
  private liveLine = false;
  private lastPlain = 0;

  constructor(
    private readonly out: Output,
    private readonly live: boolean,
    private readonly plainEvery = 60,
    private readonly now: () => number = Date.now,
  ) {}

  async start(run: RunInfo): Promise<void> {
    this.run = run;
    this.startedAt = this.now();
    this.lastPlain = this.startedAt;
    const resumed = run.startGeneration > 0 ? `, resuming at generation ${run.startGeneration}` : '';
    this.line(`run ${run.name}: generations 0..${run.generations} on ${run.backend}${resumed} -> ${run.dir}`);
  }

  log(row: MetricRow, generation: number): void {
    if (!this.run) return;
    this.done++;
    const seconds = row.seconds ?? 0;
    this.line(`gen ${generation}/${this.run.generations} ${formatRow(row)} (${formatDuration(seconds)}, ETA ${formatDuration(this.eta())})`);
    this.lastPlain = this.now();
  }

  logImage(): void {}

  progress(generation: number, phase: string, fraction: number, detail: string): void {
    if (!this.run) return;
    if (!this.live) {
      if (this.plainEvery <= 0 || this.now() - this.lastPlain < this.plainEvery * 1000) return;
      this.lastPlain = this.now();
      this.line(`gen ${generation}/${this.run.generations} ${phase} ${Math.round(100 * Math.min(1, Math.max(0, fraction)))}% ${detail}`);
      return;
    }
    const width = 20;
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const text = `gen ${generation}/${this.run.generations} [${bar}] ${phase} ${detail} ETA ${formatDuration(this.eta())}`;
    this.out.write(`\r\x1b[2K${text.slice(0, 160)}`);
    this.liveLine = true;
  }

  note(message: string): void {
    this.line(`note: ${message}`);
  }

  async finish(exitCode: number): Promise<void> {
    if (!this.run) return;
    const elapsed = (this.now() - this.startedAt) / 1000;
    this.line(exitCode === 0 ? `done in ${formatDuration(elapsed)}: ${this.run.dir}` : `stopped with exit code ${exitCode} after ${formatDuration(elapsed)}`);
  }

  private eta(): number {
    if (!this.run || this.done === 0) return Number.NaN;
    const perGeneration = (this.now() - this.startedAt) / 1000 / this.done;
    return perGeneration * (this.run.generations - this.run.startGeneration + 1 - this.done);
  }

  private line(text: string): void {
    if (this.liveLine) this.out.write('\r\x1b[2K');
    this.liveLine = false;
    this.out.write(`${text}\n`);
  }
}

export const consoleTrackerPlugin: TrackerPlugin<{ stream: 'stdout' | 'stderr'; progressEvery: number }> = {
  id: 'console',
  description: 'progress on the terminal: a live line with ETA on a TTY; otherwise one plain line per generation and a progress line every progressEvery seconds',
  options: z.strictObject({ stream: z.enum(['stdout', 'stderr']).default('stderr'), progressEvery: z.number().nonnegative().default(60) }),
  create: ({ stream, progressEvery }, env) => {
    const out = stream === 'stdout' ? process.stdout : process.stderr;
    return new ConsoleTracker(out, env.interactive && Boolean(out.isTTY), progressEvery);
  },
};
