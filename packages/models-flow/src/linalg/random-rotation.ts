import type { Rng } from '@ouroboros/core';

/**
 * A random orthogonal n x n matrix, row-major: Gram-Schmidt (modified, twice for stability) on the
 * rows of a standard normal matrix, which gives the Haar distribution (Glow's initialisation of
 * the 1x1 convolution, a QR of a Gaussian matrix).
 */
export function randomRotation(n: number, rng: Rng): Float64Array {
  const q = Float64Array.from(rng.normals(n * n));
  for (let i = 0; i < n; i++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += q[i * n + k]! * q[j * n + k]!;
        for (let k = 0; k < n; k++) q[i * n + k]! -= dot * q[j * n + k]!;
      }
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += q[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    for (let k = 0; k < n; k++) q[i * n + k]! /= norm;
  }
  return q;
}
