import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ouroboros/core';
import type { PointSet } from './point-set.ts';

/** Directions kept: the cross terms of the bounds cost dims / d of the full distances. */
export const PROJECTION_DIMS = 64;
/** Rows, over all sets, that the directions are fitted on. */
const SAMPLE_ROWS = 2048;
/** Subspace iterations Y^T Y V from a random start. */
const ITERATIONS = 3;

/**
 * An orthonormal basis P of `dims` directions of R^d and a centre c: every x splits into its
 * coordinates p = P (x - c) and a residual orthogonal to P, whence the distance bounds of
 * `projected-points.ts`. Any orthonormal P gives valid bounds; one near the top principal
 * subspace gives tight ones.
 */
export interface ProjectionBasis {
  readonly dim: number;
  readonly dims: number;
  readonly centre: Float64Array;
  /** dims x dim, row-major, orthonormal rows. */
  readonly rows: Float64Array;
}

/**
 * Approximate top principal directions of the union of `sets`: subspace iteration
 * V <- orth(Y^T (Y V)) on an evenly strided sample Y of centred rows, from a fixed random start
 * (Halko, Martinsson & Tropp 2011, alg. 4.3 without the final SVD), so the basis depends on the
 * points only.
 */
export function projectionBasis(sets: readonly PointSet[], dims = PROJECTION_DIMS): ProjectionBasis {
  const d = sets[0]!.dim;
  const r = Math.min(dims, d);
  const sample = stridedSample(sets, SAMPLE_ROWS);
  const m = sample.length / d;
  const centre = new Float64Array(d);
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) centre[j] += sample[i * d + j]!;
  for (let j = 0; j < d; j++) centre[j] /= m;
  for (let i = 0; i < m; i++) for (let j = 0; j < d; j++) sample[i * d + j] -= centre[j]!;

  const rng = Rng.from(0, 'projection-basis');
  let basis = orthonormalRows(Float64Array.from({ length: r * d }, () => rng.normal()), r, d);
  if (r < d) {
    const y = tf.tensor2d(sample, [m, d]);
    try {
      for (let it = 0; it < ITERATIONS; it++) {
        // (Y V)^T Y = (Y^T Y V)^T, with both products untransposed (the fast matMul on wasm).
        const yv = tf.tidy(() => tf.matMul(y, tf.tensor2d(transpose(basis, r, d), [d, r])));
        const yvT = transpose(yv.dataSync(), m, r);
        yv.dispose();
        const next = tf.tidy(() => tf.matMul(tf.tensor2d(yvT, [r, m]), y));
        basis = orthonormalRows(Float64Array.from(next.dataSync()), r, d);
        next.dispose();
      }
    } finally {
      y.dispose();
    }
  }
  return { dim: d, dims: r, centre, rows: basis };
}

/** The transpose of a rows x cols row-major matrix, as float32. */
function transpose(values: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j]!;
  return out;
}

/** About `target` rows taken at an even stride from each set in turn, float32 row-major. */
function stridedSample(sets: readonly PointSet[], target: number): Float32Array {
  const d = sets[0]!.dim;
  const picks: Array<{ set: PointSet; row: number }> = [];
  for (const set of sets) {
    const take = Math.min(set.count, Math.ceil(target / sets.length));
    for (let t = 0; t < take; t++) picks.push({ set, row: Math.floor((t * set.count) / take) });
  }
  const out = new Float32Array(picks.length * d);
  picks.forEach(({ set, row }, i) => out.set(set.values.subarray(row * d, (row + 1) * d), i * d));
  return out;
}

/**
 * Modified Gram-Schmidt, twice ("twice is enough", Giraud et al. 2005), on the rows of a r x d
 * matrix in float64; a row that vanishes is replaced by the first coordinate axis not yet spanned.
 */
export function orthonormalRows(v: Float64Array, r: number, d: number): Float64Array {
  let axis = 0;
  for (let i = 0; i < r; i++) {
    const row = v.subarray(i * d, (i + 1) * d);
    for (;;) {
      const before = Math.sqrt(dot(row, row));
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < i; p++) {
          const prev = v.subarray(p * d, (p + 1) * d);
          const c = dot(row, prev);
          for (let j = 0; j < d; j++) row[j] -= c * prev[j]!;
        }
      }
      const norm = Math.sqrt(dot(row, row));
      if (norm > 1e-8 * before && norm > 0) {
        for (let j = 0; j < d; j++) row[j] /= norm;
        break;
      }
      if (axis >= d) throw new RangeError(`orthonormalRows: ${r} rows do not fit in ${d} dimensions`);
      row.fill(0);
      row[axis++] = 1;
    }
  }
  return v;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}
