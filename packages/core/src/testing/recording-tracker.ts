import type { MetricRow, RunInfo, Tracker } from '../contracts/tracker.ts';

/** Keeps everything it is told, for assertions. */
export class RecordingTracker implements Tracker {
  run: RunInfo | null = null;
  readonly rows: Array<{ row: MetricRow; generation: number }> = [];
  readonly steps: Array<{ generation: number; step: number; scalars: Record<string, number> }> = [];
  readonly images: Array<{ key: string; generation: number; bytes: number }> = [];
  readonly notes: string[] = [];
  exitCode: number | null = null;

  async start(run: RunInfo): Promise<void> {
    this.run = run;
  }
  log(row: MetricRow, generation: number): void {
    this.rows.push({ row: { ...row }, generation });
  }
  logSteps(generation: number, step: number, scalars: Record<string, number>): void {
    this.steps.push({ generation, step, scalars: { ...scalars } });
  }
  logImage(key: string, png: Uint8Array, generation: number): void {
    this.images.push({ key, generation, bytes: png.length });
  }
  note(message: string): void {
    this.notes.push(message);
  }
  async finish(exitCode: number): Promise<void> {
    this.exitCode = exitCode;
  }
}
