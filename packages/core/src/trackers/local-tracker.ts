import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import type { MetricRow, RunInfo, Tracker, TrackerPlugin } from '../contracts/tracker.ts';
import { RunFolder } from '../engine/run-folder.ts';
import { writeFileAtomic, writeJsonAtomic } from '../store/atomic-write.ts';

/** Writes config.json, one history.jsonl row per generation, and summary.json into the run folder. */
export class LocalTracker implements Tracker {
  private readonly folder: RunFolder;
  private run: RunInfo | null = null;
  private last: MetricRow | null = null;

  constructor(runDir: string) {
    this.folder = new RunFolder(runDir);
  }

  async start(run: RunInfo): Promise<void> {
    this.run = run;
    this.folder.ensure();
    writeJsonAtomic(this.folder.configPath, run.config);
    // history.jsonl is rebuilt from the committed generations, so a crash between a commit and
    // its history row, or a row of a generation that never committed, leaves no trace on resume.
    const rows: MetricRow[] = [];
    for (const t of this.folder.committedGenerations()) if (t < run.startGeneration) rows.push(this.folder.readMetrics(t));
    writeFileAtomic(this.folder.historyPath, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
    this.last = rows.at(-1) ?? null;
  }

  log(row: MetricRow): void {
    appendFileSync(this.folder.historyPath, `${JSON.stringify(row)}\n`);
    this.last = row;
  }

  logImage(): void {}

  async finish(exitCode: number): Promise<void> {
    if (!this.run) return;
    writeJsonAtomic(this.folder.summaryPath, {
      name: this.run.name,
      status: exitCode === 0 ? 'finished' : exitCode === 130 ? 'interrupted' : 'failed',
      exitCode,
      generations: this.run.generations,
      completedGenerations: this.folder.committedGenerations().length,
      backend: this.run.backend,
      final: this.last,
      finishedAt: new Date().toISOString(),
    });
  }
}

export const localTrackerPlugin: TrackerPlugin<Record<string, never>> = {
  id: 'local',
  description: 'writes config.json, history.jsonl (a row per generation) and summary.json into the run folder',
  options: z.strictObject({}),
  create: (_options, env) => new LocalTracker(env.runDir),
};
