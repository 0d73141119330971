import { existsSync, readFileSync } from 'node:fs';
import type { ActiveBackend } from '../contracts/tensor-backend.ts';
import type { MetricRow } from '../contracts/tracker.ts';
import { canonicalJson } from '../config/cell-id.ts';
import { withoutExecutionSettings } from '../config/execution-settings.ts';
import { appendText, writeFileAtomic, writeJsonAtomic } from '../store/atomic-write.ts';
import { sha256Of } from '../store/file-checksums.ts';
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
  /** sha256 of the canonical JSON of every other field: an edit of run.json is refused (absent in runs of older versions). */
  readonly sha256?: string;
}

/** The marker with its sha256 over every other field. */
export function sealMarker(marker: Omit<RunMarker, 'sha256'>): RunMarker {
  return { ...marker, sha256: sha256Of(canonicalJson(marker)) };
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

  /**
   * Why run.json cannot be trusted, or null: its sha256 differs from its content (it was edited).
   * The line names the first config field whose value differs from config.json, which holds the
   * config the last process ran with.
   */
  markerProblem(marker: RunMarker): string | null {
    const { sha256, ...content } = marker;
    if (sha256 === undefined || sha256Of(canonicalJson(content)) === sha256) return null;
    const path = this.folder.markerPath;
    const edited = editedField(withoutExecutionSettings(marker.config), withoutExecutionSettings(readJsonOrNull(this.folder.configPath)));
    const what = edited ? `config field ${edited.path} reads ${JSON.stringify(edited.now)} but the run was made with ${JSON.stringify(edited.was)} (config.json)` : 'changed since ouro wrote it (its sha256 differs)';
    return `${path}: ${what}; a run's config, seed and id cannot change after it starts: restore run.json, or start a new run with another --out`;
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
    // `ouro theory`'s findings are of generation 0 and the run's data, which a resume keeps
    const { theory } = (readJsonOrNull(this.folder.summaryPath) ?? {}) as { theory?: unknown };
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
      ...(theory !== undefined ? { theory } : {}),
      finishedAt: new Date().toISOString(),
    });
  }
}

function readJsonOrNull(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** The first leaf of `user` (dotted path) whose value differs from the same path in `resolved`, where `resolved` has one. */
function editedField(user: unknown, resolved: unknown, path = ''): { path: string; now: unknown; was: unknown } | null {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObject(user)) {
    if (isObject(resolved) || resolved === undefined) return null;
    return canonicalJson(user) === canonicalJson(resolved) ? null : { path, now: user, was: resolved };
  }
  if (!isObject(resolved)) return null;
  for (const key of Object.keys(user).sort()) {
    const found = editedField(user[key], resolved[key], path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}
