import type { MetricRow, RunInfo, Tracker } from '../contracts/tracker.ts';

/** Keeps everything it is told, for assertions. */
export class RecordingTracker implements Tracker {
  run: RunInfo | null = null;
  readonly rows: Array<{ row: MetricRow; step: number }> = [];
  readonly notes: string[] = [];
  exitCode: number | null = null;

  async start(run: RunInfo): Promise<void> {
    this.run = run;
  }
  log(row: MetricRow, step: number): void {
    this.rows.push({ row: { ...row }, step });
  }
  logImage(): void {}
  note(message: string): void {
    this.notes.push(message);
  }
  async finish(exitCode: number): Promise<void> {
    this.exitCode = exitCode;
  }
}
