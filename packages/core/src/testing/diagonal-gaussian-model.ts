import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { dataCodec, type DataCodec } from '../codec/data-codec.ts';
import type { DataInfo } from '../contracts/dataset.ts';
import type { FitReport, GenerativeModel, ModelPlugin } from '../contracts/model.ts';
import type { RunContext } from '../contracts/run-context.ts';
import { sampleSize } from '../store/sample-store.ts';
import { writeJsonAtomic } from '../store/atomic-write.ts';
import type { TrainingSet } from '../store/training-set.ts';

/**
 * A per-value Gaussian fitted by maximum likelihood in model space (a diagonal Gaussian for
 * vectors, a per-pixel one for images), for testing the engine inside core without a model
 * package. Real numbers, real save/load, no tensors kept between calls.
 */
export class DiagonalGaussianModel implements GenerativeModel {
  readonly likelihood = 'exact' as const;
  private readonly codec: DataCodec;

  constructor(
    private readonly data: DataInfo,
    private mean: Float64Array,
    private variance: Float64Array,
  ) {
    this.codec = dataCodec(data);
  }

  async fit(train: TrainingSet, _budget: unknown, ctx: RunContext): Promise<FitReport> {
    const d = this.mean.length;
    const sum = new Float64Array(d);
    const sumSq = new Float64Array(d);
    for await (const batch of train.batches(4096)) {
      const x = this.codec.encode(batch);
      const values = await x.data();
      x.dispose();
      for (let i = 0; i < values.length; i++) {
        sum[i % d]! += values[i]!;
        sumSq[i % d]! += values[i]! * values[i]!;
      }
    }
    const n = train.count;
    for (let j = 0; j < d; j++) {
      this.mean[j] = sum[j]! / n;
      this.variance[j] = Math.max(sumSq[j]! / n - this.mean[j]! ** 2, 1e-6);
    }
    ctx.progress(1, 'fitted');
    return { trainLoss: 0.5 * d * (1 + Math.log(2 * Math.PI)) + 0.5 * this.variance.reduce((a, v) => a + Math.log(v), 0), steps: 1 };
  }

  async *sample(n: number, ctx: RunContext): AsyncIterable<tf.Tensor> {
    const d = this.mean.length;
    for (let start = 0; start < n; start += 1000) {
      const rows = Math.min(1000, n - start);
      const values = new Float32Array(rows * d);
      for (let i = 0; i < values.length; i++) values[i] = this.mean[i % d]! + Math.sqrt(this.variance[i % d]!) * ctx.rng.normal();
      yield tf.tensor(values, [rows, ...this.data.sampleShape]);
    }
  }

  async logLikelihood(x: tf.Tensor): Promise<Float64Array> {
    const d = this.mean.length;
    const values = await x.data();
    const n = values.length / d;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let ll = 0;
      for (let j = 0; j < d; j++) ll -= 0.5 * (Math.log(2 * Math.PI * this.variance[j]!) + (values[i * d + j]! - this.mean[j]!) ** 2 / this.variance[j]!);
      out[i] = ll;
    }
    return out;
  }

  async save(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    writeJsonAtomic(join(dir, 'diagonal-gaussian.json'), { mean: [...this.mean], variance: [...this.variance] });
  }

  dispose(): void {}
}

export const diagonalGaussianModelPlugin: ModelPlugin<Record<string, never>> = {
  id: 'test-diagonal-gaussian',
  description: 'per-value maximum-likelihood Gaussian in model space (tests only)',
  options: z.strictObject({}),
  create: (_options, env) => {
    const d = sampleSize(env.data);
    return new DiagonalGaussianModel(env.data, new Float64Array(d), new Float64Array(d).fill(1));
  },
  load: async (dir, _options, env) => {
    const saved = JSON.parse(readFileSync(join(dir, 'diagonal-gaussian.json'), 'utf8')) as { mean: number[]; variance: number[] };
    return new DiagonalGaussianModel(env.data, Float64Array.from(saved.mean), Float64Array.from(saved.variance));
  },
};
