/** A row-permuted LU decomposition of a square row-major float64 matrix: A[perm[i], :] = (L U)[i, :]. */
export interface LuDecomposition {
  readonly size: number;
  /** The pivoting: row i of L U is row perm[i] of A. */
  readonly perm: Uint32Array;
  /** Unit lower triangular, row-major (diagonal stored as 1). */
  readonly lower: Float64Array;
  /** Upper triangular, row-major. */
  readonly upper: Float64Array;
}

/**
 * Doolittle LU with partial pivoting (Golub & Van Loan, Algorithm 3.4.1): A[perm[i], :] = (L U)[i, :].
 * Throws on an exactly singular matrix.
 */
export function luDecompose(a: ArrayLike<number>, n: number): LuDecomposition {
  if (a.length !== n * n) throw new RangeError(`luDecompose: expected ${n}x${n} = ${n * n} values, got ${a.length}`);
  const m = Float64Array.from(a);
  const perm = Uint32Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]!) > Math.abs(m[pivot * n + k]!)) pivot = i;
    if (m[pivot * n + k] === 0) throw new RangeError(`luDecompose: the matrix is singular (column ${k} has no pivot)`);
    if (pivot !== k) {
      for (let j = 0; j < n; j++) [m[k * n + j], m[pivot * n + j]] = [m[pivot * n + j]!, m[k * n + j]!];
      [perm[k], perm[pivot]] = [perm[pivot]!, perm[k]!];
    }
    for (let i = k + 1; i < n; i++) {
      const factor = (m[i * n + k]! /= m[k * n + k]!);
      for (let j = k + 1; j < n; j++) m[i * n + j]! -= factor * m[k * n + j]!;
    }
  }
  const lower = new Float64Array(n * n);
  const upper = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    lower[i * n + i] = 1;
    for (let j = 0; j < n; j++) (j < i ? lower : upper)[i * n + j] = m[i * n + j]!;
  }
  return { size: n, perm, lower, upper };
}

// log |det A| = Σ_i log |U_ii|
export function logAbsDet(a: ArrayLike<number>, n: number): number {
  const { upper } = luDecompose(a, n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.log(Math.abs(upper[i * n + i]!));
  return sum;
}

/** A⁻¹ of a square row-major matrix by LU with partial pivoting: solves A X = I column by column. */
export function inverse(a: ArrayLike<number>, n: number): Float64Array {
  const { perm, lower, upper } = luDecompose(a, n);
  const out = new Float64Array(n * n);
  const y = new Float64Array(n);
  for (let col = 0; col < n; col++) {
    // L y = P e_col (forward), then U x = y (backward)
    for (let i = 0; i < n; i++) {
      let s = perm[i] === col ? 1 : 0;
      for (let j = 0; j < i; j++) s -= lower[i * n + j]! * y[j]!;
      y[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let j = i + 1; j < n; j++) s -= upper[i * n + j]! * out[j * n + col]!;
      out[i * n + col] = s / upper[i * n + i]!;
    }
  }
  return out;
}
