import * as tf from '@tensorflow/tfjs';
import type { GaussianMoments, SampleArray } from '@ouroboros/core';
import { F64Arena, type F64Matrix } from '@ouroboros/nn';

/** How each block's scatter Y^T Y is computed: in float64 on nn's F64Arena (exact), or float32 matMuls on the tensor backend. */
export type ScatterPrecision = 'float64' | 'float32';

/**
 * Rows per block. In float32 the sums inside one block's product run over this many rows, so the
 * scatter's relative error grows with it (about 1e-7 at 256 rows, 3e-7 at 512 on 2048-d features,
 * against a float64 two-pass computation); larger blocks keep the products efficient.
 */
export const MOMENT_BLOCK_ROWS = 512;
/** Column panels of the float32 Y^T Y: only the blocks on and above the diagonal are computed. */
const FLOAT32_PANELS = 4;

/**
 * Running mean and covariance of feature rows in O(d^2) memory, with the O(n d^2) work in
 * products of blocks of rows: each block is centred on its own mean in float64, its scatter Y^T Y
 * added in float64, and blocks merged with the pairwise update of Chan, Golub & LeVeque (1979).
 * `float64` computes Y^T Y with F64Arena.syrkUpper (exact to rounding, as np.cov);
 * `float32` rounds Y to float32 and multiplies on the tensor backend (XNNPACK on wasm), faster for
 * wide features but about 1e-7 relative error per entry.
 */
export class BlockMomentAccumulator {
  private n = 0;
  private readonly runningMean: Float64Array;
  private readonly arena = new F64Arena();
  /** Upper triangle of sum_i (x_i - mean)(x_i - mean)^T. */
  private readonly scatter: F64Matrix;
  /** The float64 path's Y of one block and its merge row (see addBlock64), and the block's mean. */
  private readonly block: F64Matrix;
  private readonly blockMean: Float64Array;

  constructor(
    readonly dim: number,
    readonly precision: ScatterPrecision = 'float64',
    private readonly blockRows = MOMENT_BLOCK_ROWS,
  ) {
    if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`BlockMomentAccumulator: dim = ${dim}; expected a positive integer`);
    this.runningMean = new Float64Array(dim);
    this.scatter = this.arena.matrix(dim, dim);
    this.block = this.arena.matrix(blockRows + 1, dim);
    this.blockMean = new Float64Array(dim);
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
    const view = this.arena.f64();
    const s = this.scatter.ptr / 8;
    const covariance = new Float64Array(d * d);
    const scale = 1 / (this.n - ddof);
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        const v = view[s + i * this.scatter.ld + j]! * scale;
        covariance[i * d + j] = v;
        covariance[j * d + i] = v;
      }
    }
    return { count: this.n, mean: this.runningMean.slice(), covariance };
  }

  private addBlock(x: ArrayLike<number>, start: number, rows: number): void {
    if (this.precision === 'float64') {
      this.addBlock64(x, start, rows);
      return;
    }
    const d = this.dim;
    const blockMean = new Float64Array(d);
    for (let i = 0; i < rows; i++) {
      const r = (start + i) * d;
      for (let j = 0; j < d; j++) blockMean[j] += x[r + j]!;
    }
    for (let j = 0; j < d; j++) blockMean[j] /= rows;
    this.addScatter32(x, start, rows, blockMean);
    this.merge(rows, blockMean);
  }

  /**
   * The float64 block: rows 0..rows-1 of Y are the block's samples centred on its mean, row `rows`
   * is sqrt(w) delta (delta = block mean - running mean, w = n nb / (n + nb)), so that one
   * syrkUpper adds Y^T Y and Chan's merge term w delta delta^T together.
   */
  private addBlock64(x: ArrayLike<number>, start: number, rows: number): void {
    const d = this.dim;
    const view = this.arena.f64();
    const y = this.block.ptr / 8;
    const ld = this.block.ld;
    const mean = this.blockMean.fill(0);
    for (let i = 0; i < rows; i++) {
      const src = (start + i) * d;
      const dst = y + i * ld;
      for (let j = 0; j < d; j++) {
        const v = x[src + j]!;
        view[dst + j] = v;
        mean[j] += v;
      }
    }
    for (let j = 0; j < d; j++) mean[j] /= rows;
    for (let i = 0; i < rows; i++) {
      const dst = y + i * ld;
      for (let j = 0; j < d; j++) view[dst + j] -= mean[j]!;
    }
    const total = this.n + rows;
    const root = Math.sqrt((this.n * rows) / total);
    const merge = y + rows * ld;
    for (let j = 0; j < d; j++) {
      const delta = mean[j]! - this.runningMean[j]!;
      view[merge + j] = root * delta;
      this.runningMean[j] += (delta * rows) / total;
    }
    this.n = total;
    this.arena.syrkUpper(this.scatter, this.block, d, rows + 1);
  }

  /** scatter += Y^T Y with Y rounded to float32 and multiplied on the tensor backend, column panel by panel. */
  private addScatter32(x: ArrayLike<number>, start: number, rows: number, blockMean: Float64Array): void {
    const d = this.dim;
    const centred = new Float32Array(rows * d);
    for (let i = 0; i < rows; i++) {
      const r = (start + i) * d;
      for (let j = 0; j < d; j++) centred[i * d + j] = x[r + j]! - blockMean[j]!;
    }
    const width = Math.ceil(d / FLOAT32_PANELS);
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
      const view = this.arena.f64();
      for (let i = 0; i < w; i++) {
        const target = this.scatter.ptr / 8 + (p0 + i) * this.scatter.ld + p0;
        const source = i * cols;
        for (let j = i; j < cols; j++) view[target + j] += values[source + j]!;
      }
      p0 += w;
    }
  }

  /** Chan's merge of a float32 block of `nb` samples with mean `meanB` (its scatter already added): M2 += delta delta^T na nb / n. */
  private merge(nb: number, meanB: Float64Array): void {
    const d = this.dim;
    const total = this.n + nb;
    const weight = (this.n * nb) / total;
    const delta = new Float64Array(d);
    for (let j = 0; j < d; j++) delta[j] = meanB[j]! - this.runningMean[j]!;
    if (weight > 0) {
      const view = this.arena.f64();
      for (let i = 0; i < d; i++) {
        const wi = weight * delta[i]!;
        const row = this.scatter.ptr / 8 + i * this.scatter.ld;
        for (let j = i; j < d; j++) view[row + j] += wi * delta[j]!;
      }
    }
    for (let j = 0; j < d; j++) this.runningMean[j] += (delta[j]! * nb) / total;
    this.n = total;
  }
}
