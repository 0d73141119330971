import { mkdtempSync, rmSync } from 'node:fs';
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
