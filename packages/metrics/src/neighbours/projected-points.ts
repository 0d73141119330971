import { F64Arena } from '@ouroboros/nn';
import { pointSet, type PointSet } from './point-set.ts';
import { projectionBasis, type ProjectionBasis } from './projection-basis.ts';

/**
 * Relative slack of the bounds, times p_i^2 + p_j^2: covers the float32 rounding of the projected
 * coordinates and of their matMul (at most 64 * 2^-24 * |p_i||p_j| over 64 directions), 30x over.
 */
const SLACK = 2 ** -12;
const ROWS_PER_PROJECTION = 256;

/**
 * Points split by a basis: x - c = P^T p + q with q orthogonal to P, so that
 * |x - y|^2 = |p_x - p_y|^2 + |q_x - q_y|^2, and (|q_x| - |q_y|)^2 <= |q_x - q_y|^2 <= (|q_x| + |q_y|)^2
 * bound every distance from the projected one (the pruning of Kynkaanniemi et al.'s k-NN balls here).
 */
export interface ProjectedPoints {
  readonly points: PointSet;
  /** The coordinates p in float32, with their squared norms, as a point set of `dims` dimensions. */
  readonly coords: PointSet;
  /** |q| per point. */
  readonly residual: Float64Array;
  /** SLACK |p|^2 per point: the bounds of pair (i, j) widen by slack_i + slack_j each way. */
  readonly slack: Float64Array;
}

/** p = P (x - c) in float64 (exact up to rounding), then stored as float32; |q|^2 = |x - c|^2 - |p|^2. */
export function projectPoints(points: PointSet, basis: ProjectionBasis): ProjectedPoints {
  const { dim: d, dims: r, centre } = basis;
  if (points.dim !== d) throw new RangeError(`projectPoints: points of ${points.dim} dimensions; the basis has ${d}`);
  const arena = new F64Arena();
  const p = arena.load(basis.rows, r, d);
  const block = arena.matrix(ROWS_PER_PROJECTION, d);
  const out = arena.matrix(ROWS_PER_PROJECTION, r);
  const coords = new Float32Array(points.count * r);
  const residual = new Float64Array(points.count);
  for (let start = 0; start < points.count; start += ROWS_PER_PROJECTION) {
    const rows = Math.min(ROWS_PER_PROJECTION, points.count - start);
    const view = arena.f64();
    const centredNorms = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const src = (start + i) * d;
      const dst = block.ptr / 8 + i * block.ld;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = points.values[src + j]! - centre[j]!;
        view[dst + j] = v;
        s += v * v;
      }
      centredNorms[i] = s;
    }
    view.fill(0, out.ptr / 8, out.ptr / 8 + out.rows * out.ld);
    arena.gemmNT(out, 0, 0, block, 0, 0, p, 0, 0, rows, r, d);
    for (let i = 0; i < rows; i++) {
      const row = out.ptr / 8 + i * out.ld;
      let kept = 0;
      for (let j = 0; j < r; j++) {
        const v = view[row + j]!;
        coords[(start + i) * r + j] = v;
        kept += v * v;
      }
      residual[start + i] = Math.sqrt(Math.max(centredNorms[i]! - kept, 0));
    }
  }
  const projected = pointSet(coords, r);
  return { points, coords: projected, residual, slack: projected.squaredNorms.map((n) => SLACK * n) };
}

/** Real and generated points on one basis fitted to both, so that their projected distances bound the cross distances. */
export function projectPair(real: PointSet, generated: PointSet): { real: ProjectedPoints; generated: ProjectedPoints } {
  const basis = projectionBasis([real, generated]);
  return { real: projectPoints(real, basis), generated: projectPoints(generated, basis) };
}
