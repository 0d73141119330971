import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { container } from 'tsyringe';
import { z } from 'zod';
import { DatasetPlugin } from '../contracts/dataset.ts';
import { MetricPlugin } from '../contracts/metric.ts';
import { ModelPlugin } from '../contracts/model.ts';
import { TrackerPlugin } from '../contracts/tracker.ts';
import type { MetricPlugin as MetricPluginType } from '../contracts/metric.ts';
import type { TrackerPlugin as TrackerPluginType } from '../contracts/tracker.ts';
import { resolveConfig } from '../config/load-config.ts';
import { PluginRegistry } from '../registry/plugin-registry.ts';
import { corePlugins } from '../register.ts';
import { diagonalGaussianModelPlugin, normalDatasetPlugin, readHistory, RecordingTracker, tempDir, withoutSeconds } from '../testing/index.ts';
import { RetrainingEngine } from './retraining-engine.ts';
import { SampleStore } from '../store/sample-store.ts';
import { readTrainingSetManifest } from '../store/training-set-manifest.ts';

/** Variance of the generated samples over that of held-out real data, averaged over dimensions. */
const varianceRatio: MetricPluginType<Record<string, never>> = {
  id: 'variance-ratio',
  description: 'test metric',
  options: z.strictObject({}),
  create: () => ({
    async compute({ real, generated }) {
      const variance = async (data: Float32Array | Uint8Array) => {
        const x = Array.from(data);
        const m = x.reduce((s, v) => s + v, 0) / x.length;
        return x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length;
      };
      return { variance_ratio: (await variance(await generated.readAll())) / (await variance(await real.readAll())) };
    },
  }),
};

const brokenTracker: TrackerPluginType<Record<string, never>> = {
  id: 'broken',
  description: 'a tracker whose network is down',
  options: z.strictObject({}),
  create: () => ({
    start: async () => {},
    log: () => {
      throw new Error('ECONNREFUSED 127.0.0.1:9');
    },
    logImage: () => {},
    finish: async () => {},
  }),
};

const scope = container.createChildContainer();
corePlugins.register(scope);
scope.register(ModelPlugin, { useValue: diagonalGaussianModelPlugin });
scope.register(DatasetPlugin, { useValue: normalDatasetPlugin });
scope.register(MetricPlugin, { useValue: varianceRatio });
scope.register(TrackerPlugin, { useValue: brokenTracker });
scope.register(PluginRegistry, { useFactory: (c) => PluginRegistry.fromContainer(c) });
const registry = scope.resolve(PluginRegistry);
const engine = scope.resolve(RetrainingEngine);

const root = tempDir();
afterAll(() => root.cleanup());

function config(overrides: string[] = []) {
  return resolveConfig(
    {
      name: 'engine-test',
      seed: 5,
      generations: 6,
      backend: 'cpu',
      dataset: { id: 'test-normal', dim: 3, train: 40, test: 400 },
      model: { id: 'test-diagonal-gaussian' },
      schedule: { id: 'fully-synthetic' },
      metrics: [{ id: 'variance-ratio' }],
      trackers: [{ id: 'local' }],
    },
    registry,
    overrides,
  );
}

