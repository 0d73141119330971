import type * as tf from '@tensorflow/tfjs';

/**
 * x_{i+1} = step(x_i, i) for i = 0 … steps − 1, from x_0 = `x`; returns x_steps. Each step returns
 * a new tensor and the previous one is disposed; `after(i)` is awaited after step i, so a caller
 * can yield to the event loop there and throw to stop (the tensor in hand is disposed then).
 * Takes ownership of `x`.
 */
export async function stepwise(x: tf.Tensor, steps: number, step: (x: tf.Tensor, i: number) => tf.Tensor, after?: (i: number) => unknown): Promise<tf.Tensor> {
  let current = x;
  try {
    for (let i = 0; i < steps; i++) {
      const next = step(current, i);
      current.dispose();
      current = next;
      await after?.(i);
    }
    return current;
  } catch (error) {
    current.dispose();
    throw error;
  }
}
