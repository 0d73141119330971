import { multiply } from './multiply.ts';
import { transpose } from './matrix.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

/** A^{1/2} = V diag(sqrt(max(w, 0))) V^T for symmetric PSD A = V diag(w) V^T; rounding-negative eigenvalues become 0. */
export function sqrtmPsd(a: Float64Array, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  const scaled = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) scaled[i * d + j] = vectors[i * d + j]! * Math.sqrt(Math.max(values[j]!, 0));
  }
  return multiply(scaled, transpose(vectors, d, d), d, d, d);
}
