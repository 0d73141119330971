import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunContext } from '../contracts/run-context.ts';
import { Rng } from '../rng/rng.ts';

/** A RunContext for tests: seeded, silent, cpu-agnostic. */
export function testContext(seed = 0, generation = 0, backend = 'test'): RunContext {
  return { generation, rng: Rng.from(seed, 'test', generation), backend, progress: () => {} };
}

/** A fresh temporary folder and a function that removes it. */
export function tempDir(prefix = 'ouroboros-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export { DiagonalGaussianModel, diagonalGaussianModelPlugin } from './diagonal-gaussian-model.ts';
export { normalDatasetPlugin } from './normal-dataset.ts';
export { RecordingTracker } from './recording-tracker.ts';

/** The rows of a run folder's history.jsonl. */
export function readHistory(dir: string): Array<Record<string, number>> {
  return readFileSync(join(dir, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, number>);
}

/** History rows without wall-clock time, the one field that differs between identical runs. */
export function withoutSeconds(rows: ReadonlyArray<Record<string, number>>): Array<Record<string, number>> {
  return rows.map(({ seconds: _seconds, ...rest }) => rest);
}
