import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';

/** Standard normal draws from `rng` (row-major) as a float32 tensor of `shape`: the base noise of every sampler. */
export function normalNoise(shape: number[], rng: Rng): tf.Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from(rng.normals(count)), shape);
}
