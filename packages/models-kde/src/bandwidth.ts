/** How the kernel width is chosen: a rule of thumb applied to the training data, or a given h. */
export type BandwidthChoice = 'scott' | 'silverman' | number;

/**
 * The rule-of-thumb factor c with h_j = c sigma_j for n samples in d dimensions (sigma_j the data's
 * standard deviation, divisor n - 1): Scott (1992) c = n^{-1/(d+4)}; Silverman (1986)
 * c = (4 / (d + 2))^{1/(d+4)} n^{-1/(d+4)}, the normal-reference rule (1.06 n^{-1/5} in one dimension).
 */
export function bandwidthFactor(rule: 'scott' | 'silverman', n: number, d: number): number {
  const scott = n ** (-1 / (d + 4));
  return rule === 'scott' ? scott : (4 / (d + 2)) ** (1 / (d + 4)) * scott;
}

/** Per-dimension kernel widths h_j for the flat n x d `x`: c sigma_j by a rule, or the given h everywhere. */
export function bandwidths(choice: BandwidthChoice, x: Float64Array, d: number): Float64Array {
  if (typeof choice === 'number') return new Float64Array(d).fill(choice);
  const n = x.length / d;
  if (n < 2) throw new RangeError(`kde: the ${choice} bandwidth rule needs at least 2 samples, got ${n}; give bandwidth as a number`);
  const factor = bandwidthFactor(choice, n, d);
  const h = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[i * d + j]!;
    mean /= n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (x[i * d + j]! - mean) ** 2;
    const sigma = Math.sqrt(squares / (n - 1));
    if (!(sigma > 0)) throw new RangeError(`kde: dimension ${j} of the training data is constant, so the ${choice} rule gives bandwidth 0; give bandwidth as a number`);
    h[j] = factor * sigma;
  }
  return h;
}
