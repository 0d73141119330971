import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  MomentAccumulator,
  cholesky,
  choleskyInverseTrace,
  dataCodec,
  takeFloat32,
  choleskyLogDet,
  readJsonFile,
  writeFileAtomic,
  type FitReport,
  type LikelihoodGradients,
  type Rng,
  type RunContext,
  type SampleSource,
} from '@ouroboros/core';
import { CLOSED_FORM_SAMPLE_BATCH, ClosedFormModel } from '@ouroboros/nn';
import { gaussianLogDensity, gaussianTrainingNll, gaussianTransform } from './gaussian-density.ts';
import { gaussianLikelihoodGradients } from './gaussian-likelihood-gradients.ts';

/** File that `save(dir)` writes and `load(dir)` reads. */
export const GAUSSIAN_MODEL_FILE = 'gaussian.json';
/** Samples per batch when streaming the training set. */
const READ_BATCH = 4096;

/** The fitted parameters, all float64: N(mean, covariance) with covariance = lower lower^T. */
interface GaussianState {
  readonly mean: Float64Array;
  readonly covariance: Float64Array;
  readonly lower: Float64Array;
  readonly logDet: number;
  readonly trainCount: number;
}

const savedModelSchema = z.object({
  format: z.literal('ouroboros.gaussian'),
  version: z.literal(1),
  sampleShape: z.array(z.int().positive()).min(1),
  ridge: z.number().min(0),
  trainCount: z.int().nonnegative(),
  mean: z.array(z.number()),
  covariance: z.array(z.array(z.number())),
});
type SavedModel = z.infer<typeof savedModelSchema>;

/**
 * The closed-form maximum-likelihood Gaussian with full covariance: mu = mean of x, Sigma = (1/n) sum
 * (x - mu)(x - mu)^T + ridge I. The exact reference model of the retraining theory (Bertrand et al.
 * 2024, Section 3): refitted on n of its own samples, E[Sigma_{t+1}] = (n-1)/n Sigma_t.
 */
export class GaussianModel extends ClosedFormModel<GaussianState> {
  constructor(
    sampleShape: readonly number[],
    readonly ridge = 0, // added to the covariance diagonal; needed when n <= d or the data are degenerate
    sampleBatch = CLOSED_FORM_SAMPLE_BATCH,
  ) {
    super('gaussian', sampleShape, sampleBatch);
    if (!(ridge >= 0)) throw new RangeError(`gaussian: ridge = ${ridge}; expected a number >= 0`);
  }

  /** d = prod(sampleShape); the Gaussian lives on the flattened samples. */
  get dim(): number {
    return this.dims;
  }

  /** mu (a copy). */
  get mean(): Float64Array {
    return this.fittedState('mean').mean.slice();
  }

  /** Sigma, row-major d x d, ridge included (a copy). */
  get covariance(): Float64Array {
    return this.fittedState('covariance').covariance.slice();
  }

  /** The MLE of `train` in model space. */
  protected async estimate(train: SampleSource, ctx: RunContext): Promise<{ state: GaussianState; report: FitReport }> {
    this.checkShape('fit: training set', train.sampleShape);
    if (train.count === 0) throw new RangeError('gaussian.fit: training set has 0 samples; expected at least 1');
    const moments = new MomentAccumulator(this.dim);
    const codec = dataCodec(train);
    for await (const batch of train.batches(READ_BATCH)) {
      moments.add(codec.discrete ? await takeFloat32(codec.encode(batch)) : batch);
      ctx.progress(moments.count / train.count, `moments of ${moments.count}/${train.count} samples`);
    }
    const d = this.dim;
    const covariance = moments.covariance(0);
    for (let i = 0; i < d; i++) covariance[i * d + i] += this.ridge;
    let lower: Float64Array;
    try {
      lower = cholesky(covariance, d);
    } catch (error) {
      throw new RangeError(
        `gaussian.fit: covariance of ${moments.count} samples in ${d} dimensions is singular (${(error as Error).message}); set the ridge option > 0`,
      );
    }
    const logDet = choleskyLogDet(lower, d);
    const inverseTrace = this.ridge > 0 ? choleskyInverseTrace(lower, d) : 0;
    const state = { mean: moments.mean(), covariance, lower, logDet, trainCount: moments.count };
    return { state, report: { trainLoss: gaussianTrainingNll(d, logDet, this.ridge, inverseTrace), steps: 1 } };
  }

