export const SHAPE_KINDS = ['square', 'circle', 'triangle'] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

/** One filled shape: its kind, centre and circumradius in pixels, rotation in radians, colour. */
export interface Shape {
  readonly kind: ShapeKind;
  readonly cx: number;
  readonly cy: number;
  readonly radius: number;
  readonly angle: number;
  readonly rgb: readonly [number, number, number];
}

const SQRT3 = Math.sqrt(3);

/**
 * Signed distance in pixels from (x, y), in the shape's own frame (centre at the origin, unrotated),
 * to the outline of a shape of circumradius r: negative inside. Exact distance functions after
 * Quilez ("2D distance functions"): circle |p| - r; square of half-side r/sqrt(2) by its box
 * distance; equilateral triangle of half-side r*sqrt(3)/2, apex up, centred on its centroid.
 */
export function signedDistance(kind: ShapeKind, x: number, y: number, r: number): number {
  if (kind === 'circle') return Math.hypot(x, y) - r;
  if (kind === 'square') {
    const h = r / Math.SQRT2;
    const dx = Math.abs(x) - h;
    const dy = Math.abs(y) - h;
    return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0);
  }
  const h = (r * SQRT3) / 2;
  let px = Math.abs(x) - h;
  let py = y + h / SQRT3;
  if (px + SQRT3 * py > 0) [px, py] = [(px - SQRT3 * py) / 2, (-SQRT3 * px - py) / 2];
  px -= Math.min(Math.max(px, -2 * h), 0);
  return -Math.hypot(px, py) * Math.sign(py);
}

/**
 * Paints `shape` into a size x size HWC RGB image at `offset` of `out` (left black elsewhere),
 * anti-aliased by pixel coverage: a pixel whose centre is at signed distance d from the outline
 * gets coverage clamp(1/2 - d, 0, 1), the exact area a straight edge cuts from a unit pixel
 * when the edge is axis-aligned, and value round(coverage * colour).
 */
export function drawShape(out: Uint8Array, offset: number, size: number, shape: Shape): void {
  const cos = Math.cos(shape.angle);
  const sin = Math.sin(shape.angle);
  const reach = shape.radius + 1;
  const x0 = Math.max(0, Math.floor(shape.cx - reach));
  const x1 = Math.min(size - 1, Math.ceil(shape.cx + reach));
  const y0 = Math.max(0, Math.floor(shape.cy - reach));
  const y1 = Math.min(size - 1, Math.ceil(shape.cy + reach));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - shape.cx;
      const dy = y + 0.5 - shape.cy;
      // Image rows grow downwards; the shape's frame has y up.
      const u = cos * dx + sin * dy;
      const v = sin * dx - cos * dy;
      const coverage = Math.min(1, Math.max(0, 0.5 - signedDistance(shape.kind, u, v, shape.radius)));
      if (coverage === 0) continue;
      const p = offset + (y * size + x) * 3;
      for (let k = 0; k < 3; k++) out[p + k] = Math.round(coverage * shape.rgb[k]!);
    }
  }
}
