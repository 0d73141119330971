/**
 * Dense float64 matrices are row-major `Float64Array`s with their dimensions passed alongside:
 * entry (i, j) of an r x c matrix is `a[i * c + j]`.
 */

/** I_d. */
export function identity(d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) out[i * d + i] = 1;
  return out;
}

/** A^T for an r x c matrix A (the result is c x r). */
export function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  checkSize('transpose', a, rows, cols);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  }
  return out;
}

/** tr(A) = sum_i A_ii. */
export function trace(a: Float64Array, d: number): number {
  checkSize('trace', a, d, d);
  let sum = 0;
  for (let i = 0; i < d; i++) sum += a[i * d + i]!;
  return sum;
}

/** (A + A^T) / 2: removes the rounding asymmetry of a product that is symmetric in exact arithmetic. */
export function symmetrize(a: Float64Array, d: number): Float64Array {
  checkSize('symmetrize', a, d, d);
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    out[i * d + i] = a[i * d + i]!;
    for (let j = i + 1; j < d; j++) {
      const v = 0.5 * (a[i * d + j]! + a[j * d + i]!);
      out[i * d + j] = v;
      out[j * d + i] = v;
    }
  }
  return out;
}

/** Throws unless `a` holds exactly rows x cols values. */
export function checkSize(what: string, a: ArrayLike<number>, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`${what}: dimensions ${rows}x${cols}; expected non-negative integers`);
  }
  if (a.length !== rows * cols) {
    throw new RangeError(`${what}: array of ${a.length} values; expected ${rows}x${cols} = ${rows * cols}`);
  }
}

/** sum_k x[xo + k] y[yo + k], with four partial sums so the additions do not wait on each other. */
export function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    s0 += x[xo + k]! * y[yo + k]!;
    s1 += x[xo + k + 1]! * y[yo + k + 1]!;
    s2 += x[xo + k + 2]! * y[yo + k + 2]!;
    s3 += x[xo + k + 3]! * y[yo + k + 3]!;
  }
  for (; k < n; k++) s0 += x[xo + k]! * y[yo + k]!;
  return s0 + s1 + (s2 + s3);
}
