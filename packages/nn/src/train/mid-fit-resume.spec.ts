import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig, RunInterrupted, verifyRun } from '@ouroboros/core';
import { engineScope, normalDatasetPlugin, readHistory, RecordingTracker, tempDir, withoutSeconds } from '@ouroboros/core/testing';
import { tensorBackend } from '../backend/select-backend.ts';
import { mlpGaussianModelPlugin } from '../testing/mlp-gaussian-model.ts';
import { TRAINING_STATE_FILE } from './trained-model.ts';

const { registry, engine } = engineScope({ plugins: { model: [mlpGaussianModelPlugin], dataset: [normalDatasetPlugin] }, backend: tensorBackend });
const root = tempDir();
afterAll(() => root.cleanup());

const config = resolveConfig(
  {
    name: 'mid-fit',
    seed: 3,
    generations: 2,
    backend: 'wasm',
    dataset: { id: 'test-normal', dim: 2, train: 64, test: 64 },
    model: { id: 'test-mlp-gaussian', hidden: 8, logEvery: 1, ema: 0.9, lr: 0.01 },
    schedule: { id: 'constant-lambda', lambda: 0.5 },
    train: { steps: 12, batchSize: 16, checkpointEvery: { steps: 4 } },
    metrics: [],
    trackers: [],
  },
  registry,
);

describe('a run stopped in the middle of a generation', () => {
  it('resumes from the fit checkpoint and ends with exactly the uninterrupted history, steps and weights', async () => {
    const whole = join(root.dir, 'whole');
    const wholeResult = await engine.run(config, whole);
    const dir = join(root.dir, 'stopped');
    const controller = new AbortController();
    const stopper = new RecordingTracker();
    stopper.logSteps = (generation, step) => {
      if (generation === 1 && step === 6) controller.abort('SIGTERM');
    };
    const error = await engine.run(config, dir, { signal: controller.signal, extraTrackers: [stopper] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunInterrupted);
    expect((error as RunInterrupted).exitCode).toBe(143);
    const latest = JSON.parse(readFileSync(join(dir, 'checkpoints', 'gen-001', 'fit', 'latest.json'), 'utf8'));
    expect(latest).toMatchObject({ position: { fitStep: 7, totalSteps: 12 } });

    const recorder = new RecordingTracker();
    const resumed = await engine.run(config, dir, { resume: true, extraTrackers: [recorder] });
    expect(recorder.steps.filter((s) => s.generation === 1).map((s) => s.step)).toEqual([7, 8, 9, 10, 11]);
    expect(withoutSeconds(resumed.history)).toEqual(withoutSeconds(wholeResult.history));
    expect(withoutSeconds(readHistory(dir))).toEqual(withoutSeconds(wholeResult.history));
    const bytes = (d: string, file: string) => readFileSync(join(d, file));
    for (const file of ['gen-001/steps.jsonl', 'gen-002/steps.jsonl', `gen-002/model/${TRAINING_STATE_FILE}`, 'gen-002/samples/chunk-00000.bin']) {
      expect(bytes(dir, file).equals(bytes(whole, file)), file).toBe(true);
    }
    expect(existsSync(join(dir, 'checkpoints'))).toBe(false);
  });

  it('never trains on a damaged checkpoint: verify names the file, resume discards it with a note and fits again to the same numbers', async () => {
    const whole = join(root.dir, 'whole-for-damage');
    const wholeResult = await engine.run(config, whole);
    for (const [name, file] of [
      ['state', `fit/state-7/${TRAINING_STATE_FILE}`],
      ['latest', 'fit/latest.json'],
    ]) {
      const dir = join(root.dir, `damaged-${name}`);
      const controller = new AbortController();
      const stopper = new RecordingTracker();
      stopper.logSteps = (generation, step) => {
        if (generation === 1 && step === 6) controller.abort('SIGTERM');
      };
      await engine.run(config, dir, { signal: controller.signal, extraTrackers: [stopper] }).catch(() => {});
      const path = join(dir, 'checkpoints', 'gen-001', file!);
      const bytes = readFileSync(path);
      // One flipped bit: a weight's low mantissa bit, or the first decimal of a recent loss in latest.json (still valid JSON).
      const at = name === 'latest' ? bytes.indexOf('.', bytes.indexOf('"recentLosses"')) + 1 : bytes.length - 1;
      bytes[at]! ^= 1;
      writeFileSync(path, bytes);
      expect(verifyRun(dir)).toEqual([expect.stringContaining(name === 'latest' ? `${path}: sha256 differs` : `${path}: sha256 differs from ${join(dir, 'checkpoints', 'gen-001', 'fit', 'latest.json')}`)]);

      const recorder = new RecordingTracker();
      const resumed = await engine.run(config, dir, { resume: true, extraTrackers: [recorder] });
      expect(recorder.notes).toContainEqual(expect.stringMatching(/generation 1's checkpoint fit is discarded and computed again \(the same numbers, more time\)$/));
      expect(recorder.steps.filter((s) => s.generation === 1).map((s) => s.step)[0]).toBe(0);
      expect(withoutSeconds(resumed.history)).toEqual(withoutSeconds(wholeResult.history));
      expect(readFileSync(join(dir, 'gen-001/steps.jsonl')).equals(readFileSync(join(whole, 'gen-001/steps.jsonl')))).toBe(true);
    }
  });
});
