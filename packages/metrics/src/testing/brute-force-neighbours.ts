const squaredDistance = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);

/** The k-th smallest squared distance from each row to the other rows of its set, in float64. */
export function bruteForceRadii(rows: readonly number[][], k: number): number[] {
  return rows.map((a, i) => rows.filter((_, j) => j !== i).map((b) => squaredDistance(a, b)).sort((x, y) => x - y)[k - 1]!);
}

/**
 * Precision and recall (k = 3, closed balls; Kynkaanniemi et al. 2019) and density and coverage
 * (k = 5, open balls; Naeem et al. 2020) by brute force over float64 distances: the reference the
 * metrics are checked against.
 */
export function bruteForceNeighbourMetrics(real: readonly number[][], fake: readonly number[][]): { precision: number; recall: number; density: number; coverage: number } {
  const d = real.map((r) => fake.map((f) => squaredDistance(r, f)));
  const [real3, fake3, real5] = [bruteForceRadii(real, 3), bruteForceRadii(fake, 3), bruteForceRadii(real, 5)];
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  return {
    precision: mean(fake.map((_, j) => (real.some((_, i) => d[i]![j]! <= real3[i]!) ? 1 : 0))),
    recall: mean(real.map((_, i) => (fake.some((_, j) => d[i]![j]! <= fake3[j]!) ? 1 : 0))),
    density: mean(fake.map((_, j) => real.filter((_, i) => d[i]![j]! < real5[i]!).length / 5)),
    coverage: mean(real.map((_, i) => (Math.min(...d[i]!) < real5[i]! ? 1 : 0))),
  };
}
