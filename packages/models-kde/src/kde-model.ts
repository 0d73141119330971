import type * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  dataCodec,
  readJsonFile,
  takeFloat32,
  writeFileAtomic,
  writeJsonAtomic,
  type DataCodec,
  type DataInfo,
  type FitReport,
  type Rng,
  type RunContext,
  type SampleSource,
} from '@ouroboros/core';
import { CLOSED_FORM_SAMPLE_BATCH, ClosedFormModel, LOG_2PI } from '@ouroboros/nn';
import { bandwidths, type BandwidthChoice } from './bandwidth.ts';

/** The header `save(dir)` writes; the kernel centres go to KDE_POINTS_FILE as raw float64 little-endian. */
export const KDE_MODEL_FILE = 'kde.json';
export const KDE_POINTS_FILE = 'kde-points.f64';

const savedSchema = z.object({
  format: z.literal('ouroboros.kde'),
  version: z.literal(1),
  count: z.int().positive(),
  dims: z.int().positive(),
  bandwidth: z.array(z.number().positive()),
});

interface Fitted {
  /** The kernel centres: the training samples in model space, flat n x d. */
  readonly points: Float64Array;
  /** h_j per dimension. */
  readonly bandwidth: Float64Array;
}

/**
 * A Gaussian kernel density estimate, p(x) = (1/n) sum_i N(x; x_i, diag(h^2)), in model space, float64:
 * the model of Kazdan, Schaeffer et al.'s "Collapse or Thrive?" (2024) loops. Refitted on n of its own
 * samples with a fixed h, each dimension's variance follows E[v_{t+1}] = ((n-1)/n) v_t + h^2.
 */
export class KdeModel extends ClosedFormModel<Fitted> {
  private readonly codec: DataCodec;

  constructor(
    readonly data: DataInfo,
    readonly choice: BandwidthChoice,
    sampleBatch = CLOSED_FORM_SAMPLE_BATCH,
  ) {
    super('kde', data.sampleShape, sampleBatch);
    this.codec = dataCodec(data);
  }

  get bandwidth(): Float64Array {
    return this.fittedState('bandwidth').bandwidth.slice();
  }

  /** The variance of the density in each dimension: the centres' variance (divisor n) plus h_j^2. */
  get variance(): Float64Array {
    const { points, bandwidth } = this.fittedState('variance');
    const d = bandwidth.length;
    const n = points.length / d;
    return bandwidth.map((h, j) => {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += points[i * d + j]!;
      mean /= n;
      let squares = 0;
      for (let i = 0; i < n; i++) squares += (points[i * d + j]! - mean) ** 2;
      return squares / n + h * h;
    });
  }

  /** Keeps the training samples as kernel centres and sets h (by the rule, on these samples); one step. */
  protected async estimate(train: SampleSource, ctx: RunContext): Promise<{ state: Fitted; report: FitReport }> {
    if (train.count === 0) throw new RangeError('kde.fit: training set has 0 samples; expected at least 1');
    const points = Float64Array.from(await takeFloat32(this.codec.encode(await train.read(0, train.count))));
    const state = { points, bandwidth: bandwidths(this.choice, points, this.codec.dims) };
    ctx.progress(1, `${train.count} kernel centres`);
    return { state, report: { steps: 1 } };
  }

  /** x = x_i + h * z with i uniform on the centres and z ~ N(0, I), both from `rng`. */
  protected draw({ points, bandwidth }: Fitted, rows: number, rng: Rng): Float32Array {
    const d = bandwidth.length;
    const count = points.length / d;
    const values = new Float32Array(rows * d);
    for (let r = 0; r < rows; r++) {
      const i = rng.int(count);
      for (let j = 0; j < d; j++) values[r * d + j] = points[i * d + j]! + bandwidth[j]! * rng.normal();
    }
    return values;
  }

  /**
   * log p(x) = logsumexp_i(-(1/2) sum_j (x_j - x_ij)^2 / h_j^2) - log n - sum_j log h_j - (d/2) log 2 pi,
   * exactly, in float64, per row of x (the log-sum-exp keeps far points finite).
   */
  async logLikelihood(x: tf.Tensor, ctx?: RunContext): Promise<Float64Array> {
    const { points, bandwidth } = this.fittedState('logLikelihood');
    const d = bandwidth.length;
    const count = points.length / d;
    const values = await x.data();
    if (values.length % d !== 0) throw new RangeError(`kde.logLikelihood: input of shape [${x.shape}] is not a batch of ${d}-value samples`);
    const inverse = bandwidth.map((h) => 1 / h);
    const constant = -Math.log(count) - bandwidth.reduce((s, h) => s + Math.log(h), 0) - 0.5 * d * LOG_2PI;
    const out = new Float64Array(values.length / d);
    const exponents = new Float64Array(count);
    for (let q = 0; q < out.length; q++) {
      let max = -Infinity;
      for (let i = 0; i < count; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += ((values[q * d + j]! - points[i * d + j]!) * inverse[j]!) ** 2;
        exponents[i] = -0.5 * s;
        if (exponents[i]! > max) max = exponents[i]!;
      }
      let sum = 0;
      for (let i = 0; i < count; i++) sum += Math.exp(exponents[i]! - max);
      out[q] = max + Math.log(sum) + constant;
      if (q % 256 === 255) ctx?.progress((q + 1) / out.length, `kernel sums of ${q + 1}/${out.length} points`);
    }
    return out;
  }

  protected write({ points, bandwidth }: Fitted, dir: string): void {
    const bytes = new Uint8Array(points.length * 8);
    const view = new DataView(bytes.buffer);
    points.forEach((v, i) => view.setFloat64(8 * i, v, true));
    writeFileAtomic(join(dir, KDE_POINTS_FILE), bytes);
    writeJsonAtomic(join(dir, KDE_MODEL_FILE), { format: 'ouroboros.kde', version: 1, count: points.length / bandwidth.length, dims: bandwidth.length, bandwidth: [...bandwidth] });
  }

  /** Restores a model written by `save(dir)`; errors name the file and what was expected. */
  static async load(dir: string, data: DataInfo, choice: BandwidthChoice, sampleBatch = CLOSED_FORM_SAMPLE_BATCH): Promise<KdeModel> {
    const path = join(dir, KDE_MODEL_FILE);
    const { count, dims, bandwidth } = readJsonFile(path, savedSchema, 'a kde model written by KdeModel.save');
    const model = new KdeModel(data, choice, sampleBatch);
    if (dims !== model.codec.dims || bandwidth.length !== dims) {
      throw new Error(`${path}: dims = ${dims} with ${bandwidth.length} bandwidths; expected ${model.codec.dims} for samples of shape [${data.sampleShape}]`);
    }
    const pointsPath = join(dir, KDE_POINTS_FILE);
    if (!existsSync(pointsPath)) throw new Error(`${pointsPath}: missing; expected the kernel centres written by save()`);
    const bytes = readFileSync(pointsPath);
    if (bytes.length !== count * dims * 8) throw new Error(`${pointsPath}: ${bytes.length} bytes; expected ${count * dims * 8} (${count} x ${dims} float64)`);
    const points = new Float64Array(count * dims);
    for (let i = 0; i < points.length; i++) points[i] = bytes.readDoubleLE(8 * i);
    return model.restore({ points, bandwidth: Float64Array.from(bandwidth) });
  }
}
