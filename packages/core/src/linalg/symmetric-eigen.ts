import { checkSize, dot } from './matrix.ts';

/** A = V diag(values) V^T with orthonormal V; `values` ascending, column j of `vectors` (row-major d x d) pairs with values[j]. */
export interface SymmetricEigen {
  readonly values: Float64Array;
  readonly vectors: Float64Array;
}

const MAX_SWEEPS_PER_VALUE = 60;
const ROTATION_CHUNK = 64;
const EPS = 2 ** -52;

/**
 * Eigendecomposition of a symmetric matrix (only its lower triangle is read): Householder
 * tridiagonalisation then implicit QL, the tred2/tql2 pair of EISPACK as given in JAMA. O(d^3).
 */
export function symmetricEigen(a: Float64Array, d: number): SymmetricEigen {
  const { values, rows } = decompose('symmetricEigen', a, d, true);
  const vectors = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < d; i++) vectors[i * d + j] = rows[j * d + i]!;
  }
  return { values, vectors };
}

/** Eigenvalues alone, ascending: the same algorithm without accumulating the transformations (about 3x faster). */
export function symmetricEigenvalues(a: Float64Array, d: number): Float64Array {
  return decompose('symmetricEigenvalues', a, d, false).values;
}

/**
 * Eigenvalues, ascending, of the symmetric tridiagonal matrix with diagonal `diagonal` (n values)
 * and subdiagonal `off` (off[i] = T[i+1][i], n - 1 values), by the implicit QL iterations of tql2.
 */
export function tridiagonalEigenvalues(diagonal: ArrayLike<number>, off: ArrayLike<number>): Float64Array {
  const n = diagonal.length;
  if (off.length !== Math.max(n - 1, 0)) throw new RangeError(`tridiagonalEigenvalues: ${off.length} off-diagonal values for ${n} diagonal ones; expected ${Math.max(n - 1, 0)}`);
  const values = Float64Array.from(diagonal);
  const e = new Float64Array(n);
  for (let i = 1; i < n; i++) e[i] = off[i - 1]!;
  if (n > 0) diagonalize(new Float64Array(0), values, e, n, false, 'tridiagonalEigenvalues');
  return values;
}

/**
 * Runs tred2 + tql2 on W = V^T, so that every inner loop of JAMA's column-wise updates of V walks a
 * contiguous row of W. On return row j of `rows` is the eigenvector of values[j].
 */
function decompose(what: string, a: Float64Array, d: number, wantVectors: boolean): { values: Float64Array; rows: Float64Array } {
  checkSize(what, a, d, d);
  const w = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const v = a[i * d + j]!;
      if (!Number.isFinite(v)) throw new RangeError(`${what}: entry (${i}, ${j}) is ${v}; expected finite values`);
      // JAMA reads V[k][j] for k >= j, which is w[j * d + k] here; V = A symmetric, so w = A.
      w[j * d + i] = v;
      w[i * d + j] = v;
    }
  }
  const values = new Float64Array(d);
  const off = new Float64Array(d);
  if (d === 0) return { values, rows: w };
  tridiagonalize(w, values, off, d, wantVectors);
  diagonalize(w, values, off, d, wantVectors, what);
  return { values, rows: w };
}

