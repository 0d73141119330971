import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { pointSet, squaredDistance } from './point-set.ts';
import { orthonormalRows, projectionBasis } from './projection-basis.ts';
import { projectPoints } from './projected-points.ts';

/** n points z W + noise * e in d dimensions, z in `intrinsic` dimensions. */
function nearSubspace(rng: Rng, n: number, d: number, intrinsic: number, noise: number) {
  const w = Float64Array.from({ length: intrinsic * d }, () => rng.normal());
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: intrinsic }, () => rng.normal());
    for (let j = 0; j < d; j++) {
      let v = noise * rng.normal();
      for (let t = 0; t < intrinsic; t++) v += z[t]! * w[t * d + j]!;
      out[i * d + j] = v;
    }
  }
  return pointSet(out, d);
}

describe('projection bounds', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('orthonormalises rows to 1e-12, replacing a dependent row by an axis', () => {
    const r = 3;
    const d = 5;
    const v = Float64Array.from([1, 2, 0, 0, 1, 2, 4, 0, 0, 2, 0, 1, 1, 3, 0]); // row 1 = 2 row 0
    const q = orthonormalRows(v, r, d);
    for (let a = 0; a < r; a++) {
      for (let b = 0; b < r; b++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += q[a * d + j]! * q[b * d + j]!;
        expect(s).toBeCloseTo(a === b ? 1 : 0, 12);
      }
    }
  });

  it.each([
    ['near a 10-dimensional subspace of 200', 10, 0.05],
    ['isotropic in 200 dimensions', 0, 1],
  ])('%s: every pair lies between its bounds, |p_x - p_y|^2 + (|q_x| -/+ |q_y|)^2 -/+ slack', (_name, intrinsic, noise) => {
    const rng = Rng.from(5);
    const a = nearSubspace(rng, 150, 200, intrinsic, noise);
    const b = nearSubspace(rng, 120, 200, intrinsic, noise);
    const basis = projectionBasis([a, b]);
    const pa = projectPoints(a, basis);
    const pb = projectPoints(b, basis);
    let width = 0;
    let total = 0;
    for (let i = 0; i < a.count; i++) {
      for (let j = 0; j < b.count; j++) {
        const exact = squaredDistance(a, i, b, j);
        const projected = squaredDistance(pa.coords, i, pb.coords, j);
        const slack = pa.slack[i]! + pb.slack[j]!;
        const lo = projected + (pa.residual[i]! - pb.residual[j]!) ** 2 - slack;
        const hi = projected + (pa.residual[i]! + pb.residual[j]!) ** 2 + slack;
        expect(lo).toBeLessThanOrEqual(exact);
        expect(hi).toBeGreaterThanOrEqual(exact);
        width += hi - lo;
        total += exact;
      }
    }
    // Near a subspace the bounds are tight (the pruning works); isotropic, they are not.
    if (intrinsic > 0) expect(width / total).toBeLessThan(0.01);
    else expect(width / total).toBeGreaterThan(0.5);
  });
});
