import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cellId } from '../config/cell-id.ts';
import { resolveConfig } from '../config/load-config.ts';
import type { BackendOptions, TensorBackend } from '../contracts/tensor-backend.ts';
import { diagonalGaussianModelPlugin, engineScope, normalDatasetPlugin, RecordingTracker, tempDir } from '../testing/index.ts';

/** A backend that computes on tfjs's cpu but calls itself native, and keeps the options it was asked with. */
const asked: BackendOptions[] = [];
const nativeLike: TensorBackend = {
  async select(_preferred, options = {}) {
    asked.push(options);
    await tf.setBackend('cpu');
    const threads = options.threads ?? 4;
    return { name: 'native', tfBackend: 'cpu', threads, summary: `backend native: TestBLAS: BatchMatMul; threads TestBLAS ${threads}` };
  },
};

const { registry, engine } = engineScope({ plugins: { model: [diagonalGaussianModelPlugin], dataset: [normalDatasetPlugin] }, backend: nativeLike });
const root = tempDir();
afterAll(() => root.cleanup());

const base = {
  name: 'backend-record',
  generations: 2,
  dataset: { id: 'test-normal', dim: 2, train: 20, test: 100 },
  model: { id: 'test-diagonal-gaussian' },
  schedule: { id: 'fully-synthetic' },
  metrics: [],
  trackers: [],
};
const config = (overrides: string[] = []) => resolveConfig(base, registry, { overrides });
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;

describe('what computed a run', () => {
  it('asks the backend for the config\'s threads, tells the trackers its summary line and records backend, threads and summary in summary.json', async () => {
    const dir = join(root.dir, 'two');
    const tracker = new RecordingTracker();
    await engine.run(config(['threads=2']), dir, { extraTrackers: [tracker] });
    expect(asked.at(-1)).toEqual({ threads: 2 });
    expect(tracker.run?.backend).toBe('native');
    expect(tracker.notes).toContain('backend native: TestBLAS: BatchMatMul; threads TestBLAS 2');
    expect(summaryOf(dir)).toMatchObject({ status: 'finished', backend: 'native', threads: 2, backendSummary: 'backend native: TestBLAS: BatchMatMul; threads TestBLAS 2' });
  });

  it('lets a resume or a new run of the same config use another thread count in the same folder, and records the one used', async () => {
    const dir = join(root.dir, 'resumed');
    await engine.run(config(['threads=2']), dir);
    rmSync(join(dir, 'gen-002'), { recursive: true });
    await engine.run(config(['threads=1']), dir, { resume: true });
    expect(summaryOf(dir)).toMatchObject({ status: 'finished', completedGenerations: 3, threads: 1 });
    rmSync(join(dir, 'gen-002'), { recursive: true });
    await engine.run(config(), dir, { resume: true });
    expect(asked.at(-1)).toEqual({ threads: undefined });
    expect(summaryOf(dir)).toMatchObject({ status: 'finished', threads: 4 });
    expect(cellId(config(['threads=2']).config)).toBe(cellId(config().config));
    // A real difference is still refused.
    await expect(engine.run(config(['threads=2', 'seed=3']), dir, { resume: true })).rejects.toThrow(/holds a run of a different config \(seed: \(absent\) in the folder, 3 now\)/);
  });
});

describe('summary.json across a resume', () => {
  it("keeps ouro theory's findings, which are of generation 0 and the run's data, while the engine's own keys are rewritten", async () => {
    const dir = join(root.dir, 'theory-kept');
    await engine.run(config(), dir);
    const theory = { certificate: { alpha: 0.5, lipschitz: 2, epsilon: 0.1 } };
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ ...summaryOf(dir), status: 'stopped', theory }));
    rmSync(join(dir, 'gen-002'), { recursive: true });
    await engine.run(config(['threads=1']), dir, { resume: true });
    expect(summaryOf(dir)).toMatchObject({ status: 'finished', completedGenerations: 3, threads: 1, theory });
  });
});
