import type { MetricRow, RunInfo, Tracker } from '../contracts/tracker.ts';

/**
 * Fans every call out to all trackers. A tracker that throws is reported once through the others'
 * `note` and skipped from then on, so training never dies because a tracker (or its network) failed.
 */
export class TrackerGroup implements Tracker {
  private readonly failed = new Set<Tracker>();

  constructor(
    private readonly trackers: ReadonlyArray<{ id: string; tracker: Tracker }>,
    private readonly fallbackNote: (message: string) => void = (m) => process.stderr.write(`note: ${m}\n`),
  ) {}

  async start(run: RunInfo): Promise<void> {
    for (const entry of this.live()) await this.guard(entry, () => entry.tracker.start(run));
  }

  log(row: MetricRow, step: number): void {
    for (const entry of this.live()) void this.guard(entry, () => entry.tracker.log(row, step));
  }

  logImage(key: string, png: Uint8Array, step: number): void {
    for (const entry of this.live()) void this.guard(entry, () => entry.tracker.logImage(key, png, step));
  }

  progress(generation: number, phase: string, fraction: number, detail: string): void {
    for (const entry of this.live()) void this.guard(entry, () => entry.tracker.progress?.(generation, phase, fraction, detail));
  }

  note(message: string): void {
    let shown = false;
    for (const entry of this.live()) {
      if (entry.tracker.note) {
        shown = true;
        void this.guard(entry, () => entry.tracker.note!(message));
      }
    }
    if (!shown) this.fallbackNote(message);
  }

  async finish(exitCode: number): Promise<void> {
    for (const entry of this.live()) await this.guard(entry, () => entry.tracker.finish(exitCode));
  }

  private live() {
    return this.trackers.filter((entry) => !this.failed.has(entry.tracker));
  }

  private async guard(entry: { id: string; tracker: Tracker }, call: () => unknown): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.failed.add(entry.tracker);
      const message = String(error instanceof Error ? error.message : error).split('\n')[0];
      this.note(`tracker '${entry.id}' failed and is switched off for this run: ${message}`);
    }
  }
}
