import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { MetricPlugin } from '../contracts/metric.ts';
import type { ModelPlugin } from '../contracts/model.ts';
import { resolveConfig } from '../config/load-config.ts';
import { cpuTensorBackend, DiagonalGaussianModel, diagonalGaussianModelPlugin, engineScope, normalDatasetPlugin, tempDir, tinyImagesDatasetPlugin } from '../testing/index.ts';
import { suspectOptions, unusableValues } from './finite-values.ts';

/** The diagonal Gaussian, whose samples from generation `breakAt` on hold `value` at sample 7 of its second chunk (rows 1000..). */
class BreakingGaussian extends DiagonalGaussianModel {
  constructor(
    base: DiagonalGaussianModel,
    private readonly breakAt: number,
    private readonly value: number,
  ) {
    super((base as unknown as { data: never }).data, (base as unknown as { mean: Float64Array }).mean, (base as unknown as { variance: Float64Array }).variance);
  }

  override async *sample(n: number, ctx: Parameters<DiagonalGaussianModel['sample']>[1]): AsyncIterable<tf.Tensor> {
    let chunk = 0;
    for await (const batch of super.sample(n, ctx)) {
      if (ctx.generation < this.breakAt || chunk++ === 0) {
        yield batch;
        continue;
      }
      const values = Float32Array.from(await batch.data());
      const shape = batch.shape;
      batch.dispose();
      values[7 * (values.length / shape[0]!)] = this.value;
      yield tf.tensor(values, shape);
    }
  }
}

type BreakingOptions = { spread: number; tail: number };
const breaking = (breakAt: number, value: number): ModelPlugin<BreakingOptions> => ({
  ...(diagonalGaussianModelPlugin as unknown as ModelPlugin<BreakingOptions>),
  id: 'test-breaking-gaussian',
  options: z.strictObject({ spread: z.number().default(3), tail: z.number().default(0) }),
  unstableOptions: ['spread', 'tail'],
  create: (options, env) => new BreakingGaussian(diagonalGaussianModelPlugin.create({}, env) as DiagonalGaussianModel, breakAt, value),
  load: async (dir, options, env) => new BreakingGaussian((await diagonalGaussianModelPlugin.load(dir, {}, env)) as DiagonalGaussianModel, breakAt, value),
});

/** A metric that is NaN from generation 2 on. */
const fragileMetric: MetricPlugin<Record<string, never>> = {
  id: 'fragile',
  description: 'test metric: NaN from generation 2',
  options: z.strictObject({}),
  create: () => ({ compute: async (_input, ctx) => ({ fragile: ctx.generation >= 2 ? Number.NaN : ctx.generation }) }),
};

const root = tempDir('ouroboros-finite-');
afterAll(() => root.cleanup());

function scopeWith(model: ModelPlugin<BreakingOptions>) {
  return engineScope({ plugins: { model: [model], dataset: [normalDatasetPlugin, tinyImagesDatasetPlugin], metric: [fragileMetric] }, backend: cpuTensorBackend });
}

function config(registry: ReturnType<typeof scopeWith>['registry'], overrides: Record<string, unknown> = {}) {
  return resolveConfig(
    {
      name: 'finite',
      seed: 1,
      generations: 3,
      backend: 'cpu',
      dataset: { id: 'test-normal', dim: 2, train: 1500, test: 50 },
      model: { id: 'test-breaking-gaussian' },
      schedule: { id: 'fully-synthetic' },
      metrics: [],
      trackers: [],
      ...overrides,
    },
    registry,
  );
}

/** What a failed run left: its summary, the committed generations, the raw history text. */
function endState(dir: string) {
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
  const committed = readdirSync(dir).filter((name) => /^gen-\d+$/.test(name)).sort();
  return { summary, committed, history: readFileSync(join(dir, 'history.jsonl'), 'utf8') };
}

describe('finite checks on samples and metrics', () => {
  it('unusableValues counts NaN, ±Infinity and values whose float32 square overflows, and nothing else', () => {
    expect(unusableValues(Float32Array.of(0, -1e19, 3.4e38, 1))).toEqual({ count: 1, first: 2, value: Float32Array.of(3.4e38)[0] });
    expect(unusableValues([1, Number.NaN, -Infinity, 2e19])).toEqual({ count: 3, first: 1, value: Number.NaN });
    expect(unusableValues([0, -1.8e19, 1e-300])).toBeNull();
  });

  it('names the unstable options the config sets, else every one the model declares', () => {
    const { registry } = scopeWith(breaking(0, 0));
    expect(suspectOptions(config(registry, { model: { id: 'test-breaking-gaussian', tail: 1e39 } }))).toBe('check model.tail = 1e+39 (the model option most likely at fault)');
    expect(suspectOptions(config(registry))).toBe('check model.spread = 3, model.tail = 0 (the model options most likely at fault)');
    const plain = engineScope({ plugins: { model: [diagonalGaussianModelPlugin], dataset: [normalDatasetPlugin] }, backend: cpuTensorBackend });
    expect(suspectOptions(config(plain.registry, { model: { id: 'test-diagonal-gaussian' } }))).toBe("check the model's options (model.*) and its training (train.*, lr)");
  });

  it.each([
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
    ['a value whose square overflows float32', 2.8e31, '2.8e+31'],
  ])('a chunk of samples holding %s stops the run at that generation: exit 1, generations before it kept, nothing of it committed', async (_name, value, shown) => {
    const { registry, engine } = scopeWith(breaking(2, value));
    const dir = join(root.dir, `samples-${_name.replace(/\W+/g, '-')}`);
    const failure = engine.run(config(registry), dir);
    const message = `generation 2: the model sampled ${shown} (sample 1007; 1 of 1000 values of samples 1000..1499 are not finite or beyond ±1.8e19, where float32 squares overflow); check model.spread = 3, model.tail = 0 (the model options most likely at fault)`;
    await expect(failure).rejects.toThrow(message);
    const state = endState(dir);
    expect(state.summary).toMatchObject({ status: 'failed', exitCode: 1, completedGenerations: 2, error: message });
    expect(state.committed).toEqual(['gen-000', 'gen-001']);
    expect(state.history.trim().split('\n').map((line) => JSON.parse(line).generation)).toEqual([0, 1]);
    expect(existsSync(join(dir, 'gen-002'))).toBe(false);
  });

  it('checks image samples in model space, before they are rounded to uint8 (where NaN would be stored as 0)', async () => {
    const { registry, engine } = scopeWith(breaking(0, Number.NaN));
    const dir = join(root.dir, 'images');
    const cfg = config(registry, { dataset: { id: 'test-tiny-images', train: 1200, test: 20 }, sampling: { count: 1200 } });
    await expect(engine.run(cfg, dir)).rejects.toThrow(/^generation 0: the model sampled NaN \(sample 1007; /);
    expect(endState(dir).committed).toEqual([]);
  });

  it('a non-finite metric is an error naming the generation, the metric and the model option, never a null in history.jsonl', async () => {
    const { registry, engine } = scopeWith(breaking(99, 0));
    const dir = join(root.dir, 'metric');
    const message = 'generation 2: metric fragile: fragile = NaN; expected a finite number: check model.spread = 3, model.tail = 0 (the model options most likely at fault)';
    await expect(engine.run(config(registry, { metrics: [{ id: 'fragile' }] }), dir)).rejects.toThrow(message);
    const state = endState(dir);
    expect(state.summary).toMatchObject({ status: 'failed', exitCode: 1, error: message, final: { generation: 1, fragile: 1 } });
    expect(state.committed).toEqual(['gen-000', 'gen-001']);
    expect(state.history).not.toContain('null');
  });
});
