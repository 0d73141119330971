import type { RgbImage } from './png.ts';

/** A set of 2-D points drawn in one colour. */
export interface PointLayer {
  /** Flat [x0, y0, x1, y1, ...] or rows of `stride` values whose first two are drawn. */
  readonly points: ArrayLike<number>;
  readonly stride: number;
  readonly rgb: readonly [number, number, number];
}

/**
 * Scatter plot of the first two coordinates of each layer on a white square, with a shared
 * view that covers the 1st-99th percentile of every layer plus a margin, so outliers do not
 * squash the picture. Later layers are drawn over earlier ones.
 */
export function scatterPlot(layers: readonly PointLayer[], size = 256): RgbImage {
  const pixels = new Uint8Array(size * size * 3).fill(255);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const layer of layers) {
    for (let i = 0; i + 1 < layer.points.length; i += layer.stride) {
      xs.push(layer.points[i]!);
      ys.push(layer.points[i + 1]!);
    }
  }
  const [x0, x1] = viewRange(xs);
  const [y0, y1] = viewRange(ys);
  const half = Math.max(x1 - x0, y1 - y0) / 2 || 1;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const toPixel = (v: number, c: number) => Math.round(((v - c) / half + 1) * 0.5 * (size - 1));
  for (const layer of layers) {
    for (let i = 0; i + 1 < layer.points.length; i += layer.stride) {
      const px = toPixel(layer.points[i]!, cx);
      const py = size - 1 - toPixel(layer.points[i + 1]!, cy);
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const x = px + dx;
        const y = py + dy;
        if (x < 0 || y < 0 || x >= size || y >= size) continue;
        pixels.set(layer.rgb, (y * size + x) * 3);
      }
    }
  }
  return { width: size, height: size, pixels };
}

/** [1st percentile, 99th percentile] widened by 10% on each side. */
function viewRange(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return [-1, 1];
  const lo = finite[Math.floor(0.01 * (finite.length - 1))]!;
  const hi = finite[Math.ceil(0.99 * (finite.length - 1))]!;
  const pad = 0.1 * (hi - lo || 1);
  return [lo - pad, hi + pad];
}
