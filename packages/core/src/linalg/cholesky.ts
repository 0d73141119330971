import { checkSize, dot } from './matrix.ts';

/** Lower-triangular L with A = L L^T, row by row: L_ij = (A_ij - sum_{k<j} L_ik L_jk) / L_jj. Reads A's lower triangle. */
export function cholesky(a: Float64Array, d: number): Float64Array {
  checkSize('cholesky', a, d, d);
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const ri = i * d;
    for (let j = 0; j <= i; j++) {
      const rj = j * d;
      const s = a[ri + j]! - dot(l, ri, l, rj, j);
      if (i === j) {
        if (!(s > 0)) {
          throw new RangeError(`cholesky: pivot ${i} of the ${d}x${d} matrix is ${s}; expected a symmetric positive definite matrix`);
        }
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j]!;
      }
    }
  }
  return l;
}

/** log det A = 2 sum_i log L_ii for A = L L^T. */
export function choleskyLogDet(l: Float64Array, d: number): number {
  checkSize('choleskyLogDet', l, d, d);
  let sum = 0;
  for (let i = 0; i < d; i++) sum += Math.log(l[i * d + i]!);
  return 2 * sum;
}

/** y with L y = b, by forward substitution: y_i = (b_i - sum_{k<i} L_ik y_k) / L_ii. */
export function solveLower(l: Float64Array, b: ArrayLike<number>, d: number, out: Float64Array = new Float64Array(d)): Float64Array {
  checkSize('solveLower', l, d, d);
  checkSize('solveLower (right-hand side)', b, d, 1);
  for (let i = 0; i < d; i++) {
    const ri = i * d;
    out[i] = (b[i]! - dot(l, ri, out, 0, i)) / l[ri + i]!;
  }
  return out;
}

/** x with L^T x = y, by back substitution: x_i = (y_i - sum_{k>i} L_ki x_k) / L_ii. */
export function solveLowerTransposed(l: Float64Array, y: ArrayLike<number>, d: number, out: Float64Array = new Float64Array(d)): Float64Array {
  checkSize('solveLowerTransposed', l, d, d);
  checkSize('solveLowerTransposed (right-hand side)', y, d, 1);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * out[k]!;
    out[i] = s / l[i * d + i]!;
  }
  return out;
}

/** tr(A^{-1}) = ||L^{-1}||_F^2 for A = L L^T, column by column of L^{-1}. */
export function choleskyInverseTrace(l: Float64Array, d: number): number {
  checkSize('choleskyInverseTrace', l, d, d);
  const column = new Float64Array(d);
  let sum = 0;
  for (let j = 0; j < d; j++) {
    // Column j of L^{-1} is zero above row j.
    column.fill(0);
    for (let i = j; i < d; i++) {
      const ri = i * d;
      let s = i === j ? 1 : 0;
      for (let k = j; k < i; k++) s -= l[ri + k]! * column[k]!;
      const v = s / l[ri + i]!;
      column[i] = v;
      sum += v * v;
    }
  }
  return sum;
}