/** tred2: Householder reduction of W to tridiagonal form (diagonal `dg`, subdiagonal `e`), accumulating Q^T in W. */
function tridiagonalize(w: Float64Array, dg: Float64Array, e: Float64Array, n: number, wantVectors: boolean): void {
  for (let j = 0; j < n; j++) dg[j] = w[j * n + n - 1]!;

  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(dg[k]!);
    if (scale === 0) {
      e[i] = dg[i - 1]!;
      for (let j = 0; j < i; j++) {
        dg[j] = w[j * n + i - 1]!;
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      // Householder vector.
      for (let k = 0; k < i; k++) {
        dg[k] /= scale;
        h += dg[k]! * dg[k]!;
      }
      let f = dg[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      dg[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;

      // Similarity transformation of the remaining columns.
      for (let j = 0; j < i; j++) {
        const rj = j * n;
        f = dg[j]!;
        w[i * n + j] = f;
        // Two partial sums break the dependency chain of g.
        let g0 = e[j]! + w[rj + j]! * f;
        let g1 = 0;
        let k = j + 1;
        for (; k + 1 <= i - 1; k += 2) {
          const v0 = w[rj + k]!;
          const v1 = w[rj + k + 1]!;
          g0 += v0 * dg[k]!;
          g1 += v1 * dg[k + 1]!;
          e[k] += v0 * f;
          e[k + 1] += v1 * f;
        }
        for (; k <= i - 1; k++) {
          const v = w[rj + k]!;
          g0 += v * dg[k]!;
          e[k] += v * f;
        }
        e[j] = g0 + g1;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j]! * dg[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * dg[j]!;
      for (let j = 0; j < i; j++) {
        const rj = j * n;
        f = dg[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) w[rj + k] -= f * e[k]! + g * dg[k]!;
        dg[j] = w[rj + i - 1]!;
        w[rj + i] = 0;
      }
    }
    dg[i] = h;
  }

  if (wantVectors) {
    // Accumulate the transformations.
    for (let i = 0; i < n - 1; i++) {
      const ri = i * n;
      const ri1 = (i + 1) * n;
      w[ri + n - 1] = w[ri + i]!;
      w[ri + i] = 1;
      const h = dg[i + 1]!;
      if (h !== 0) {
        for (let k = 0; k <= i; k++) dg[k] = w[ri1 + k]! / h;
        for (let j = 0; j <= i; j++) {
          const rj = j * n;
          const g = dot(w, ri1, w, rj, i + 1);
          for (let k = 0; k <= i; k++) w[rj + k] -= g * dg[k]!;
        }
      }
      for (let k = 0; k <= i; k++) w[ri1 + k] = 0;
    }
    for (let j = 0; j < n; j++) {
      dg[j] = w[j * n + n - 1]!;
      w[j * n + n - 1] = 0;
    }
    w[(n - 1) * n + n - 1] = 1;
  } else {
    // Only the diagonal is needed: it sits where tred2 leaves it before accumulation.
    for (let i = 0; i < n - 1; i++) w[i * n + n - 1] = w[i * n + i]!;
    for (let j = 0; j < n; j++) dg[j] = w[j * n + n - 1]!;
  }
  e[0] = 0;
}

/** tql2: implicit QL iterations with Wilkinson-like shifts on the tridiagonal matrix, rotating the rows of W. */
function diagonalize(w: Float64Array, dg: Float64Array, e: Float64Array, n: number, wantVectors: boolean, what: string): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;

  const cosines = new Float64Array(n);
  const sines = new Float64Array(n);
  const carry = new Float64Array(wantVectors ? n : 0);
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(dg[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= EPS * tst1) break;
      m++;
    }
    if (m > l) {
      let sweeps = 0;
      do {
        if (++sweeps > MAX_SWEEPS_PER_VALUE) {
          throw new RangeError(`${what}: QL iteration for eigenvalue ${l} of ${n} did not converge in ${MAX_SWEEPS_PER_VALUE} sweeps`);
        }
        // Implicit shift.
        let g = dg[l]!;
        let p = (dg[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        dg[l] = e[l]! / (p + r);
        dg[l + 1] = e[l]! * (p + r);
        const dl1 = dg[l + 1]!;
        let h = g - dg[l]!;
        for (let i = l + 2; i < n; i++) dg[i] -= h;
        f += h;

        // Implicit QL transformation.
        p = dg[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * dg[i]! - s * g;
          dg[i + 1] = h + s * (c * g + s * dg[i]!);
          cosines[i] = c;
          sines[i] = s;
        }
        if (wantVectors) rotateRows(w, n, l, m, cosines, sines, carry);
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        dg[l] = c * p;
      } while (Math.abs(e[l]!) > EPS * tst1);
    }
    dg[l] = dg[l]! + f;
    e[l] = 0;
  }

  // Sort eigenvalues ascending, with their vectors.
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = dg[i]!;
    for (let j = i + 1; j < n; j++) {
      if (dg[j]! < p) {
        k = j;
        p = dg[j]!;
      }
    }
    if (k !== i) {
      dg[k] = dg[i]!;
      dg[i] = p;
      if (wantVectors) {
        const ri = i * n;
        const rk = k * n;
        for (let j = 0; j < n; j++) {
          const t = w[ri + j]!;
          w[ri + j] = w[rk + j]!;
          w[rk + j] = t;
        }
      }
    }
  }
}

/**
 * Applies one QL sweep's rotations i = m-1, ..., l to the rows of W:
 * (W_{i+1}, W_i) <- (s_i W_i + c_i W_{i+1}, c_i W_i - s_i W_{i+1}).
 * Row i+1 is final after rotation i, so the running row is carried in registers eight columns (one
 * cache line) at a time and every element of W is loaded and stored once per sweep; rotations go in
 * chunks of rows so that the rows in flight stay in cache.
 */
function rotateRows(w: Float64Array, n: number, l: number, m: number, cosines: Float64Array, sines: Float64Array, carry: Float64Array): void {
  carry.set(w.subarray(m * n, m * n + n));
  const wide = n - (n % 8);
  for (let hi = m - 1; hi >= l; hi -= ROTATION_CHUNK) {
    const lo = Math.max(l, hi - ROTATION_CHUNK + 1);
    for (let k = 0; k < wide; k += 8) {
      let a0 = carry[k]!;
      let a1 = carry[k + 1]!;
      let a2 = carry[k + 2]!;
      let a3 = carry[k + 3]!;
      let a4 = carry[k + 4]!;
      let a5 = carry[k + 5]!;
      let a6 = carry[k + 6]!;
      let a7 = carry[k + 7]!;
      for (let i = hi; i >= lo; i--) {
        const c = cosines[i]!;
        const s = sines[i]!;
        const ri = i * n + k;
        const rn = ri + n;
        let b = w[ri]!;
        w[rn] = s * b + c * a0;
        a0 = c * b - s * a0;
        b = w[ri + 1]!;
        w[rn + 1] = s * b + c * a1;
        a1 = c * b - s * a1;
        b = w[ri + 2]!;
        w[rn + 2] = s * b + c * a2;
        a2 = c * b - s * a2;
        b = w[ri + 3]!;
        w[rn + 3] = s * b + c * a3;
        a3 = c * b - s * a3;
        b = w[ri + 4]!;
        w[rn + 4] = s * b + c * a4;
        a4 = c * b - s * a4;
        b = w[ri + 5]!;
        w[rn + 5] = s * b + c * a5;
        a5 = c * b - s * a5;
        b = w[ri + 6]!;
        w[rn + 6] = s * b + c * a6;
        a6 = c * b - s * a6;
        b = w[ri + 7]!;
        w[rn + 7] = s * b + c * a7;
        a7 = c * b - s * a7;
      }
      carry[k] = a0;
      carry[k + 1] = a1;
      carry[k + 2] = a2;
      carry[k + 3] = a3;
      carry[k + 4] = a4;
      carry[k + 5] = a5;
      carry[k + 6] = a6;
      carry[k + 7] = a7;
    }
    for (let k = wide; k < n; k++) {
      let a = carry[k]!;
      for (let i = hi; i >= lo; i--) {
        const c = cosines[i]!;
        const s = sines[i]!;
        const b = w[i * n + k]!;
        w[(i + 1) * n + k] = s * b + c * a;
        a = c * b - s * a;
      }
      carry[k] = a;
    }
  }
  w.set(carry, l * n);
}
