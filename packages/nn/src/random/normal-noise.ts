import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';

/** Standard normal draws of `rng` itself (row-major) as a float32 tensor of `shape`: reproducible on every backend. */
export function normalNoise(shape: readonly number[], rng: Rng): tf.Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from(rng.normals(count)), [...shape], 'float32');
}

/** Standard normal noise of `shape` drawn by the backend, seeded by one draw of `rng` (fork it per purpose and step). */
export function seededNormalNoise(shape: readonly number[], rng: Rng): tf.Tensor {
  return tf.randomNormal([...shape], 0, 1, 'float32', rng.nextUint32());
}
