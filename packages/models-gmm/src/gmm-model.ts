import type * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  dataCodec,
  readJsonFile,
  takeFloat32,
  writeJsonAtomic,
  yieldToEventLoop,
  type DataCodec,
  type DataInfo,
  type FitReport,
  type Rng,
  type RunContext,
  type TrainingSet,
} from '@ouroboros/core';
import { CLOSED_FORM_SAMPLE_BATCH, ClosedFormModel } from '@ouroboros/nn';
import { expectation, jointLogDensities, kMeansPlusPlus, maximization, mixture, nearestCentre, rowLogSumExp, type Mixture } from './gaussian-mixture.ts';

/** The file `save(dir)` writes and `load(dir)` reads. */
export const GMM_MODEL_FILE = 'gmm.json';

const savedSchema = z.object({
  format: z.literal('ouroboros.gmm'),
  version: z.literal(1),
  dims: z.int().positive(),
  weights: z.array(z.number().min(0)).min(1),
  means: z.array(z.number()),
  covariances: z.array(z.number()),
});

export interface GmmSettings {
  /** Mixture components k. */
  readonly components: number;
  /** Most EM iterations per fit. */
  readonly maxIterations: number;
  /** Stop when the mean log-likelihood per sample gains less than this in an iteration. */
  readonly tolerance: number;
  /** Added to each covariance's diagonal (model space) after every M-step. */
  readonly ridge: number;
  /** Samples per batch when sampling (CLOSED_FORM_SAMPLE_BATCH when left out). */
  readonly sampleBatch?: number;
}

/**
 * A Gaussian mixture with full covariances fitted by EM (Dempster, Laird and Rubin 1977) from a
 * k-means++ seeding drawn from `ctx.rng`, in float64 and in model space; exact likelihood. The model
 * of Shumailov et al.'s "The Curse of Recursion" (2023): refitted on its own samples, it loses the
 * tails and merges modes. Every fit starts afresh from the new data, as the paper's GMMs do.
 */
export class GmmModel extends ClosedFormModel<Mixture> {
  private readonly codec: DataCodec;

  constructor(
    readonly data: DataInfo,
    readonly settings: GmmSettings,
  ) {
    super('gmm', data.sampleShape, settings.sampleBatch ?? CLOSED_FORM_SAMPLE_BATCH);
    this.codec = dataCodec(data);
  }

  /** The fitted mixture (weights, means, covariances, Cholesky factors). */
  get mixture(): Mixture {
    return this.fittedState('mixture');
  }

  /** EM until the gain per sample falls below `tolerance`; logs `log_likelihood` (mean per sample) every iteration. */
  protected async estimate(train: TrainingSet, ctx: RunContext): Promise<{ state: Mixture; report: FitReport }> {
    const { components: k, maxIterations, tolerance, ridge } = this.settings;
    const d = this.codec.dims;
    const n = train.count;
    if (n < k) throw new RangeError(`gmm.fit: training set has ${n} samples; expected at least components = ${k}`);
    const x = Float64Array.from(await takeFloat32(this.codec.encode(await train.readAll())));
    let current = maximization(x, d, nearestCentre(x, d, kMeansPlusPlus(x, d, k, ctx.rng.fork('k-means++'))), k, ridge);
    let previous = -Infinity;
    let meanLogLikelihood = -Infinity;
    let iterations = 0;
    while (iterations < maxIterations && !ctx.signal.aborted) {
      const { responsibilities, logLikelihood } = expectation(current, x);
      meanLogLikelihood = logLikelihood / n;
      ctx.log({ log_likelihood: meanLogLikelihood }, iterations);
      ctx.progress((iterations + 1) / maxIterations, `EM iteration ${iterations + 1}: log-likelihood ${meanLogLikelihood.toPrecision(6)} per sample`);
      if (meanLogLikelihood - previous < tolerance) break;
      previous = meanLogLikelihood;
      current = maximization(x, d, responsibilities, k, ridge);
      iterations++;
      await yieldToEventLoop();
    }
    return { state: current, report: { trainLoss: -mixtureMeanLogLikelihood(current, x), steps: iterations } };
  }

