import type { Rng } from '../rng/rng.ts';

/**
 * sklearn make_moons with N(0, noise²) jitter, drawn as the `two-moons` dataset draws each point:
 * the moon (lower with probability 1/2), θ ~ U[0, π], then the x and y noise. Upper moon
 * (cos θ, sin θ), lower (1 − cos θ, ½ − sin θ). n points as float32 [n, 2].
 */
export function twoMoons(n: number, rng: Rng, noise = 0.1): Float32Array {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [lower, angle] = [rng.uniform() < 0.5, Math.PI * rng.uniform()];
    out[2 * i] = (lower ? 1 - Math.cos(angle) : Math.cos(angle)) + noise * rng.normal();
    out[2 * i + 1] = (lower ? 0.5 - Math.sin(angle) : Math.sin(angle)) + noise * rng.normal();
  }
  return out;
}

// distance from (x, y) to the arc of radius 1 around c on the side `sign` (+1: y ≥ c_y, −1: y ≤ c_y), ends included
function arcDistance(x: number, y: number, cx: number, cy: number, sign: number): number {
  if (sign * (y - cy) >= 0) return Math.abs(Math.hypot(x - cx, y - cy) - 1);
  return Math.min(Math.hypot(x - cx - 1, y - cy), Math.hypot(x - cx + 1, y - cy));
}

/** Share of 2-D points within `radius` of either moon's centre line. The moons' own data: 0.87 at 0.15; a Gaussian with their moments: 0.35. */
export function nearMoons(points: ArrayLike<number>, radius = 0.15): number {
  let near = 0;
  for (let i = 0; i < points.length / 2; i++) {
    const [x, y] = [points[2 * i]!, points[2 * i + 1]!];
    if (Math.min(arcDistance(x, y, 0, 0, 1), arcDistance(x, y, 1, 0.5, -1)) < radius) near++;
  }
  return near / (points.length / 2);
}
