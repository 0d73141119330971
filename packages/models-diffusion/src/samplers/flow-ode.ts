import * as tf from '@tensorflow/tfjs';
import type { StepProgress, VelocityField } from './sampler-types.ts';

/**
 * Fixed-step solvers of dx/dt = v(x, t) from t0 to t1 (either direction) in `steps` equal steps:
 * Euler, x' = x + h v(x, t); Heun, x' = x + h/2 (v(x, t) + v(x + h v(x, t), t + h)). Returns a new tensor.
 */
export function fixedStepSolve(v: VelocityField, x0: tf.Tensor, t0: number, t1: number, steps: number, method: 'euler' | 'heun', onStep?: StepProgress): tf.Tensor {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`${method}: steps must be a positive integer, got ${steps}`);
  const h = (t1 - t0) / steps;
  let x = tf.clone(x0);
  for (let i = 0; i < steps; i++) {
    const t = t0 + i * h;
    const next = tf.tidy(() => {
      const k1 = v(x, t);
      const euler = tf.add(x, tf.mul(k1, h));
      if (method === 'euler') return euler;
      return tf.add(x, tf.mul(tf.add(k1, v(euler, t + h)), h / 2));
    });
    x.dispose();
    x = next;
    onStep?.(i + 1, steps);
  }
  return x;
}
