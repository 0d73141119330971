import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Rng,
  SampleStore,
  TrainingSet,
  dataCodec,
  sampleSize,
  type DataInfo,
  type GenerativeModel,
  type ModelEnv,
  type ModelPlugin,
  type RunContext,
  type SampleArray,
  type TrainBudget,
} from '@ouroboros/core';
import { selectBackend } from '../backend/select-backend.ts';

export interface ConformanceData {
  readonly info: DataInfo;
  /** Training samples, flat, in the storage dtype. */
  readonly train: SampleArray;
  readonly labels?: Int32Array;
}

export interface ConformanceOptions<TOptions> {
  readonly plugin: ModelPlugin<TOptions>;
  /** Raw options, parsed by the plugin's schema. */
  readonly options?: Record<string, unknown>;
  /** Which data to train on: 2-D vectors, 4x4x3 uint8 images, or data of your own. */
  readonly data?: 'vectors' | 'images' | ConformanceData;
  /** Steps of the fits (keep it small); `steps: false` for closed-form models fitted in one go. */
  readonly steps?: number | false;
  readonly batchSize?: number;
  /** Backend to run on; `wasm` (the embedded default) unless given. */
  readonly backend?: 'wasm' | 'cpu';
}

/**
 * The checks every model plugin's suite runs (`describeModelConformance({ plugin })`): n samples of
 * the data's shape, save/load round trip, warm start from the saved optimizer and EMA, bit-identical resume of an interrupted
 * fit from its checkpoint folder, a stop within one step of an aborted signal, and a flat number
 * of live tensors across generations.
 */
