import * as tf from '@tensorflow/tfjs';
import { blockRows, pairwiseSquaredDistances, squaredNorms } from './pairwise-distances.ts';

/**
 * Fraction of queries that fall in at least one ball: (1/m) sum_i [exists j: |q_i - c_j|^2 <= r_j^2],
 * for queries [m, d], centres [n, d] and squared radii r^2 [n]; distances are computed in blocks of rows.
 */
export async function ballCoverage(
  queries: tf.Tensor2D,
  centres: tf.Tensor2D,
  squaredRadii: Float32Array,
  rowsPerBlock = blockRows(centres.shape[0]),
): Promise<number> {
  const m = queries.shape[0];
  const n = centres.shape[0];
  if (squaredRadii.length !== n) throw new RangeError(`ballCoverage: ${squaredRadii.length} radii; expected one per centre, ${n}`);
  if (m === 0) throw new RangeError('ballCoverage: 0 queries; expected at least 1');
  const radii = tf.tensor2d(squaredRadii, [1, n]);
  const norms = tf.tidy(() => squaredNorms(centres));
  let inside = 0;
  try {
    for (let start = 0; start < m; start += rowsPerBlock) {
      const end = Math.min(m, start + rowsPerBlock);
      const count = tf.tidy(() => {
        const distances = pairwiseSquaredDistances(queries.slice([start, 0], [end - start, -1]), centres, norms);
        // q_i is inside some ball iff min_j (|q_i - c_j|^2 - r_j^2) <= 0; a broadcast compare is slow on wasm.
        return tf.sum(tf.cast(tf.lessEqual(tf.min(tf.sub(distances, radii), 1), 0), 'int32'));
      });
      try {
        inside += (await count.data())[0]!;
      } finally {
        count.dispose();
      }
    }
  } finally {
    radii.dispose();
    norms.dispose();
  }
  return inside / m;
}