  /** Component c ~ Categorical(pi), then x = mu_c + L_c z with z ~ N(0, I), all from `rng`; float64 math. */
  protected draw(m: Mixture, rows: number, rng: Rng): Float32Array {
    const { d } = m;
    const values = new Float32Array(rows * d);
    for (let r = 0; r < rows; r++) {
      const c = pickComponent(m.weights, rng.uniform());
      const z = rng.normals(d);
      for (let i = 0; i < d; i++) {
        let s = m.means[c * d + i]!;
        for (let j = 0; j <= i; j++) s += m.lowers[c * d * d + i * d + j]! * z[j]!;
        values[r * d + i] = s;
      }
    }
    return values;
  }

  /** log p(x) = log sum_k pi_k N(x; mu_k, Sigma_k) in nats, float64, per row of x. */
  async logLikelihood(x: tf.Tensor): Promise<Float64Array> {
    const m = this.fittedState('logLikelihood');
    const values = Float64Array.from(await x.data());
    if (values.length % m.d !== 0) throw new RangeError(`gmm.logLikelihood: input of shape [${x.shape}] is not a batch of ${m.d}-value samples`);
    return rowLogSumExp(jointLogDensities(m, values), m.weights.length);
  }

  protected write(m: Mixture, dir: string): void {
    writeJsonAtomic(join(dir, GMM_MODEL_FILE), { format: 'ouroboros.gmm', version: 1, dims: m.d, weights: [...m.weights], means: [...m.means], covariances: [...m.covariances] });
  }

  /** Restores a model written by `save(dir)`; errors name the file and what was expected. */
  static async load(dir: string, data: DataInfo, settings: GmmSettings): Promise<GmmModel> {
    const path = join(dir, GMM_MODEL_FILE);
    const { dims, weights, means, covariances } = readJsonFile(path, savedSchema, 'a gmm model written by GmmModel.save');
    const model = new GmmModel(data, settings);
    const k = weights.length;
    if (dims !== model.codec.dims) throw new Error(`${path}: dims = ${dims}; expected ${model.codec.dims} for samples of shape [${data.sampleShape}]`);
    if (k !== settings.components) throw new Error(`${path}: holds ${k} components; the model options say components = ${settings.components}`);
    if (means.length !== k * dims || covariances.length !== k * dims * dims) {
      throw new Error(`${path}: ${means.length} mean and ${covariances.length} covariance values; expected ${k * dims} and ${k * dims * dims} for ${k} components in ${dims} dimensions`);
    }
    let state: Mixture;
    try {
      state = mixture(dims, Float64Array.from(weights), Float64Array.from(means), Float64Array.from(covariances));
    } catch (error) {
      throw new Error(`${path}: ${(error as Error).message}`);
    }
    return model.restore(state);
  }

  /** (1/n) sum_i log p(x_i) of the flat rows `x`. */
  meanLogLikelihood(x: Float64Array): number {
    return mixtureMeanLogLikelihood(this.fittedState('meanLogLikelihood'), x);
  }
}

/** (1/n) sum_i log p(x_i) of the flat rows `x` under the mixture `m`. */
function mixtureMeanLogLikelihood(m: Mixture, x: Float64Array): number {
  const logP = rowLogSumExp(jointLogDensities(m, x), m.weights.length);
  return logP.reduce((s, v) => s + v, 0) / logP.length;
}

/** The component whose cumulative weight first exceeds u in [0, 1) (the last one on rounding). */
function pickComponent(weights: Float64Array, u: number): number {
  let total = 0;
  for (let c = 0; c < weights.length; c++) {
    total += weights[c]!;
    if (u < total) return c;
  }
  return weights.length - 1;
}
