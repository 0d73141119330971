import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { assignmentCost, linearAssignment } from './linear-assignment.ts';
import { exactOtPairing, squaredDistances } from './ot-pairing.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

/** The cheapest assignment by trying all n! permutations. */
function bruteForce(cost: Float64Array, n: number): number {
  let best = Infinity;
  const permute = (prefix: number[], rest: number[]) => {
    if (rest.length === 0) best = Math.min(best, assignmentCost(cost, n, prefix));
    rest.forEach((j, k) => permute([...prefix, j], [...rest.slice(0, k), ...rest.slice(k + 1)]));
  };
  permute([], Array.from({ length: n }, (_, j) => j));
  return best;
}

function isPermutation(p: ArrayLike<number>, n: number): boolean {
  return [...Array.from(p)].sort((a, b) => a - b).every((v, i) => v === i) && p.length === n;
}

describe('linearAssignment', () => {
  it('equals the brute-force optimum on 300 random problems of 1 to 7 rows (uniform, integer with ties, negative costs)', () => {
    const rng = Rng.from(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + (trial % 7);
      const kind = trial % 3;
      const cost = Float64Array.from({ length: n * n }, () => (kind === 0 ? rng.uniform() : kind === 1 ? rng.int(4) : 10 * rng.normal()));
      const assignment = linearAssignment(cost, n);
      expect(isPermutation(assignment, n)).toBe(true);
      expect(assignmentCost(cost, n, assignment)).toBeCloseTo(bruteForce(cost, n), 9);
    }
  });

  it('finds a planted optimum (a permutation of zeros among positive costs) for n = 200', () => {
    const n = 200;
    const rng = Rng.from(3);
    const planted = rng.permutation(n);
    const cost = Float64Array.from({ length: n * n }, (_, k) => (planted[Math.floor(k / n)] === k % n ? 0 : 0.01 + rng.uniform()));
    expect(Array.from(linearAssignment(cost, n))).toEqual(Array.from(planted));
  });

  it('refuses a cost matrix of the wrong size or with non-finite entries', () => {
    expect(() => linearAssignment(new Float64Array(5), 2)).toThrow(/n × n = 4 values, got 5/);
    expect(() => linearAssignment(Float64Array.of(0, 1, NaN, 2), 2)).toThrow(/cost\[1, 0\] = NaN/);
    expect(linearAssignment(new Float64Array(0), 0)).toEqual(new Int32Array(0));
  });
});

describe('exactOtPairing', () => {
  it('never costs more than the identity pairing, and equals brute force on small batches', () => {
    const rng = Rng.from(5);
    for (const n of [5, 6, 64, 256]) {
      const source = tf.tensor2d(Array.from(rng.normals(n * 3)), [n, 3]);
      const target = tf.tensor2d(Array.from(rng.normals(n * 3), (z) => 2 * z + 1), [n, 3]);
      const cost = squaredDistances(source, target);
      const sourceOf = exactOtPairing(source, target);
      expect(isPermutation(sourceOf, n)).toBe(true);
      // Σ_j C[π(j), j] for the pairing, Σ_j C[j, j] for the identity
      const paired = Array.from(sourceOf).reduce((sum, i, j) => sum + cost[i * n + j]!, 0);
      const identity = Array.from({ length: n }, (_, j) => cost[j * n + j]!).reduce((a, b) => a + b, 0);
      expect(paired).toBeLessThanOrEqual(identity + 1e-9);
      if (n <= 6) expect(paired).toBeCloseTo(bruteForce(cost, n), 4);
      if (n === 256) expect(paired).toBeLessThan(0.5 * identity);
      tf.dispose([source, target]);
    }
  });

  it('computes squared distances equal to a direct float64 sum', () => {
    const a = [[0, 1], [2, -1], [0.5, 0.5]];
    const b = [[1, 1], [-2, 3], [0, 0]];
    const d = squaredDistances(tf.tensor2d(a), tf.tensor2d(b));
    a.forEach((ai, i) => b.forEach((bj, j) => expect(d[i * 3 + j]).toBeCloseTo((ai[0]! - bj[0]!) ** 2 + (ai[1]! - bj[1]!) ** 2, 5)));
  });
});
