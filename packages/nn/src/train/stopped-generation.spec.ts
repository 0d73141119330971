import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { resolveConfig, RunInterrupted, verifyRun, type MetricPlugin } from '@ouroboros/core';
import { engineScope, normalDatasetPlugin, readHistory, RecordingTracker, tempDir, withoutSeconds } from '@ouroboros/core/testing';
import { tensorBackend } from '../backend/select-backend.ts';
import { mlpGaussianModelPlugin } from '../testing/mlp-gaussian-model.ts';

/** Each metric's computations, by metric and generation; `during` runs inside a computation (a test's fault or stop). */
const computed: string[] = [];
let during: (metric: string, generation: number, runDir: string) => void = () => {};
const meanMetric = (id: string, scale: number): MetricPlugin<Record<string, never>> => ({
  id,
  description: 'test metric: the mean of the generated samples, scaled',
  options: z.strictObject({}),
  create: () => ({
    async compute({ generated }, ctx) {
      computed.push(`${id}@${ctx.generation}`);
      during(id, ctx.generation, runDir);
      const values = Array.from(await generated.readAll());
      return { [id]: (scale * values.reduce((a, b) => a + b, 0)) / values.length };
    },
  }),
});

const { registry, engine } = engineScope({
  plugins: { model: [mlpGaussianModelPlugin], dataset: [normalDatasetPlugin], metric: [meanMetric('first', 1), meanMetric('second', 2)] },
  backend: tensorBackend,
});
const root = tempDir();
afterAll(() => root.cleanup());
let runDir = '';

const config = resolveConfig(
  {
    name: 'stopped-generation',
    seed: 5,
    generations: 2,
    backend: 'wasm',
    dataset: { id: 'test-normal', dim: 2, train: 64, test: 64 },
    model: { id: 'test-mlp-gaussian', hidden: 8, logEvery: 1, ema: 0.9, lr: 0.01 },
    schedule: { id: 'constant-lambda', lambda: 0.5 },
    train: { steps: 12, batchSize: 16, checkpointEvery: { steps: 4 } },
    sampling: { count: 3000 },
    metrics: [{ id: 'first' }, { id: 'second' }],
    trackers: [],
  },
  registry,
);

let whole: { dir: string; history: Array<Record<string, number>> } | null = null;
/** The uninterrupted run every stopped one must end equal to. */
async function uninterrupted() {
  whole ??= await engine.run(config, join(root.dir, 'whole'));
  return whole;
}

function expectSameRun(dir: string, reference: string): void {
  expect(withoutSeconds(readHistory(dir))).toEqual(withoutSeconds(readHistory(reference)));
  for (const t of [0, 1, 2]) {
    for (const file of ['steps.jsonl', 'samples/chunk-00000.bin', 'model/training-state.safetensors']) {
      const path = `gen-00${t}/${file}`;
      expect(readFileSync(join(dir, path)).equals(readFileSync(join(reference, path))), path).toBe(true);
    }
  }
  expect(verifyRun(dir)).toEqual([]);
  expect(existsSync(join(dir, 'checkpoints'))).toBe(false);
}

describe('the commit window', () => {
  it('loses no training-log row when writing checksums.json fails: resume commits every step of the fit', async () => {
    const reference = await uninterrupted();
    runDir = join(root.dir, 'full-at-commit');
    const planted = join(runDir, 'gen-001.partial', `checksums.json.tmp-${process.pid}`);
    // A folder where checksums.json's temporary file goes: its write fails (EISDIR) as a full disk would.
    during = (metric, generation) => {
      if (metric === 'second' && generation === 1) mkdirSync(planted);
    };
    const error = await engine.run(config, runDir).catch((e: unknown) => e);
    during = () => {};
    expect(String(error)).toMatch(/gen-001\.partial\/checksums\.json: cannot write /);
    const recorder = new RecordingTracker();
    await engine.run(config, runDir, { resume: true, extraTrackers: [recorder] });
    expect(readFileSync(join(runDir, 'gen-001', 'steps.jsonl'), 'utf8').trim().split('\n')).toHaveLength(12);
    expect(recorder.steps.filter((s) => s.generation === 1)).toEqual([]);
    expectSameRun(runDir, reference.dir);
  });
});

describe('a stop keeps what the generation finished', () => {
  it('during sampling: resume neither fits again nor draws the kept batches again, and ends with the uninterrupted numbers', async () => {
    const reference = await uninterrupted();
    runDir = join(root.dir, 'stopped-in-sampling');
    const controller = new AbortController();
    const stopper = Object.assign(new RecordingTracker(), {
      progress: (generation: number, phase: string, fraction: number) => {
        if (generation === 1 && phase === 'sample' && fraction > 0.3) controller.abort('SIGTERM');
      },
    });
    const error = await engine.run(config, runDir, { signal: controller.signal, extraTrackers: [stopper] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunInterrupted);
    expect(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'))).toMatchObject({ status: 'interrupted', exitCode: 143 });
    expect(existsSync(join(runDir, 'run.lock'))).toBe(false);

    const recorder = new RecordingTracker();
    await engine.run(config, runDir, { resume: true, extraTrackers: [recorder] });
    expect(recorder.steps.filter((s) => s.generation === 1)).toEqual([]);
    expect(recorder.notes).toContain('generation 1: its fit finished before the run stopped; sampling from the kept model');
    expect(recorder.notes).toContain('generation 1: 1024 of 3000 samples were kept when the run stopped; drawing the rest');
    expectSameRun(runDir, reference.dir);
  });

  it('during metrics: resume computes only the metrics not yet computed, and ends with the uninterrupted numbers', async () => {
    const reference = await uninterrupted();
    runDir = join(root.dir, 'stopped-in-metrics');
    const controller = new AbortController();
    during = (metric, generation) => {
      if (metric === 'second' && generation === 1) controller.abort('SIGINT');
    };
    const error = await engine.run(config, runDir, { signal: controller.signal }).catch((e: unknown) => e);
    during = () => {};
    expect((error as RunInterrupted).exitCode).toBe(130);
    computed.length = 0;
    const recorder = new RecordingTracker();
    await engine.run(config, runDir, { resume: true, extraTrackers: [recorder] });
    expect(computed).toEqual(['second@1', 'first@2', 'second@2']);
    expect(recorder.steps.filter((s) => s.generation === 1)).toEqual([]);
    expectSameRun(runDir, reference.dir);
  });
});