  /** x = mu + L z, z ~ N(0, I) from `rng`, computed in float64. */
  protected draw({ mean, lower }: GaussianState, rows: number, rng: Rng): Float32Array {
    const values = new Float32Array(rows * this.dim);
    gaussianTransform(rng.normals(rows * this.dim), mean, lower, values);
    return values;
  }

  /** Exact log N(x; mu, Sigma) in nats per sample, in float64. */
  async logLikelihood(x: tf.Tensor): Promise<Float64Array> {
    this.checkShape('logLikelihood: input', x.shape.slice(1));
    return this.logDensity(await x.data());
  }

  /** Exact log N(x; mu, Sigma) in float64 for each row of a flat n x d array. */
  logDensity(x: ArrayLike<number>): Float64Array {
    const { mean, lower, logDet } = this.fittedState('logDensity');
    return gaussianLogDensity(x, mean, lower, logDet);
  }

  /** Gradients of the mean log-likelihood in (mu, upper triangle of Sigma), for `ouro theory`. */
  likelihoodGradients(): LikelihoodGradients {
    const { mean, covariance } = this.fittedState('likelihoodGradients');
    return gaussianLikelihoodGradients(mean, covariance);
  }

  /** Writes `gaussian.json`: every double in full (JSON numbers round-trip exactly), so a reload is bit-identical. */
  protected write(state: GaussianState, dir: string): void {
    const d = this.dim;
    const saved: SavedModel = {
      format: 'ouroboros.gaussian',
      version: 1,
      sampleShape: [...this.sampleShape],
      ridge: this.ridge,
      trainCount: state.trainCount,
      mean: Array.from(state.mean),
      covariance: Array.from({ length: d }, (_, i) => Array.from(state.covariance.subarray(i * d, (i + 1) * d))),
    };
    writeFileAtomic(join(dir, GAUSSIAN_MODEL_FILE), `${JSON.stringify(saved)}\n`);
  }

  /** Restores a model written by `save(dir)`; `ridge` applies to later fits (the saved covariance already has its own). */
  static async load(dir: string, ridge = 0, sampleBatch = CLOSED_FORM_SAMPLE_BATCH): Promise<GaussianModel> {
    const path = join(dir, GAUSSIAN_MODEL_FILE);
    if (!existsSync(path)) throw new Error(`${path}: no Gaussian model here (missing ${GAUSSIAN_MODEL_FILE})`);
    const saved = readJsonFile(path, savedModelSchema, 'a model written by GaussianModel.save');
    const model = new GaussianModel(saved.sampleShape, ridge, sampleBatch);
    const d = model.dim;
    if (saved.mean.length !== d) throw new Error(`${path}: mean has ${saved.mean.length} values; expected ${d} for sampleShape [${saved.sampleShape}]`);
    if (saved.covariance.length !== d || saved.covariance.some((row) => row.length !== d)) {
      throw new Error(`${path}: covariance is not ${d}x${d}; expected ${d} rows of ${d} numbers`);
    }
    const covariance = Float64Array.from(saved.covariance.flat());
    let lower: Float64Array;
    try {
      lower = cholesky(covariance, d);
    } catch (error) {
      throw new Error(`${path}: covariance is not positive definite (${(error as Error).message})`);
    }
    return model.restore({ mean: Float64Array.from(saved.mean), covariance, lower, logDet: choleskyLogDet(lower, d), trainCount: saved.trainCount });
  }

  private checkShape(what: string, shape: readonly number[]): void {
    if (shape.join('x') !== this.sampleShape.join('x')) {
      throw new RangeError(`gaussian.${what} has samples of shape [${shape.join(', ')}]; expected [${this.sampleShape.join(', ')}]`);
    }
  }
}
