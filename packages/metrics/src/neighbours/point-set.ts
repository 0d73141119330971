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
