import { multiplyTransposed } from './multiply.ts';

const SCATTER_CHUNK = 256;

/**
 * Running mean and scatter matrix of d-dimensional samples, fed batch by batch so that a data set
 * never has to fit in memory. Each batch is centred on its own mean and merged with the pairwise
 * update of Chan, Golub & LeVeque (1979), which stays accurate when the mean is large next to the spread.
 */
export class MomentAccumulator {
  private n = 0;
  private readonly runningMean: Float64Array;
  /** Upper triangle of sum_i (x_i - mean)(x_i - mean)^T; the lower triangle is filled on read. */
  private readonly scatter: Float64Array;

  constructor(readonly dim: number) {
    if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`MomentAccumulator: dim = ${dim}; expected a positive integer`);
    this.runningMean = new Float64Array(dim);
    this.scatter = new Float64Array(dim * dim);
  }

  get count(): number {
    return this.n;
  }

  /** Adds `samples.length / dim` samples given as one flat row-major n x d array. */
  add(samples: ArrayLike<number>): this {
    const d = this.dim;
    if (samples.length % d !== 0) {
      throw new RangeError(`MomentAccumulator.add: ${samples.length} values is not a whole number of ${d}-dimensional samples`);
    }
    const nb = samples.length / d;
    if (nb === 0) return this;
    const batchMean = meanOfRows(samples, nb, d);
    // Chunks of rows keep the d x chunk panel of Y^T in cache while S += Y^T Y sweeps over it.
    for (let start = 0; start < nb; start += SCATTER_CHUNK) {
      const rows = Math.min(SCATTER_CHUNK, nb - start);
      const centredColumns = centredTranspose(samples, batchMean, start, rows, d);
      multiplyTransposed(centredColumns, centredColumns, d, rows, d, true, this.scatter);
    }
    this.mergeMoments(nb, batchMean, null);
    return this;
  }

  /** Adds everything another accumulator of the same dimension has seen. */
  merge(other: MomentAccumulator): this {
    if (other.dim !== this.dim) throw new RangeError(`MomentAccumulator.merge: dim ${other.dim}; expected ${this.dim}`);
    if (other.n === 0) return this;
    this.mergeMoments(other.n, other.runningMean, other.scatter);
    return this;
  }

  /** mu = (1/n) sum_i x_i. */
  mean(): Float64Array {
    this.requireSamples(1, 'mean');
    return this.runningMean.slice();
  }

  /** Sigma = sum_i (x_i - mu)(x_i - mu)^T / (n - ddof): ddof 0 is maximum likelihood, 1 is unbiased. */
  covariance(ddof: 0 | 1 = 0): Float64Array {
    this.requireSamples(ddof + 1, `covariance with ddof ${ddof}`);
    const d = this.dim;
    const out = new Float64Array(d * d);
    const scale = 1 / (this.n - ddof);
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        const v = this.scatter[i * d + j]! * scale;
        out[i * d + j] = v;
        out[j * d + i] = v;
      }
    }
    return out;
  }

  /** Chan's merge: M2 = M2_a + M2_b + delta delta^T n_a n_b / n, mean = mean_a + delta n_b / n. */
  private mergeMoments(nb: number, meanB: Float64Array, scatterB: Float64Array | null): void {
    const d = this.dim;
    const na = this.n;
    const total = na + nb;
    const delta = new Float64Array(d);
    for (let i = 0; i < d; i++) delta[i] = meanB[i]! - this.runningMean[i]!;
    const weight = (na * nb) / total;
    for (let i = 0; i < d; i++) {
      const row = i * d;
      const wi = weight * delta[i]!;
      for (let j = i; j < d; j++) {
        this.scatter[row + j] += wi * delta[j]! + (scatterB === null ? 0 : scatterB[row + j]!);
      }
    }
    const step = nb / total;
    for (let i = 0; i < d; i++) this.runningMean[i] += delta[i]! * step;
    this.n = total;
  }

  private requireSamples(min: number, what: string): void {
    if (this.n < min) throw new RangeError(`MomentAccumulator: ${what} of ${this.n} samples; expected at least ${min}`);
  }
}

/** Mean and covariance of one set of samples, in float64. */
export interface GaussianMoments {
  readonly count: number;
  readonly mean: Float64Array;
  readonly covariance: Float64Array;
}

/** Mean and covariance of everything `acc` has seen, with divisor n - ddof. */
export function gaussianMoments(acc: MomentAccumulator, ddof: 0 | 1 = 1): GaussianMoments {
  return { count: acc.count, mean: acc.mean(), covariance: acc.covariance(ddof) };
}

/** Feeds every batch of an async stream of flat n x d arrays into one accumulator. */
export async function accumulateMoments(batches: AsyncIterable<ArrayLike<number>>, dim: number): Promise<MomentAccumulator> {
  const acc = new MomentAccumulator(dim);
  for await (const batch of batches) acc.add(batch);
  return acc;
}

/** m_j = (1/n) sum_i x_ij. */
function meanOfRows(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const m = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) m[j] += x[row + j]!;
  }
  for (let j = 0; j < d; j++) m[j] /= n;
  return m;
}

/** Y^T with Y_ij = x_(start+i)j - m_j for `n` rows from `start`, in float64 (d x n: each dimension's values contiguous). */
function centredTranspose(x: ArrayLike<number>, m: Float64Array, start: number, n: number, d: number): Float64Array {
  const yt = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = (start + i) * d;
    for (let j = 0; j < d; j++) yt[j * n + i] = x[row + j]! - m[j]!;
  }
  return yt;
}
