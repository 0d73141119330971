import type * as tf from '@tensorflow/tfjs';

/** Reads a tensor's values into a new Float32Array and disposes the tensor. */
export async function takeFloat32(tensor: tf.Tensor): Promise<Float32Array> {
  try {
    const data = await tensor.data();
    return data instanceof Float32Array ? data : Float32Array.from(data);
  } finally {
    tensor.dispose();
  }
}
