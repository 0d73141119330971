import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSplit } from '../contracts/dataset.ts';
import type { MetricRow } from '../contracts/tracker.ts';
import { LinkRefused, removeInside } from '../store/remove-inside.ts';

/** The top-level names of a run folder that ouroboros writes; nothing else in it is ever touched. */
const OWN_NAMES = ['run.json', 'config.json', 'history.jsonl', 'summary.json', 'real', 'features', 'checkpoints'];
const isOwnName = (name: string) => OWN_NAMES.includes(name) || /^gen-\d{3,}(\.partial)?$/.test(name);

/**
 * The layout of one run's folder:
 *   run.json, config.json, history.jsonl, summary.json, real/{train,test}/, features/<extractor>/<split>/,
 *   checkpoints/gen-XXX/ (only while generation XXX is in progress),
 *   gen-000/{model/, samples/, samples.png, training-set.json, steps.jsonl, metrics.json}, gen-001/, ...
 * A generation folder exists only once it is complete; it is written as gen-XXX.partial first.
 */
export class RunFolder {
  constructor(readonly root: string) {}

  /** The marker that makes a folder an ouroboros run: format, run id, plugin versions, the user's config. */
  get markerPath(): string {
    return join(this.root, 'run.json');
  }
  get configPath(): string {
    return join(this.root, 'config.json');
  }
  get historyPath(): string {
    return join(this.root, 'history.jsonl');
  }
  get summaryPath(): string {
    return join(this.root, 'summary.json');
  }
  realDir(split: DataSplit): string {
    return join(this.root, 'real', split);
  }
  featuresDir(extractorKey: string, split: DataSplit): string {
    return join(this.root, 'features', extractorKey, split);
  }

  generationName(t: number): string {
    return `gen-${String(t).padStart(3, '0')}`;
  }
  generationDir(t: number): string {
    return join(this.root, this.generationName(t));
  }
  partialGenerationDir(t: number): string {
    return `${this.generationDir(t)}.partial`;
  }
  /** Mid-fit training state and per-step logs of generation t: kept across a crash, removed on commit. */
  checkpointDir(t: number): string {
    return join(this.root, 'checkpoints', this.generationName(t));
  }

  /** Drops generation t's checkpoint folder (and `checkpoints/` once empty): its generation has committed. */
  removeCheckpoint(t: number): void {
    removeInside(this.root, this.checkpointDir(t));
    const parent = join(this.root, 'checkpoints');
    if (existsSync(parent) && readdirSync(parent).length === 0) removeInside(this.root, parent);
  }

  ensure(): void {
    mkdirSync(this.root, { recursive: true });
  }

  /**
   * Committed generations 0..k, ascending. A committed folder without its metrics.json, or a gap in
   * the numbering, is damage to report, not something to skip over.
   */
  committedGenerations(): number[] {
    if (!existsSync(this.root)) return [];
    const found: number[] = [];
    for (const name of readdirSync(this.root)) {
      const match = /^gen-(\d{3,})$/.exec(name);
      if (!match) continue;
      if (!existsSync(join(this.root, name, 'metrics.json'))) {
        throw new Error(`${join(this.root, name)}: a committed generation without metrics.json; the run folder is damaged (run 'ouro verify ${this.root}')`);
      }
      found.push(Number(match[1]));
    }
    found.sort((a, b) => a - b);
    found.forEach((t, i) => {
      if (t !== i) throw new Error(`${this.generationDir(i)}: missing while ${this.generationName(t)} exists; the run folder is damaged (run 'ouro verify ${this.root}')`);
    });
    return found;
  }

  /** Removes every file ouroboros writes in a run folder (and nothing else), for --overwrite. */
  clearRun(): void {
    for (const name of readdirSync(this.root)) if (isOwnName(name)) removeInside(this.root, join(this.root, name));
  }

  /**
   * Refuses a run folder where ouroboros's own entries, or anything in the folders it deletes from
   * (checkpoints, half-written generations, features), is a link: ouroboros writes and deletes only
   * inside the run folder, and a link could lead it to another folder's files.
   */
  refuseLinks(): void {
    if (!existsSync(this.root)) return;
    for (const name of readdirSync(this.root)) {
      if (!isOwnName(name)) continue;
      const path = join(this.root, name);
      const deep = name === 'checkpoints' || name === 'features' || name.endsWith('.partial');
      if (lstatSync(path).isSymbolicLink()) throw new LinkRefused(path);
      if (deep && lstatSync(path).isDirectory()) refuseLinksBelow(path);
    }
  }

  /** The metrics row a committed generation wrote. */
  readMetrics(t: number): MetricRow {
    const path = join(this.generationDir(t), 'metrics.json');
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as MetricRow;
    } catch (error) {
      throw new Error(`${path}: cannot read the generation's metrics (${(error as Error).message.split('\n')[0]})`);
    }
  }

  /**
   * Removes what a crash can leave behind that resuming at generation `next` does not use:
   * half-written generation folders, and checkpoints of generations other than `next`.
   */
  removeLeftovers(next: number): void {
    if (!existsSync(this.root)) return;
    for (const name of readdirSync(this.root)) {
      if (/^gen-\d{3,}\.partial$/.test(name)) removeInside(this.root, join(this.root, name));
    }
    const checkpoints = join(this.root, 'checkpoints');
    if (!existsSync(checkpoints)) return;
    for (const name of readdirSync(checkpoints)) {
      if (name !== this.generationName(next)) removeInside(this.root, join(checkpoints, name));
    }
  }
}

function refuseLinksBelow(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) throw new LinkRefused(path);
    if (stats.isDirectory()) refuseLinksBelow(path);
  }
}
