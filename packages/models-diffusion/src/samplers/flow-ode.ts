import * as tf from '@tensorflow/tfjs';
import type { StepProgress, VelocityField } from './sampler-types.ts';
import { stepwise } from './stepwise.ts';

/**
 * Fixed-step solvers of dx/dt = v(x, t) from t0 to t1 (either direction) in `steps` equal steps:
 * Euler, x' = x + h v(x, t); Heun, x' = x + h/2 (v(x, t) + v(x + h v(x, t), t + h)). Returns a new tensor.
 */
export async function fixedStepSolve(v: VelocityField, x0: tf.Tensor, t0: number, t1: number, steps: number, method: 'euler' | 'heun', onStep?: StepProgress): Promise<tf.Tensor> {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`${method}: steps must be a positive integer, got ${steps}`);
  const h = (t1 - t0) / steps;
  const step = (x: tf.Tensor, i: number): tf.Tensor =>
    tf.tidy(() => {
      const t = t0 + i * h;
      const k1 = v(x, t);
      const euler = tf.add(x, tf.mul(k1, h));
      if (method === 'euler') return euler;
      return tf.add(x, tf.mul(tf.add(k1, v(euler, t + h)), h / 2));
    });
  return stepwise(tf.clone(x0), steps, step, (i) => onStep?.(i + 1, steps));
}
