import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunContext } from '../contracts/run-context.ts';
import type { TensorBackend } from '../contracts/tensor-backend.ts';
import { Rng } from '../rng/rng.ts';

/** A RunContext for tests: seeded and silent; `overrides` replace any part (a signal, a log, a checkpoint folder). */
export function testContext(seed = 0, generation = 0, overrides: Partial<RunContext> = {}): RunContext {
  return {
    generation,
    rng: Rng.from(seed, 'test', generation),
    backend: tf.getBackend() ?? 'cpu',
    progress: () => {},
    signal: new AbortController().signal,
    log: () => {},
    checkpointDir: join(tmpdir(), `ouroboros-test-checkpoints-${process.pid}-${seed}-${generation}`),
    ...overrides,
  };
}

/** The plain-JavaScript tfjs backend, for engine tests in core (packages with `nn` use its selectBackend). */
export const cpuTensorBackend: TensorBackend = {
  async select() {
    await tf.setBackend('cpu');
    return { name: 'cpu', tfBackend: 'cpu' };
  },
};

/** A fresh temporary folder and a function that removes it. */
export function tempDir(prefix = 'ouroboros-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export { DiagonalGaussianModel, diagonalGaussianModelPlugin } from './diagonal-gaussian-model.ts';
export { normalDatasetPlugin } from './normal-dataset.ts';
export { tinyImagesDatasetPlugin } from './tiny-images-dataset.ts';
export { RecordingTracker } from './recording-tracker.ts';
export { engineScope, type EngineScopeParts } from './engine-scope.ts';
export { findPython, runPython } from './python.ts';
export { maxAbsDiff, randomSymmetric, randomSpd } from './matrices.ts';
export { twoMoons, nearMoons } from './two-moons.ts';
export { referenceFrechetDistance, fittedFrechetDistance, type MeanAndCovariance } from './reference-frechet.ts';
export { memorySource, vectorStore, vectorInfo, recordingEnv, identityFeatures, metricInput, unusedModel } from './metric-inputs.ts';

/** The rows of a run folder's history.jsonl. */
export function readHistory(dir: string): Array<Record<string, number>> {
  return readFileSync(join(dir, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, number>);
}

/** History rows without wall-clock time, the one field that differs between identical runs. */
export function withoutSeconds(rows: ReadonlyArray<Record<string, number>>): Array<Record<string, number>> {
  return rows.map(({ seconds: _seconds, ...rest }) => rest);
}

/** The config of a small, fast run (a diagonal Gaussian on 2-d normal data, 20 + 20 samples), with `fields` over it. */
export function gaussianRunConfig(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'gaussian',
    seed: 1,
    generations: 2,
    dataset: { id: 'test-normal', dim: 2, train: 20, test: 20 },
    model: { id: 'test-diagonal-gaussian' },
    schedule: { id: 'constant-lambda', lambda: 0.5 },
    metrics: [],
    trackers: [],
    ...fields,
  };
}

/** The message `act` throws, or 'no error'. */
export function thrownMessage(act: () => unknown): string {
  try {
    act();
    return 'no error';
  } catch (error) {
    return (error as Error).message;
  }
}

/** The message a promise rejects with, or 'no error'. */
export function errorOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'no error',
    (error: Error) => error.message,
  );
}