describe('RetrainingEngine', () => {
  it('runs generations 0..G, writes the run folder, and shows the fully synthetic variance falling', async () => {
    const dir = join(root.dir, 'full');
    const result = await engine.run(config(), dir);
    expect(result.history.map((r) => r.generation)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(withoutSeconds(readHistory(dir))).toEqual(withoutSeconds(result.history));
    expect(readdirSync(join(dir, 'gen-000')).sort()).toEqual(['metrics.json', 'model', 'samples', 'samples.png', 'training-set.json']);
    expect(readdirSync(join(dir, 'gen-006')).sort()).toEqual(['metrics.json', 'model', 'samples', 'samples.png', 'training-set.0.u32', 'training-set.json']);
    expect(JSON.parse(readFileSync(join(dir, 'gen-003', 'training-set.json'), 'utf8'))).toEqual({
      count: 40,
      segments: [{ label: 'gen-2', source: 'gen-002/samples', count: 40, of: 40, indices: 'training-set.0.u32' }],
    });
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toMatchObject({ status: 'finished', completedGenerations: 7 });
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).schedule).toEqual({ id: 'fully-synthetic' });
    const last = result.history.at(-1)!;
    expect(last.variance_ratio).toBeLessThan(result.history[0]!.variance_ratio!);
    expect(last.train_loss).toBeTypeOf('number');
  });

  it('keeps each training set on disk: the manifest rebuilds exactly the rows mixed for that generation', async () => {
    const dir = join(root.dir, 'manifest');
    await engine.run(config(['schedule.id=fresh-real', 'schedule.lambda=0.5', 'generations=2']), dir);
    const set = readTrainingSetManifest(join(dir, 'gen-002'), dir);
    expect(set.composition()).toEqual({ count: 60, segments: [{ label: 'fresh-real', count: 40, of: 40 }, { label: 'gen-1', count: 20, of: 40 }] });
    const values = await set.readAll();
    const fresh = await SampleStore.open(join(dir, 'gen-002', 'fresh-real')).readAll();
    const newest = await SampleStore.open(join(dir, 'gen-001', 'samples')).readAll();
    expect(values.subarray(0, 120)).toEqual(fresh);
    const drawn = new Set(Array.from({ length: 20 }, (_, i) => values.subarray(120 + 3 * i, 123 + 3 * i).join()));
    const all = new Set(Array.from({ length: 40 }, (_, i) => newest.subarray(3 * i, 3 * i + 3).join()));
    expect(drawn.size).toBe(20);
    for (const row of drawn) expect(all.has(row)).toBe(true);
  });

  it('gives the same numbers for the same config and seed', async () => {
    const a = await engine.run(config(), join(root.dir, 'same-a'));
    const b = await engine.run(config(), join(root.dir, 'same-b'));
    expect(withoutSeconds(b.history)).toEqual(withoutSeconds(a.history));
    const c = await engine.run(config(['seed=6']), join(root.dir, 'same-c'));
    expect(withoutSeconds(c.history)).not.toEqual(withoutSeconds(a.history));
  });

  it.each([
    ['fully-synthetic', []],
    ['constant-lambda', ['schedule.id=constant-lambda', 'schedule.lambda=0.5']],
    ['accumulate', ['schedule.id=accumulate']],
    ['fresh-real', ['schedule.id=fresh-real', 'schedule.lambda=1']],
    ['from scratch', ['train.warmStart=false', 'schedule.id=constant-lambda', 'schedule.lambda=1']],
  ])('%s: a run stopped after generation k and resumed equals the uninterrupted run exactly', async (name, overrides) => {
    const cfg = config(overrides as string[]);
    const whole = await engine.run(cfg, join(root.dir, `whole-${name}`));
    const dir = join(root.dir, `resumed-${name}`);
    await engine.run(cfg, dir);
    // Simulate a crash during generation 4: generations 4.. never committed, one half written.
    for (const t of [4, 5, 6]) rmSync(join(dir, `gen-00${t}`), { recursive: true });
    mkdirSync(join(dir, 'gen-004.partial', 'samples'), { recursive: true });
    writeFileSync(join(dir, 'gen-004.partial', 'samples', 'chunk-00000.bin'), 'torn');
    const recorder = new RecordingTracker();
    const resumed = await engine.run(cfg, dir, { resume: true, extraTrackers: [recorder] });
    expect(recorder.run?.startGeneration).toBe(4);
    expect(recorder.rows.map((r) => r.step)).toEqual([4, 5, 6]);
    expect(withoutSeconds(resumed.history)).toEqual(withoutSeconds(whole.history));
    expect(withoutSeconds(readHistory(dir))).toEqual(withoutSeconds(whole.history));
    expect(existsSync(join(dir, 'gen-004.partial'))).toBe(false);
    const bytes = (d: string) => readFileSync(join(d, 'gen-006', 'samples', 'chunk-00000.bin'));
    expect(bytes(dir).equals(bytes(join(root.dir, `whole-${name}`)))).toBe(true);
  });

  it('refuses to overwrite a finished run or a folder of another config, writing nothing', async () => {
    const dir = join(root.dir, 'guard');
    await engine.run(config(), dir);
    const before = readFileSync(join(dir, 'history.jsonl'), 'utf8');
    await expect(engine.run(config(), dir)).rejects.toThrow(/already holds this config's finished run \(generations 0\.\.6\); expected an empty folder/);
    await expect(engine.run(config(['seed=9']), dir)).rejects.toThrow(/already holds a run of a different config/);
    expect(readFileSync(join(dir, 'history.jsonl'), 'utf8')).toBe(before);
  });

  it('keeps training when a tracker throws, and says so once', async () => {
    const recorder = new RecordingTracker();
    const cfg = config(['trackers=[{id: local}, {id: broken}]']);
    const result = await engine.run(cfg, join(root.dir, 'broken-tracker'), { extraTrackers: [recorder] });
    expect(result.history).toHaveLength(7);
    expect(recorder.notes.filter((n) => n.includes("tracker 'broken' failed"))).toHaveLength(1);
  });

  it('stops at a safe point when its signal aborts, marks the run interrupted, and resumes to the same numbers', async () => {
    const cfg = config();
    const whole = await engine.run(cfg, join(root.dir, 'abort-whole'));
    const dir = join(root.dir, 'abort');
    const controller = new AbortController();
    const stopper = new RecordingTracker();
    stopper.log = (row, step) => {
      if (step === 2) controller.abort();
    };
    await expect(engine.run(cfg, dir, { signal: controller.signal, extraTrackers: [stopper] })).rejects.toThrow(
      /interrupted during generation 3; generations before it are committed; continue with 'ouro resume/,
    );
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toMatchObject({ status: 'interrupted', exitCode: 130, completedGenerations: 3 });
    const resumed = await engine.run(cfg, dir, { resume: true });
    expect(withoutSeconds(resumed.history)).toEqual(withoutSeconds(whole.history));
  });

  it('keeps the number of live tensors flat across generations', async () => {
    const before = tf.memory().numTensors;
    await engine.run(config(['generations=3']), join(root.dir, 'memory'));
    expect(tf.memory().numTensors).toBe(before);
  });
});
