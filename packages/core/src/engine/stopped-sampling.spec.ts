import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../config/load-config.ts';
import { cpuTensorBackend, diagonalGaussianModelPlugin, engineScope, normalDatasetPlugin, readHistory, RecordingTracker, tempDir, withoutSeconds } from '../testing/index.ts';
import { RunInterrupted } from './run-interrupted.ts';

const { registry, engine } = engineScope({ plugins: { model: [diagonalGaussianModelPlugin], dataset: [normalDatasetPlugin] }, backend: cpuTensorBackend });
const root = tempDir();
afterAll(() => root.cleanup());

const config = resolveConfig(
  {
    name: 'stopped-sampling',
    seed: 4,
    generations: 1,
    dataset: { id: 'test-normal', dim: 3, train: 50, test: 50 },
    model: { id: 'test-diagonal-gaussian' },
    schedule: { id: 'constant-lambda', lambda: 0.5 },
    sampling: { count: 3500 },
    metrics: [],
    trackers: [],
  },
  registry,
);

describe('a model that cannot sample from a given index, stopped while sampling', () => {
  it('draws its stream again on resume, keeping the written batches and appending only the rest: the uninterrupted samples', async () => {
    const whole = await engine.run(config, join(root.dir, 'whole'));
    const dir = join(root.dir, 'stopped');
    const controller = new AbortController();
    const stopper = Object.assign(new RecordingTracker(), {
      progress: (generation: number, phase: string, fraction: number) => {
        if (generation === 1 && phase === 'sample' && fraction < 1) controller.abort('SIGTERM');
      },
    });
    expect(await engine.run(config, dir, { signal: controller.signal, extraTrackers: [stopper] }).catch((e: unknown) => e)).toBeInstanceOf(RunInterrupted);
    const recorder = new RecordingTracker();
    await engine.run(config, dir, { resume: true, extraTrackers: [recorder] });
    expect(recorder.notes).toContain('generation 1: 1000 of 3500 samples were kept when the run stopped; drawing the rest');
    expect(withoutSeconds(readHistory(dir))).toEqual(withoutSeconds(whole.history));
    const chunk = 'gen-001/samples/chunk-00000.bin';
    expect(readFileSync(join(dir, chunk)).equals(readFileSync(join(whole.dir, chunk)))).toBe(true);
  });
});
