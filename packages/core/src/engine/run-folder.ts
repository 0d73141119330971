import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricRow } from '../contracts/tracker.ts';

/**
 * The layout of one run's folder:
 *   config.json, history.jsonl, summary.json, real/{train,test}/,
 *   gen-000/{model/, samples/, samples.png, training-set.json, metrics.json}, gen-001/, ...
 * A generation folder exists only once it is complete; it is written as gen-XXX.partial first.
 */
export class RunFolder {
  constructor(readonly root: string) {}

  get configPath(): string {
    return join(this.root, 'config.json');
  }
  get historyPath(): string {
    return join(this.root, 'history.jsonl');
  }
  get summaryPath(): string {
    return join(this.root, 'summary.json');
  }
  get realTrainDir(): string {
    return join(this.root, 'real', 'train');
  }
  get realTestDir(): string {
    return join(this.root, 'real', 'test');
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

  ensure(): void {
    mkdirSync(this.root, { recursive: true });
  }

  /** Committed generations 0..k with no gap, ascending. */
  committedGenerations(): number[] {
    if (!existsSync(this.root)) return [];
    const found = new Set<number>();
    for (const name of readdirSync(this.root)) {
      const match = /^gen-(\d{3,})$/.exec(name);
      if (match && existsSync(join(this.root, name, 'metrics.json'))) found.add(Number(match[1]));
    }
    const generations: number[] = [];
    while (found.has(generations.length)) generations.push(generations.length);
    return generations;
  }

  /** The metrics row a committed generation wrote. */
  readMetrics(t: number): MetricRow {
    return JSON.parse(readFileSync(join(this.generationDir(t), 'metrics.json'), 'utf8')) as MetricRow;
  }

  /** Removes half-written generation folders left by a crash. */
  removePartials(): void {
    if (!existsSync(this.root)) return;
    for (const name of readdirSync(this.root)) {
      if (/^gen-\d{3,}\.partial$/.test(name)) rmSync(join(this.root, name), { recursive: true, force: true });
    }
  }
}
