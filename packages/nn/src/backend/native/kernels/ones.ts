let ones = new Float32Array(0);

/** A vector of at least n ones (kept between calls), the other operand of a GEMM that sums. */
export function onesOf(n: number): Float32Array {
  if (ones.length < n) ones = new Float32Array(Math.max(n, 2 * ones.length)).fill(1);
  return ones.subarray(0, n);
}
