import * as tf from '@tensorflow/tfjs';
import { linearAssignment } from './linear-assignment.ts';

// C[i, j] = ‖a_i − b_j‖² = ‖a_i‖² + ‖b_j‖² − 2 a_i·b_j over flattened rows, as float64
export function squaredDistances(a: tf.Tensor, b: tf.Tensor): Float64Array {
  const n = a.shape[0]!;
  const m = b.shape[0]!;
  const distances = tf.tidy(() => {
    const [flatA, flatB] = [tf.reshape(a, [n, -1]) as tf.Tensor2D, tf.reshape(b, [m, -1]) as tf.Tensor2D];
    const normsA = tf.reshape(tf.sum(tf.square(flatA), 1), [n, 1]);
    const normsB = tf.reshape(tf.sum(tf.square(flatB), 1), [1, m]);
    return tf.relu(tf.sub(tf.add(normsA, normsB), tf.mul(tf.matMul(flatA, flatB, false, true), 2)));
  });
  const values = Float64Array.from(distances.dataSync());
  distances.dispose();
  return values;
}

/**
 * The exact optimal-transport pairing of two equal batches under the squared Euclidean cost (the
 * minibatch OT plan of OT-CFM, Tong et al. 2024; torchcfm's OTPlanSampler with method 'exact'): the
 * permutation π minimising Σ_j ‖source_{π(j)} − target_j‖². For equal uniform batches the exact plan is
 * this permutation (up to ties), so each target is paired with its own source instead of sampling
 * pairs from the plan with replacement as torchcfm does. Returns π as `sourceOf[j]`.
 */
export function exactOtPairing(source: tf.Tensor, target: tf.Tensor): Int32Array {
  const n = source.shape[0]!;
  if (target.shape[0] !== n) throw new RangeError(`exactOtPairing: batches of ${n} and ${target.shape[0]} rows; expected equal sizes`);
  const targetOf = linearAssignment(squaredDistances(source, target), n);
  const sourceOf = new Int32Array(n);
  targetOf.forEach((j, i) => (sourceOf[j] = i));
  return sourceOf;
}
