import type { MetricRow, RunInfo, Tracker } from '../contracts/tracker.ts';

/** How long a tracker's `start` or `finish` may take before the run goes on without it. */
export const TRACKER_TIMEOUT_MS = 30_000;

/**
 * Fans every call out to all trackers. A tracker that throws, or whose `start`/`finish` outlasts
 * the timeout, is reported once through the others' `note` and skipped from then on, so training
 * never dies or hangs because a tracker (or its network) failed.
 */
export class TrackerGroup implements Tracker {
  private readonly failed = new Set<Tracker>();

  constructor(
    private readonly trackers: ReadonlyArray<{ id: string; tracker: Tracker }>,
    private readonly fallbackNote: (message: string) => void = (m) => process.stderr.write(`note: ${m}\n`),
    private readonly timeoutMs = TRACKER_TIMEOUT_MS,
  ) {}

  async start(run: RunInfo): Promise<void> {
    await Promise.all(this.live().map((entry) => this.bounded(entry, 'start', () => entry.tracker.start(run))));
  }

  log(row: MetricRow, generation: number): void {
    for (const entry of this.live()) void this.guard(entry, () => entry.tracker.log(row, generation));
  }

  logSteps(generation: number, step: number, scalars: Record<string, number>): void {
    for (const entry of this.live()) void this.guard(entry, () => entry.tracker.logSteps?.(generation, step, scalars));
  }

  logImage(key: string, png: Uint8Array, generation: number): void {
    for (const entry of this.live()) void this.guard(entry, () => entry.tracker.logImage(key, png, generation));
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
    await Promise.all(this.live().map((entry) => this.bounded(entry, 'finish', () => entry.tracker.finish(exitCode))));
  }

  private live() {
    return this.trackers.filter((entry) => !this.failed.has(entry.tracker));
  }

  /** `call`, given up on after the timeout: the tracker is switched off, the run goes on. */
  private bounded(entry: { id: string; tracker: Tracker }, what: string, call: () => Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(this.timeoutMs / 1000)} s`)), this.timeoutMs);
      timer.unref();
    });
    return this.guard(entry, () => Promise.race([call(), timeout])).finally(() => clearTimeout(timer));
  }

  private async guard(entry: { id: string; tracker: Tracker }, call: () => unknown): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (this.failed.has(entry.tracker)) return;
      this.failed.add(entry.tracker);
      const message = String(error instanceof Error ? error.message : error).split('\n')[0];
      this.note(`tracker '${entry.id}' failed and is switched off for this run: ${message}`);
    }
  }
}
