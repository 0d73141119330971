import { existsSync, readFileSync } from 'node:fs';
import type { ActiveBackend } from '../contracts/tensor-backend.ts';
import type { MetricRow } from '../contracts/tracker.ts';
import { appendText, writeFileAtomic, writeJsonAtomic } from '../store/atomic-write.ts';
import type { RunFolder } from './run-folder.ts';

/** `run.json`: what makes a folder an ouroboros run and what a later `run` or `resume` must match. */
export interface RunMarker {
  readonly format: 'ouroboros.run';
  readonly version: 2;
  /** The cell id: short hash of the resolved config when the run was created. */
  readonly runId: string;
  readonly name: string;
  readonly createdAt: string;
  /** Options version of every plugin used, keyed `kind:id`. */
  readonly plugins: Record<string, number>;
  /** The config as the user wrote it (after --set), paths absolute: the run's identity. */
  readonly config: Record<string, unknown>;
}

export type RunStatus = 'running' | 'finished' | 'interrupted' | 'failed';

/** Exit code -> what summary.json says of the run. */
export function statusOf(exitCode: number): RunStatus {
  if (exitCode === 0) return 'finished';
  return exitCode === 130 || exitCode === 143 ? 'interrupted' : 'failed';
}

/**
 * The run files the engine owns, whatever the trackers: run.json, config.json, history.jsonl
 * (rebuilt from committed generations on every start, so it never holds a row of a generation
 * that did not commit), summary.json.
 */
export class RunFiles {
  private last: MetricRow | null = null;

  constructor(private readonly folder: RunFolder) {}

  readMarker(): RunMarker | null {
    const path = this.folder.markerPath;
    if (!existsSync(path)) return null;
    let marker: RunMarker;
    try {
      marker = JSON.parse(readFileSync(path, 'utf8')) as RunMarker;
    } catch (error) {
      throw new Error(`${path}: not valid JSON (${(error as Error).message.split('\n')[0]}); expected the run marker ouro writes`);
    }
    if (marker.format !== 'ouroboros.run' || marker.version !== 2 || typeof marker.config !== 'object') {
      throw new Error(`${path}: format ${JSON.stringify(marker.format)} version ${JSON.stringify(marker.version)}; expected ouroboros.run version 2`);
    }
    return marker;
  }

  /** What summary.json says of the last process that ran here, if anything. */
  readStatus(): RunStatus | null {
    try {
      return (JSON.parse(readFileSync(this.folder.summaryPath, 'utf8')) as { status: RunStatus }).status ?? null;
    } catch {
      return null;
    }
  }

  writeMarker(marker: RunMarker): void {
    writeJsonAtomic(this.folder.markerPath, marker);
  }

  writeConfig(config: unknown): void {
    writeJsonAtomic(this.folder.configPath, config);
  }

  /** Rewrites history.jsonl with the rows of committed generations 0..start-1 and returns them. */
  startHistory(start: number): MetricRow[] {
    const rows: MetricRow[] = [];
    for (let t = 0; t < start; t++) rows.push(this.folder.readMetrics(t));
    writeFileAtomic(this.folder.historyPath, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
    this.last = rows.at(-1) ?? null;
    return rows;
  }

  appendHistory(row: MetricRow): void {
    appendText(this.folder.historyPath, `${JSON.stringify(row)}\n`);
    this.last = row;
  }

  /** summary.json: how the last process that ran here ended, and what computed its numbers. */
  writeSummary(summary: { name: string; runId: string; exitCode: number; generations: number; backend: ActiveBackend; error?: string }): void {
    const { backend } = summary;
    writeJsonAtomic(this.folder.summaryPath, {
      name: summary.name,
      runId: summary.runId,
      status: statusOf(summary.exitCode),
      exitCode: summary.exitCode,
      generations: summary.generations,
      completedGenerations: this.folder.committedGenerations().length,
      backend: backend.name,
      ...(backend.threads !== undefined ? { threads: backend.threads } : {}),
      ...(backend.summary !== undefined ? { backendSummary: backend.summary } : {}),
      final: this.last,
      ...(summary.error ? { error: summary.error } : {}),
      finishedAt: new Date().toISOString(),
    });
  }
}