export function describeModelConformance<TOptions>(name: string, config: ConformanceOptions<TOptions>): void {
  const steps = config.steps ?? 6;
  const trainable = steps !== false;
  describe(`${name}: model conformance`, () => {
    let root = '';
    let data: ConformanceData;
    let train: TrainingSet;
    let options: TOptions;
    beforeAll(async () => {
      await selectBackend(config.backend ?? 'wasm');
      root = mkdtempSync(join(tmpdir(), 'ouroboros-conformance-'));
      data = conformanceData(config.data ?? 'vectors');
      const store = await SampleStore.write(join(root, 'train'), { ...data.info, labelled: data.labels !== undefined } as DataInfo, data.train, data.labels);
      train = new TrainingSet([{ name: 'real', store }]);
      options = config.plugin.options.parse(config.options ?? {});
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    const env = (seed = 0): ModelEnv => ({ data: data.info, rng: Rng.from(seed, 'conformance-init') });
    const budget = (n: number | false): TrainBudget => ({ ...(n === false ? {} : { steps: n }), ...(config.batchSize ? { batchSize: config.batchSize } : {}), checkpointEvery: { steps: 2 } });
    const context = (tag: string, overrides: Partial<RunContext> = {}): RunContext => ({
      generation: 0,
      rng: Rng.from(7, 'conformance', tag),
      backend: tf.getBackend(),
      progress: () => {},
      signal: new AbortController().signal,
      log: () => {},
      checkpointDir: join(root, 'checkpoints', tag),
      ...overrides,
    });
    /** Samples drawn with a fixed rng and log-likelihoods of fixed data: what "the same model" means here. */
    const fingerprint = async (model: GenerativeModel) => {
      const values: number[] = [];
      for await (const batch of model.sample(8, context('fingerprint'))) {
        values.push(...(await batch.data()));
        batch.dispose();
      }
      if (model.logLikelihood) {
        const codec = dataCodec(data.info);
        const x = codec.encode(data.train.subarray(0, 4 * sampleSize(data.info)) as SampleArray);
        values.push(...(await model.logLikelihood(x, context('fingerprint'))));
        x.dispose();
      }
      return values;
    };
    /** One stream for every fit that must see the same batches and noise. */
    const fitRng = () => Rng.from(7, 'conformance', 'fit');
    const fitted = async (tag: string, n: number | false) => {
      const model = config.plugin.create(options, env());
      await model.fit(train, budget(n), context(tag, { rng: fitRng() }));
      return model;
    };

    it('samples n finite values of the data shape for n = 7, in batches that add up to n, and none for n = 0', async () => {
      const model = await fitted('count', steps);
      for (const n of [7, 0]) {
        let rows = 0;
        for await (const batch of model.sample(n, context(`count-${n}`))) {
          expect(batch.shape.slice(1)).toEqual([...data.info.sampleShape]);
          expect((await batch.data()).every(Number.isFinite)).toBe(true);
          rows += batch.shape[0]!;
          batch.dispose();
        }
        expect(rows).toBe(n);
      }
      model.dispose();
    });

    it('save then load gives the same samples and likelihoods', async () => {
      const model = await fitted('roundtrip', steps);
      await model.save(join(root, 'roundtrip'));
      const loaded = await config.plugin.load(join(root, 'roundtrip'), options, env(99));
      expect(await fingerprint(loaded)).toEqual(await fingerprint(model));
      model.dispose();
      loaded.dispose();
    });

    it('stops within one step when its signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort('SIGINT');
      const model = config.plugin.create(options, env());
      const started = performance.now();
      const report = await model.fit(train, budget(trainable ? 1000 : false), context('aborted', { signal: controller.signal }));
      expect(report.steps ?? 0).toBeLessThanOrEqual(1);
      expect(performance.now() - started).toBeLessThan(30_000);
      model.dispose();
    });

    it('keeps the number of live tensors flat across three generations', async () => {
      const before = tf.memory().numTensors;
      let model: GenerativeModel = config.plugin.create(options, env());
      for (let t = 0; t < 3; t++) {
        await model.fit(train, budget(trainable ? 2 : false), context(`memory-${t}`, { generation: t }));
        await fingerprint(model);
        await model.save(join(root, `memory-${t}`));
        model.dispose();
        model = await config.plugin.load(join(root, `memory-${t}`), options, env());
      }
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
    if (!trainable) {
      it('(closed form, no optimizer state) a loaded model refitted on the same data equals a new one fitted on it', async () => {
        const fresh = await fitted('closed-a', false);
        await fresh.save(join(root, 'closed'));
        const loaded = await config.plugin.load(join(root, 'closed'), options, env(5));
        await loaded.fit(train, budget(false), context('closed-b', { rng: fitRng() }));
        expect(await fingerprint(loaded)).toEqual(await fingerprint(fresh));
        fresh.dispose();
        loaded.dispose();
      });
      return;
    }

    it('warm start continues from the saved optimizer and EMA state, as if never saved', async () => {
      const n = steps as number;
      const a = await fitted('warm-a', n);
      await a.save(join(root, 'warm'));
      const b = await config.plugin.load(join(root, 'warm'), options, env(99));
      await a.fit(train, budget(n), context('warm-next-a', { generation: 1, rng: fitRng() }));
      await b.fit(train, budget(n), context('warm-next-b', { generation: 1, rng: fitRng() }));
      expect(await fingerprint(b)).toEqual(await fingerprint(a));
      a.dispose();
      b.dispose();
    });

    it('a fit stopped mid-way and resumed from its checkpoint folder equals an uninterrupted fit bit for bit', async () => {
      const n = Math.max(5, steps as number);
      const whole = await fitted('whole', n);
      const controller = new AbortController();
      const stopAt = 3;
      const interrupted = config.plugin.create(options, env());
      const shared = context('interrupted', { signal: controller.signal, rng: fitRng() });
      let seen = 0;
      const stopping = { ...shared, progress: () => (++seen === stopAt ? controller.abort('SIGTERM') : undefined) };
      const report = await interrupted.fit(train, budget(n), stopping);
      expect(report.steps).toBe(stopAt);
      interrupted.dispose();
      const resumed = config.plugin.create(options, env());
      await resumed.fit(train, budget(n), { ...shared, rng: fitRng(), signal: new AbortController().signal });
      expect(await fingerprint(resumed)).toEqual(await fingerprint(whole));
      whole.dispose();
      resumed.dispose();
    });

  });
}

/** The kit's data: 256 points of a two-cluster 2-D mixture, or 64 random 4x4x3 uint8 images of 3 classes. */
export function conformanceData(kind: 'vectors' | 'images' | ConformanceData): ConformanceData {
  if (typeof kind === 'object') return kind;
  const rng = Rng.from(0, 'conformance-data');
  if (kind === 'vectors') {
    const n = 256;
    const train = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const side = i % 2 === 0 ? -2 : 2;
      train[2 * i] = side + 0.5 * rng.normal();
      train[2 * i + 1] = 0.5 * side + 0.3 * rng.normal();
    }
    return { info: { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: n, testCount: 0 }, train };
  }
  const n = 64;
  const train = new Uint8Array(n * 48);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 3;
    for (let j = 0; j < 48; j++) train[i * 48 + j] = j % 3 === labels[i] ? 200 + rng.int(56) : rng.int(40);
  }
  return { info: { kind: 'image', dtype: 'uint8', sampleShape: [4, 4, 3], trainCount: n, testCount: 0, classes: ['r', 'g', 'b'] }, train, labels };
}
