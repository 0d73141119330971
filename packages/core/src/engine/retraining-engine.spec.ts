import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { FeatureExtractorPlugin } from '../contracts/feature-extractor.ts';
import type { MetricPlugin } from '../contracts/metric.ts';
import type { ModelPlugin } from '../contracts/model.ts';
import type { TrackerPlugin } from '../contracts/tracker.ts';
import { resolveConfig } from '../config/load-config.ts';
import { decodePng } from '../images/png.ts';
import { SampleStore } from '../store/sample-store.ts';
import { readTrainingSetManifest } from '../store/training-set-manifest.ts';
import {
  cpuTensorBackend,
  diagonalGaussianModelPlugin,
  engineScope,
  normalDatasetPlugin,
  readHistory,
  RecordingTracker,
  tempDir,
  tinyImagesDatasetPlugin,
  withoutSeconds,
} from '../testing/index.ts';

/** Variance of the generated samples over that of the reference data, averaged over values. */
const varianceRatio: MetricPlugin<Record<string, never>> = {
  id: 'variance-ratio',
  description: 'test metric',
  options: z.strictObject({}),
  create: () => ({
    async compute({ reference, generated }) {
      const variance = (data: ArrayLike<number>) => {
        const x = Array.from(data);
        const m = x.reduce((s, v) => s + v, 0) / x.length;
        return x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length;
      };
      return { variance_ratio: variance(await generated.readAll()) / variance(await reference.readAll()) };
    },
  }),
};

/** Counts the samples a feature extractor is asked for, to see what is computed once. */
const extracted = { count: 0, prepared: [] as number[] };
const countingFeatures: FeatureExtractorPlugin<{ scale: number }> = {
  id: 'counting',
  description: 'test extractor: samples times scale, counting its work',
  options: z.strictObject({ scale: z.number().default(1) }),
  create: ({ scale }, env) => ({
    dim: env.data.sampleShape.reduce((a, b) => a * b, 1),
    batchSize: 64,
    async prepare({ train }) {
      extracted.prepared.push(train.count);
    },
    async extract(samples, count) {
      extracted.count += count;
      return Float32Array.from(samples, (v) => v * scale);
    },
  }),
};
const featureMean: MetricPlugin<Record<string, never>> = {
  id: 'feature-mean',
  description: 'test metric on features: mean of the first feature of each set',
  options: z.strictObject({}),
  create: () => ({
    async compute(input) {
      const { reference, generated } = await input.features();
      return { reference_mean: (await reference.moments()).mean[0]!, generated_mean: (await generated.moments()).mean[0]! };
    },
  }),
};

