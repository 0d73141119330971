import * as tf from '@tensorflow/tfjs';
import { sampleSize, type SampleArray, type SampleLayout } from '../store/sample-store.ts';

/** A flat array of whole samples as a float32 tensor [n, ...sampleShape] (uint8 stays 0..255). */
export function samplesToTensor(data: SampleArray, layout: SampleLayout): tf.Tensor {
  const n = data.length / sampleSize(layout);
  const values = data instanceof Float32Array ? data : Float32Array.from(data);
  return tf.tensor(values, [n, ...layout.sampleShape], 'float32');
}

/** Reads a tensor's values into a new Float32Array and disposes the tensor. */
export async function takeFloat32(tensor: tf.Tensor): Promise<Float32Array> {
  try {
    const data = await tensor.data();
    return data instanceof Float32Array ? data : Float32Array.from(data);
  } finally {
    tensor.dispose();
  }
}
