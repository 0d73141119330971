import { cholesky, type DatasetPlugin } from '@ouroboros/core';
import { z } from 'zod';
import { sampledDataset, type SampleWriter } from '../sampled-dataset.ts';
import { splitCountsShape } from '../split-counts.ts';

const DEFAULT_DIM = 2;
const SYMMETRY_TOLERANCE = 1e-9;

const gaussianOptions = z
  .strictObject({
    ...splitCountsShape,
    dim: z.number().int().min(1).optional().describe(`dimension d; default: length of mean or covariance, else ${DEFAULT_DIM}`),
    mean: z.array(z.number()).min(1).optional().describe('mean vector of length d; default zeros'),
    covariance: z
      .array(z.array(z.number()))
      .min(1)
      .optional()
      .describe('d x d symmetric positive definite covariance; default identity'),
  })
  .superRefine((options, ctx) => {
    const dim = gaussianDim(options);
    const source = options.dim !== undefined ? 'dim' : options.mean !== undefined ? 'the length of mean' : 'the size of covariance';
    if (options.mean && options.mean.length !== dim) {
      ctx.addIssue({ code: 'custom', path: ['mean'], message: `expected ${dim} numbers (d = ${dim}, from ${source}), got ${options.mean.length}` });
    }
    if (options.covariance) {
      const problem = covarianceProblem(options.covariance, dim, source);
      if (problem) ctx.addIssue({ code: 'custom', path: ['covariance'], message: problem });
    }
  });

export type GaussianOptions = z.output<typeof gaussianOptions>;

/** d: `dim`, else the length of `mean`, else the size of `covariance`, else 2. */
export function gaussianDim(options: Pick<GaussianOptions, 'dim' | 'mean' | 'covariance'>): number {
  return options.dim ?? options.mean?.length ?? options.covariance?.length ?? DEFAULT_DIM;
}

/** What is wrong with `covariance` as a d x d covariance, as an `expected ...` phrase; undefined if nothing is. */
function covarianceProblem(covariance: ReadonlyArray<ReadonlyArray<number>>, dim: number, dimSource: string): string | undefined {
  if (covariance.length !== dim || covariance.some((row) => row.length !== dim)) {
    return `expected a ${dim} x ${dim} matrix (d = ${dim}, from ${dimSource}), got rows of lengths [${covariance.map((row) => row.length).join(', ')}]`;
  }
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j < i; j++) {
      const above = covariance[j]![i]!;
      const below = covariance[i]![j]!;
      if (Math.abs(above - below) > SYMMETRY_TOLERANCE * Math.max(1, Math.abs(above), Math.abs(below))) {
        return `expected a symmetric matrix, but [${j}][${i}] = ${above} and [${i}][${j}] = ${below}`;
      }
    }
  }
  if (!choleskyFactor(covariance)) return 'expected a positive definite matrix (all eigenvalues > 0)';
  return undefined;
}

/** Row-major lower-triangular L with L L^T = covariance; undefined when covariance is not positive definite. */
function choleskyFactor(covariance: ReadonlyArray<ReadonlyArray<number>>): Float64Array | undefined {
  try {
    return cholesky(Float64Array.from(covariance.flat()), covariance.length);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** x = mean + L z with z ~ N(0, I_d) and L L^T = covariance, so x ~ N(mean, covariance). */
function gaussianSampleWriter(mean: Float64Array, lower: Float64Array | undefined): SampleWriter {
  const dim = mean.length;
  const z = new Float64Array(dim);
  return (rng, out, offset) => {
    for (let i = 0; i < dim; i++) z[i] = rng.normal();
    for (let i = 0; i < dim; i++) {
      let value = mean[i]!;
      if (lower) for (let j = 0; j <= i; j++) value += lower[i * dim + j]! * z[j]!;
      else value += z[i]!;
      out[offset + i] = value;
    }
  };
}

export const gaussianDataset: DatasetPlugin<GaussianOptions> = {
  id: 'gaussian',
  description: 'd-dimensional normal N(mean, covariance), drawn as mean + L z with L the Cholesky factor',
  options: gaussianOptions,
  create(options) {
    const dim = gaussianDim(options);
    const mean = options.mean ? Float64Array.from(options.mean) : new Float64Array(dim);
    const lower = options.covariance ? choleskyFactor(options.covariance) : undefined;
    if (options.covariance && !lower) throw new Error('gaussian: covariance is not positive definite');
    return sampledDataset(dim, options, gaussianSampleWriter(mean, lower));
  },
};
