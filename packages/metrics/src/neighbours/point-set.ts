/** n points in R^d as float32 rows, with their squared norms |x_i|^2 (float64). */
export interface PointSet {
  readonly values: Float32Array;
  readonly count: number;
  readonly dim: number;
  readonly squaredNorms: Float64Array;
}

export function pointSet(values: Float32Array, dim: number): PointSet {
  if (!Number.isInteger(dim) || dim <= 0 || values.length % dim !== 0) {
    throw new RangeError(`pointSet: ${values.length} values is not a whole number of ${dim}-dimensional points`);
  }
  const count = values.length / dim;
  const squaredNorms = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let j = i * dim; j < (i + 1) * dim; j++) s += values[j]! * values[j]!;
    squaredNorms[i] = s;
  }
  return { values, count, dim, squaredNorms };
}

/** |a_i - b_j|^2 summed in float64 from the float32 coordinates (four running sums): the exact distance the pruned passes decide with. */
export function squaredDistance(a: PointSet, i: number, b: PointSet, j: number): number {
  const d = a.dim;
  const x = a.values;
  const y = b.values;
  const p = i * d;
  const q = j * d;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = 0;
  for (; t + 4 <= d; t += 4) {
    const d0 = x[p + t]! - y[q + t]!;
    const d1 = x[p + t + 1]! - y[q + t + 1]!;
    const d2 = x[p + t + 2]! - y[q + t + 2]!;
    const d3 = x[p + t + 3]! - y[q + t + 3]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; t < d; t++) {
    const diff = x[p + t]! - y[q + t]!;
    s0 += diff * diff;
  }
  return s0 + s1 + (s2 + s3);
}
