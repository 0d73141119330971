import { Rng } from '../rng/rng.ts';

/** A random symmetric d x d matrix with N(0, 1) entries, for tests. */
export function randomSymmetric(d: number, seed: number): Float64Array {
  const rng = Rng.from(seed, 'linalg-test', 'symmetric', d);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rng.normal();
      a[i * d + j] = v;
      a[j * d + i] = v;
    }
  }
  return a;
}

/** A random symmetric positive definite matrix X X^T / m + I, for tests. */
export function randomSpd(d: number, seed: number): Float64Array {
  const rng = Rng.from(seed, 'linalg-test', 'spd', d);
  const m = d + 3;
  const x = rng.normals(d * m);
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += x[i * m + k]! * x[j * m + k]!;
      a[i * d + j] = s / m + (i === j ? 1 : 0);
    }
  }
  return a;
}

/** max_i |a_i - b_i|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`maxAbsDiff: lengths ${a.length} and ${b.length}; expected equal`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
