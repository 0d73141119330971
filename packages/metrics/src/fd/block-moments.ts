import * as tf from '@tensorflow/tfjs';
import type { GaussianMoments, SampleArray } from '@ouroboros/core';

/**
 * Rows per float32 product. The float32 sums inside one product run over this many rows, so the
 * scatter's relative error grows with it (about 1e-7 at 256 rows, 3e-7 at 512 on 2048-d features,
 * measured against a float64 two-pass computation); larger blocks keep the matMul efficient.
 */
export const MOMENT_BLOCK_ROWS = 512;
/** Column panels of Y^T Y: only the blocks on and above the diagonal are computed, (p + 1) / 2p of the work. */
const PANELS = 4;

/**
 * Running mean and covariance of float32 feature rows, with the O(n d^2) work on the tensor
 * backend's matMul (XNNPACK on wasm): each block of rows is centred on its own mean in float64,
 * rounded to float32, its scatter Y^T Y computed as a float32 product and added in float64, and
 * blocks are merged with the pairwise update of Chan, Golub & LeVeque (1979). Memory is O(d^2)
 * whatever the number of rows.
 */
export class BlockMomentAccumulator {
  private n = 0;
  private readonly runningMean: Float64Array;
  /** Upper triangle of sum_i (x_i - mean)(x_i - mean)^T, float64. */
  private readonly scatter: Float64Array;

  constructor(
    readonly dim: number,
    private readonly blockRows = MOMENT_BLOCK_ROWS,
  ) {
    if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`BlockMomentAccumulator: dim = ${dim}; expected a positive integer`);
    this.runningMean = new Float64Array(dim);
    this.scatter = new Float64Array(dim * dim);
  }

  get count(): number {
    return this.n;
  }

  /** Adds `rows.length / dim` samples given as one flat row-major array. */
  add(rows: SampleArray | Float64Array): this {
    const d = this.dim;
    if (rows.length % d !== 0) throw new RangeError(`BlockMomentAccumulator.add: ${rows.length} values is not a whole number of ${d}-dimensional samples`);
    const count = rows.length / d;
    for (let start = 0; start < count; start += this.blockRows) this.addBlock(rows, start, Math.min(this.blockRows, count - start));
    return this;
  }

  /** Mean and covariance with divisor n - ddof (1: unbiased, as np.cov in pytorch-fid). */
  moments(ddof: 0 | 1 = 1): GaussianMoments {
    const d = this.dim;
    if (this.n < ddof + 1) throw new RangeError(`BlockMomentAccumulator: covariance with ddof ${ddof} of ${this.n} samples; expected at least ${ddof + 1}`);
    const covariance = new Float64Array(d * d);
    const scale = 1 / (this.n - ddof);
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        const v = this.scatter[i * d + j]! * scale;
        covariance[i * d + j] = v;
        covariance[j * d + i] = v;
      }
    }
    return { count: this.n, mean: this.runningMean.slice(), covariance };
  }

  private addBlock(x: ArrayLike<number>, start: number, rows: number): void {
    const d = this.dim;
    const blockMean = new Float64Array(d);
    for (let i = 0; i < rows; i++) {
      const r = (start + i) * d;
      for (let j = 0; j < d; j++) blockMean[j] += x[r + j]!;
    }
    for (let j = 0; j < d; j++) blockMean[j] /= rows;
    const centred = new Float32Array(rows * d);
    for (let i = 0; i < rows; i++) {
      const r = (start + i) * d;
      const o = i * d;
      for (let j = 0; j < d; j++) centred[o + j] = x[r + j]! - blockMean[j]!;
    }
    this.addScatter(centred, rows);
    this.merge(rows, blockMean);
  }

  /** scatter += Y^T Y for Y (rows x d), upper triangle, panel by panel of columns. */
  private addScatter(centred: Float32Array, rows: number): void {
    const d = this.dim;
    const width = Math.ceil(d / PANELS);
    const panels = tf.tidy(() => {
      const y = tf.tensor2d(centred, [rows, d]);
      const yT = tf.transpose(y);
      const out: tf.Tensor2D[] = [];
      // Panel p: rows p0..p0+w of Y^T Y, columns p0..d-1.
      for (let p0 = 0; p0 < d; p0 += width) {
        const w = Math.min(width, d - p0);
        out.push(tf.matMul(yT.slice([p0, 0], [w, rows]), p0 === 0 ? y : y.slice([0, p0], [rows, d - p0])));
      }
      return out;
    });
    let p0 = 0;
    for (const panel of panels) {
      const values = panel.dataSync();
      const [w, cols] = panel.shape;
      panel.dispose();
      for (let i = 0; i < w; i++) {
        const target = (p0 + i) * d + p0;
        const source = i * cols;
        for (let j = i; j < cols; j++) this.scatter[target + j] += values[source + j]!;
      }
      p0 += w;
    }
  }

  /** Chan's merge of a block of `nb` samples with mean `meanB` (its scatter already added): M2 += delta delta^T na nb / n. */
  private merge(nb: number, meanB: Float64Array): void {
    const d = this.dim;
    const total = this.n + nb;
    const weight = (this.n * nb) / total;
    const delta = new Float64Array(d);
    for (let j = 0; j < d; j++) delta[j] = meanB[j]! - this.runningMean[j]!;
    if (weight > 0) {
      for (let i = 0; i < d; i++) {
        const wi = weight * delta[i]!;
        const row = i * d;
        for (let j = i; j < d; j++) this.scatter[row + j] += wi * delta[j]!;
      }
    }
    for (let j = 0; j < d; j++) this.runningMean[j] += (delta[j]! * nb) / total;
    this.n = total;
  }
}
