import { checkSize, dot, transpose } from './matrix.ts';

/** C = A B for A (rows x inner) and B (inner x cols). */
export function multiply(a: Float64Array, b: Float64Array, rows: number, inner: number, cols: number): Float64Array {
  checkSize('multiply (right factor)', b, inner, cols);
  return multiplyTransposed(a, transpose(b, inner, cols), rows, inner, cols);
}

/**
 * C = A B^T for A (rows x inner) and B (cols x inner): every entry is a dot product of two contiguous
 * rows, computed four rows of A by two rows of B at a time so that each load feeds several products.
 * The products are added into `out` when it is given. With `upperOnly` (for symmetric results such as
 * A A^T) only the upper triangle is guaranteed; blocks wholly below the diagonal are skipped.
 */
export function multiplyTransposed(
  a: Float64Array,
  b: Float64Array,
  rows: number,
  inner: number,
  cols: number,
  upperOnly = false,
  out: Float64Array = new Float64Array(rows * cols),
): Float64Array {
  checkSize('multiplyTransposed (left factor)', a, rows, inner);
  checkSize('multiplyTransposed (right factor)', b, cols, inner);
  checkSize('multiplyTransposed (output)', out, rows, cols);
  const n = inner;
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const a0 = i * n;
    const a1 = a0 + n;
    const a2 = a1 + n;
    const a3 = a2 + n;
    let j = upperOnly ? i - (i % 2) : 0;
    for (; j + 2 <= cols; j += 2) {
      const b0 = j * n;
      const b1 = b0 + n;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < n; k++) {
        const x0 = a[a0 + k]!;
        const x1 = a[a1 + k]!;
        const x2 = a[a2 + k]!;
        const x3 = a[a3 + k]!;
        const y0 = b[b0 + k]!;
        const y1 = b[b1 + k]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s30 += x3 * y0;
        s31 += x3 * y1;
      }
      const c = i * cols + j;
      out[c] += s00;
      out[c + 1] += s01;
      out[c + cols] += s10;
      out[c + cols + 1] += s11;
      out[c + 2 * cols] += s20;
      out[c + 2 * cols + 1] += s21;
      out[c + 3 * cols] += s30;
      out[c + 3 * cols + 1] += s31;
    }
    for (; j < cols; j++) {
      for (let r = i; r < i + 4; r++) out[r * cols + j] += dot(a, r * n, b, j * n, n);
    }
  }
  for (; i < rows; i++) {
    for (let j = upperOnly ? i : 0; j < cols; j++) out[i * cols + j] += dot(a, i * n, b, j * n, n);
  }
  return out;
}
