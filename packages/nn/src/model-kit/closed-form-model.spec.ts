import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginRegistry, Rng, SampleStore, type FitReport, type ModelPlugin, type RunContext, type SampleSource } from '@ouroboros/core';
import { tempDir, testContext } from '@ouroboros/core/testing';
import { ClosedFormModel } from './closed-form-model.ts';
import { closedFormOptions } from './closed-form-options.ts';

/** The mean of the training data, sampled as itself plus one uniform draw per value. */
class MeanModel extends ClosedFormModel<Float64Array> {
  protected async estimate(train: SampleSource): Promise<{ state: Float64Array; report: FitReport }> {
    const values = await train.read(0, train.count);
    const mean = new Float64Array(this.dims);
    values.forEach((v, i) => (mean[i % this.dims] += v / train.count));
    return { state: mean, report: { steps: 1 } };
  }
  protected draw(mean: Float64Array, rows: number, rng: Rng): Float32Array {
    return Float32Array.from({ length: rows * this.dims }, (_, i) => mean[i % this.dims]! + rng.uniform());
  }
  protected write(mean: Float64Array, dir: string): void {
    writeFileSync(join(dir, 'mean.json'), JSON.stringify([...mean]));
  }
  static load(dir: string, sampleBatch: number): MeanModel {
    return new MeanModel('mean', [2], sampleBatch).restore(Float64Array.from(JSON.parse(readFileSync(join(dir, 'mean.json'), 'utf8')) as number[]));
  }
  async logLikelihood(x: tf.Tensor): Promise<Float64Array> {
    return new Float64Array(x.shape[0]!);
  }
}

const plugin: ModelPlugin<{ sampleBatch: number }> = {
  id: 'mean',
  description: 'the data mean (tests only)',
  options: closedFormOptions({}),
  create: (options) => new MeanModel('mean', [2], options.sampleBatch),
  load: async (dir, options) => MeanModel.load(dir, options.sampleBatch),
};
const temp = tempDir('closed-form-');
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => temp.cleanup());

async function drawn(model: MeanModel, n: number, ctx: RunContext): Promise<number[][]> {
  const out: number[][] = [];
  for await (const batch of model.sample(n, ctx)) {
    expect(batch.shape.slice(1)).toEqual([2]);
    out.push(Array.from(await batch.data()));
    batch.dispose();
  }
  return out;
}

describe('a closed-form model on the kit', () => {
  it('has sampleBatch (4096 unless given) and samples in batches of it, every draw from ctx.rng in order, with progress', async () => {
    const registry = new PluginRegistry({ model: [plugin as ModelPlugin] });
    expect(registry.bindModel({ id: 'mean' }).options).toEqual({ sampleBatch: 4096 });
    const model = registry.bindModel({ id: 'mean', sampleBatch: 3 }).create({ data: { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 0, testCount: 0 }, rng: Rng.from(0) }) as MeanModel;
    await expect(drawn(model, 1, testContext())).rejects.toThrow('mean.sample: the model is not fitted (or was disposed); call fit or load first');
    const store = await SampleStore.write(join(temp.dir, 'train'), { dtype: 'float32', sampleShape: [2] }, Float32Array.of(1, 10, 3, 20));
    expect(await model.fit(store, {}, testContext())).toEqual({ steps: 1 });
    expect(model.fitted).toBe(true);
    const progress: number[] = [];
    const batches = await drawn(model, 7, testContext(4, 0, { progress: (f) => progress.push(f) }));
    expect(batches.map((b) => b.length / 2)).toEqual([3, 3, 1]);
    expect(progress).toEqual([3 / 7, 6 / 7, 1]);
    const u = Rng.from(4, 'test', 0).uniforms(14);
    batches.flat().forEach((v, i) => expect(v).toBeCloseTo([2, 15][i % 2]! + u[i]!, 5));
    expect(await drawn(model, 0, testContext())).toEqual([]);
    await expect(drawn(model, 1.5, testContext())).rejects.toThrow('mean.sample: n = 1.5; expected a non-negative integer');

    await model.save(join(temp.dir, 'saved', 'deep'));
    const loaded = (await plugin.load(join(temp.dir, 'saved', 'deep'), { sampleBatch: 5 }, { data: { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 0, testCount: 0 }, rng: Rng.from(0) })) as MeanModel;
    expect((await drawn(loaded, 7, testContext(4))).map((b) => b.length / 2)).toEqual([5, 2]);
    model.dispose();
    expect(model.fitted).toBe(false);
    await expect(model.save(join(temp.dir, 'after-dispose'))).rejects.toThrow('mean.save: the model is not fitted (or was disposed); call fit or load first');
    expect(existsSync(join(temp.dir, 'after-dispose'))).toBe(false);
  });

  it('refuses a sample shape or sampleBatch that is not positive integers', () => {
    expect(() => new MeanModel('mean', [2, 0], 1)).toThrow('mean: sampleShape [2, 0]; expected positive integers');
    expect(() => new MeanModel('mean', [2], 0)).toThrow('mean: sampleBatch = 0; expected a positive integer');
  });
});