const brokenTracker: TrackerPlugin<Record<string, never>> = {
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
const hangingTracker: TrackerPlugin<Record<string, never>> = {
  id: 'hanging',
  description: 'a tracker whose server never answers',
  options: z.strictObject({}),
  create: () => ({ start: () => new Promise(() => {}), log: () => {}, logImage: () => {}, finish: () => new Promise(() => {}) }),
};

/** The test model, counting the models it loads. */
const loads = { count: 0 };
const countingModel: ModelPlugin<Record<string, never>> = {
  ...diagonalGaussianModelPlugin,
  load: (dir, options, env) => {
    loads.count++;
    return diagonalGaussianModelPlugin.load(dir, options, env);
  },
};

/** The engine tests' scope; `extraMetrics` stand for a registry whose plugins changed since a run. */
function engineWith(...extraMetrics: MetricPlugin[]) {
  return engineScope({
    plugins: {
      model: [countingModel],
      dataset: [normalDatasetPlugin, tinyImagesDatasetPlugin],
      metric: [varianceRatio, featureMean, ...extraMetrics],
      features: [countingFeatures],
      tracker: [brokenTracker, hangingTracker],
    },
    backend: cpuTensorBackend,
  });
}
const { registry, engine } = engineWith();

const root = tempDir();
afterAll(() => root.cleanup());

const base = {
  name: 'engine-test',
  seed: 5,
  generations: 6,
  backend: 'cpu',
  dataset: { id: 'test-normal', dim: 3, train: 40, test: 400 },
  model: { id: 'test-diagonal-gaussian' },
  schedule: { id: 'fully-synthetic' },
  metrics: [{ id: 'variance-ratio' }],
  trackers: [],
};
function config(overrides: string[] = [], reg = registry) {
  return resolveConfig(base, reg, { overrides });
}
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('RetrainingEngine', () => {
  it('runs generations 0..G, writes the run files with no tracker at all, and shows the fully synthetic variance falling', async () => {
    const dir = join(root.dir, 'full');
    const result = await engine.run(config(), dir);
    expect(result.history.map((r) => r.generation)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(withoutSeconds(readHistory(dir))).toEqual(withoutSeconds(result.history));
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'gen-000', 'gen-001', 'gen-002', 'gen-003', 'gen-004', 'gen-005', 'gen-006', 'history.jsonl', 'real', 'run.json', 'summary.json']);
    expect(readdirSync(join(dir, 'gen-000')).sort()).toEqual(['checksums.json', 'metrics.json', 'model', 'samples', 'samples.png', 'training-set.json']);
    expect(readdirSync(join(dir, 'gen-006')).sort()).toEqual(['checksums.json', 'metrics.json', 'model', 'samples', 'samples.png', 'training-set.0.u32', 'training-set.json']);
    expect(json(join(dir, 'gen-003', 'training-set.json'))).toEqual({
      count: 40,
      segments: [{ name: 'gen-2', source: 'gen-002/samples', count: 40, of: 40, indices: 'training-set.0.u32' }],
    });
    expect(json(join(dir, 'summary.json'))).toMatchObject({ status: 'finished', completedGenerations: 7 });
    expect(json(join(dir, 'config.json')).schedule).toEqual({ id: 'fully-synthetic' });
    expect(json(join(dir, 'run.json'))).toMatchObject({ format: 'ouroboros.run', version: 2, config: base, plugins: { 'model:test-diagonal-gaussian': 1 } });
    const last = result.history.at(-1)!;
    expect(last.variance_ratio).toBeLessThan(result.history[0]!.variance_ratio!);
    expect(last.train_loss).toBeTypeOf('number');
  });

  it('keeps each training set on disk: the manifest rebuilds exactly the rows mixed for that generation', async () => {
    const dir = join(root.dir, 'manifest');
    await engine.run(config(['schedule.id=fresh-real', 'schedule.lambda=0.5', 'generations=2']), dir);
    const set = readTrainingSetManifest(join(dir, 'gen-002'), dir);
    expect(set.composition()).toEqual({ count: 60, segments: [{ name: 'fresh-real', count: 40, of: 40 }, { name: 'gen-1', count: 20, of: 40 }] });
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
    ['accumulate-subsample', ['schedule.id=accumulate-subsample', 'schedule.lambda=0.5']],
    ['curator likelihood-filter', ['schedule.id=constant-lambda', 'schedule.lambda=0.5', 'curator.id=likelihood-filter']],
    ['curator self-correct', ['schedule.id=constant-lambda', 'schedule.lambda=0.5', 'curator.id=self-correct', 'curator.langevin=true']],
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
    expect(recorder.rows.map((r) => r.generation)).toEqual([4, 5, 6]);
    expect(withoutSeconds(resumed.history)).toEqual(withoutSeconds(whole.history));
    expect(withoutSeconds(readHistory(dir))).toEqual(withoutSeconds(whole.history));
    expect(existsSync(join(dir, 'gen-004.partial'))).toBe(false);
    const bytes = (d: string) => readFileSync(join(d, 'gen-006', 'samples', 'chunk-00000.bin'));
    expect(bytes(dir).equals(bytes(join(root.dir, `whole-${name}`)))).toBe(true);
  });

  it('resumes a run that trains from scratch without loading the previous model it would throw away', async () => {
    const cfg = config(['train.warmStart=false', 'schedule.id=constant-lambda', 'schedule.lambda=1']);
    const dir = join(root.dir, 'scratch-loads');
    await engine.run(cfg, dir);
    rmSync(join(dir, 'gen-006'), { recursive: true });
    loads.count = 0;
    await engine.run(cfg, dir, { resume: true });
    expect(loads.count).toBe(0);
    rmSync(join(dir, 'gen-006'), { recursive: true });
    const warm = config(['train.warmStart=true', 'schedule.id=constant-lambda', 'schedule.lambda=1']);
    const warmDir = join(root.dir, 'warm-loads');
    await engine.run(warm, warmDir);
    rmSync(join(warmDir, 'gen-006'), { recursive: true });
    await engine.run(warm, warmDir, { resume: true });
    expect(loads.count).toBe(1);
  });

  it('starts generation 0 from model.init and skips its training when train.initial.steps is 0', async () => {
    const source = join(root.dir, 'init-source');
    await engine.run(config(['generations=0']), source);
    const dir = join(root.dir, 'init');
    loads.count = 0;
    await engine.run(config(['generations=1', `model.init=${join(source, 'gen-000', 'model')}`, 'train.initial.steps=0']), dir);
    expect(loads.count).toBe(1);
    const model = (d: string) => readFileSync(join(d, 'gen-000', 'model', 'diagonal-gaussian.json'), 'utf8');
    expect(model(dir)).toBe(model(source));
    await expect(engine.run(config([`model.init=${join(root.dir, 'nowhere')}`]), join(root.dir, 'init-missing'))).rejects.toThrow(/model\.init = ".*nowhere": no such folder; expected a saved model/);
  });

  it('refuses a finished run or a folder of another config, naming the field that differs, and writes nothing', async () => {
    const dir = join(root.dir, 'guard');
    await engine.run(config(), dir);
    const before = readFileSync(join(dir, 'history.jsonl'), 'utf8');
    await expect(engine.run(config(), dir)).rejects.toThrow(/already holds this config's finished run \(generations 0\.\.6\); expected an empty folder/);
    await expect(engine.run(config(['seed=9']), dir)).rejects.toThrow(/holds a run of a different config \(seed: 5 in the folder, 9 now\)/);
    expect(readFileSync(join(dir, 'history.jsonl'), 'utf8')).toBe(before);
  });

  it('judges a folder by the config as written: a plugin gaining a defaulted option still resumes, a new options version does not', async () => {
    const dir = join(root.dir, 'upgrade');
    await engine.run(config(['generations=2']), dir);
    rmSync(join(dir, 'gen-002'), { recursive: true });
    const upgraded = (version?: number) => engineWith({ ...varianceRatio, id: 'variance-ratio-2', options: z.strictObject({ clip: z.number().default(10) }), ...(version ? { version } : {}) });
    // The same user config resolves to more options (a new default) on the upgraded registry.
    const withDefault = upgraded();
    const reg = withDefault.registry;
    const userConfig = { ...base, generations: 2, metrics: [{ id: 'variance-ratio-2' }] };
    const dir2 = join(root.dir, 'upgrade-2');
    const oldRun = resolveConfig(userConfig, engineWith({ ...varianceRatio, id: 'variance-ratio-2' }).registry);
    await withDefault.engine.run(oldRun, dir2);
    rmSync(join(dir2, 'gen-002'), { recursive: true });
    const resumed = await withDefault.engine.run(resolveConfig(userConfig, reg), dir2, { resume: true });
    expect(resumed.history).toHaveLength(3);
    rmSync(join(dir2, 'gen-002'), { recursive: true });
    const bumped = upgraded(2);
    const error = await bumped.engine
      .run(resolveConfig(userConfig, bumped.registry), dir2, { resume: true })
      .catch((e: Error) => e);
    expect(String(error)).toMatch(/was made with metric:variance-ratio-2 at options version 1, which is now 2/);
    expect(String(error)).not.toMatch(/ouro resume/);
  });

  it('stores uint8 images as uint8, mixes real and generated images, keeps labels, and previews grids', async () => {
    const dir = join(root.dir, 'images');
    const recorder = new RecordingTracker();
    const cfg = resolveConfig({ ...base, generations: 3, dataset: { id: 'test-tiny-images', size: 8, train: 48, test: 32 }, schedule: { id: 'constant-lambda', lambda: 0.5 }, metrics: [{ id: 'variance-ratio' }, { id: 'feature-mean' }] }, registry);
    const result = await engine.run(cfg, dir, { extraTrackers: [recorder] });
    expect(result.history).toHaveLength(4);
    const real = SampleStore.open(join(dir, 'real', 'train'));
    expect([real.dtype, real.labelled, real.sampleShape]).toEqual(['uint8', true, [8, 8, 3]]);
    for (const t of [0, 1, 2, 3]) {
      const samples = SampleStore.open(join(dir, `gen-00${t}`, 'samples'));
      expect([samples.dtype, samples.count]).toEqual(['uint8', 48]);
    }
    const set = readTrainingSetManifest(join(dir, 'gen-002'), dir);
    expect(set.composition().segments).toEqual([{ name: 'real', count: 48, of: 48 }, { name: 'gen-1', count: 24, of: 48 }]);
    expect(set.labelled).toBe(false);
    // Generation 0 shows real images beside generated ones; later generations only generated ones.
    const grid0 = decodePng(readFileSync(join(dir, 'gen-000', 'samples.png')));
    const grid1 = decodePng(readFileSync(join(dir, 'gen-001', 'samples.png')));
    expect(grid1.width).toBe(8 * 32 + 9 * 2); // 8x8 images shown 4 times larger
    expect(grid0.width).toBe(2 * grid1.width + 8);
    expect(recorder.images.map((i) => i.generation)).toEqual([0, 1, 2, 3]);
    // The default extractor for images is pixels in [0, 1].
    expect(result.history[0]!.reference_mean).toBeGreaterThanOrEqual(0);
    expect(result.history[0]!.reference_mean).toBeLessThanOrEqual(1);
  });

  it('computes the reference features once per run, with every and reference options honoured', async () => {
    extracted.count = 0;
    extracted.prepared = [];
    const dir = join(root.dir, 'features');
    const cfg = resolveConfig(
      { ...base, generations: 4, features: [{ id: 'counting', scale: 2 }], metrics: [{ id: 'feature-mean', features: 'counting', every: 2 }, { id: 'feature-mean', features: 'counting', reference: 'train' }] },
      registry,
    );
    // Second entry's keys overwrite the first's in a row; check both sets of work instead.
    const result = await engine.run(cfg, dir);
    // test (400) and train (40) reference features once each; each generation's 40 samples once.
    expect(extracted.count).toBe(400 + 40 + 5 * 40);
    expect(extracted.prepared).toEqual([40]);
    expect(readdirSync(join(dir, 'features'))).toEqual([expect.stringMatching(/^counting-[0-9a-f]{10}$/)]);
    expect(result.history.every((row) => row.reference_mean !== undefined)).toBe(true);
    extracted.count = 0;
    rmSync(join(dir, 'gen-004'), { recursive: true });
    await engine.run(cfg, dir, { resume: true });
    expect(extracted.count).toBe(40);
  });

  it('stores the real splits once for runs beside each other (hard links into a shared cache)', async () => {
    const a = join(root.dir, 'shared', 'a');
    const b = join(root.dir, 'shared', 'b');
    await engine.run(config(['generations=0']), a);
    await engine.run(config(['generations=0', 'schedule.id=constant-lambda', 'schedule.lambda=1']), b);
    const inode = (dir: string) => statSync(join(dir, 'real', 'train', 'chunk-00000.bin')).ino;
    expect(inode(a)).toBe(inode(b));
    rmSync(join(root.dir, 'shared', '.ouroboros-data'), { recursive: true });
    expect((await SampleStore.open(join(a, 'real', 'train')).readAll()).length).toBe(120);
  });

  it('keeps training when a tracker throws or hangs, and says so once', async () => {
    const recorder = new RecordingTracker();
    const cfg = config(['trackers=[{id: broken}, {id: hanging}]', 'generations=2']);
    const result = await engine.run(cfg, join(root.dir, 'broken-tracker'), { extraTrackers: [recorder], trackerTimeoutMs: 200 });
    expect(result.history).toHaveLength(3);
    expect(recorder.notes.filter((n) => n.includes("tracker 'broken' failed"))).toHaveLength(1);
    expect(recorder.notes.filter((n) => n.includes("tracker 'hanging' failed") && n.includes('start took longer'))).toHaveLength(1);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])('stops at a safe point on %s, marks the run interrupted with exit code %s, and resumes to the same numbers', async (reason, exitCode) => {
    const cfg = config();
    const whole = await engine.run(cfg, join(root.dir, `abort-whole-${reason}`));
    const dir = join(root.dir, `abort-${reason}`);
    const controller = new AbortController();
    const stopper = new RecordingTracker();
    stopper.log = (_row, generation) => {
      if (generation === 2) controller.abort(reason);
    };
    const error = await engine.run(cfg, dir, { signal: controller.signal, extraTrackers: [stopper] }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/interrupted during generation 3; generations before it are committed; continue with 'ouro resume/);
    expect((error as { exitCode: number }).exitCode).toBe(exitCode);
    expect(json(join(dir, 'summary.json'))).toMatchObject({ status: 'interrupted', exitCode, completedGenerations: 3 });
    const resumed = await engine.run(cfg, dir, { resume: true });
    expect(withoutSeconds(resumed.history)).toEqual(withoutSeconds(whole.history));
  });

  it('keeps the number of live tensors flat across generations', async () => {
    const before = tf.memory().numTensors;
    await engine.run(config(['generations=3']), join(root.dir, 'memory'));
    expect(tf.memory().numTensors).toBe(before);
  });
});
