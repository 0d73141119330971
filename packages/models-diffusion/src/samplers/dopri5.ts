import * as tf from '@tensorflow/tfjs';
import type { StepProgress, VelocityField } from './sampler-types.ts';

/**
 * The Dormand-Prince 5(4) pair (Dormand & Prince 1980; Hairer, Nørsett & Wanner, Solving ODEs I,
 * table II.5.2): nodes c, stage coefficients a, the 5th-order weights b (the last stage, evaluated at
 * the new point, is the next step's first: FSAL) and e = b − b̂, b̂ the embedded 4th-order weights.
 */
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
];
const B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84];
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];
const ORDER = 5;

export interface Dopri5Options {
  rtol: number;
  atol: number;
  /** Accepted plus rejected steps before giving up (the vector field is too stiff or wrong). */
  maxSteps?: number;
  /** Step-size controller (torchdiffeq's defaults): h' = h · min(ifactor, max(dfactor, safety · ratio^(−1/5))). */
  safety?: number;
  ifactor?: number;
  dfactor?: number;
  onStep?: StepProgress;
}

export interface Dopri5Result {
  readonly x: tf.Tensor;
  readonly accepted: number;
  readonly rejected: number;
  /** Evaluations of the vector field. */
  readonly evaluations: number;
}

// y + h Σ_j a_j k_j
function combine(y: tf.Tensor, h: number, a: readonly number[], k: readonly tf.Tensor[]): tf.Tensor {
  return tf.tidy(() => a.reduce<tf.Tensor>((sum, aj, j) => (aj === 0 ? sum : tf.add(sum, tf.mul(k[j]!, h * aj))), y));
}

// ‖u‖ = sqrt(mean u²) over every element (of the whole batch, as torchdiffeq and torchdyn do)
function rmsNorm(u: tf.Tensor): number {
  return tf.tidy(() => Math.sqrt(tf.mean(tf.square(u)).dataSync()[0]!));
}

/** First step size by Hairer, Nørsett & Wanner's algorithm (Solving ODEs I, section II.4), as torchdiffeq's. */
function initialStep(v: VelocityField, y0: tf.Tensor, f0: tf.Tensor, t0: number, direction: number, rtol: number, atol: number): number {
  return tf.tidy(() => {
    const scale = tf.add(tf.mul(tf.abs(y0), rtol), atol);
    const d0 = rmsNorm(tf.div(y0, scale));
    const d1 = rmsNorm(tf.div(f0, scale));
    const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
    const f1 = v(tf.add(y0, tf.mul(f0, h0 * direction)), t0 + h0 * direction);
    const d2 = rmsNorm(tf.div(tf.sub(f1, f0), scale)) / h0;
    const h1 = Math.max(d1, d2) <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / ORDER);
    return Math.min(100 * h0, h1);
  });
}

/**
 * Solves dx/dt = v(x, t) from t0 to t1 (either direction) with the adaptive Dormand-Prince 5(4)
 * method: a step is accepted when ‖e / (atol + rtol · max(|x|, |x'|))‖ ≤ 1 (RMS norm over the whole
 * batch, so all rows share the steps), and the 5th-order solution is kept (local extrapolation).
 */
export async function dopri5(v: VelocityField, x0: tf.Tensor, t0: number, t1: number, options: Dopri5Options): Promise<Dopri5Result> {
  const { rtol, atol, maxSteps = 10_000, safety = 0.9, ifactor = 10, dfactor = 0.2 } = options;
  if (!(rtol > 0) || !(atol > 0)) throw new RangeError(`dopri5: rtol and atol must be > 0, got ${rtol} and ${atol}`);
  const direction = Math.sign(t1 - t0);
  let x = tf.clone(x0);
  if (direction === 0) return { x, accepted: 0, rejected: 0, evaluations: 0 };
  let k1 = tf.tidy(() => v(x, t0));
  let evaluations = 2;
  let h = initialStep(v, x, k1, t0, direction, rtol, atol);
  let t = t0;
  let accepted = 0;
  let rejected = 0;
  while (direction * (t1 - t) > 0) {
    if (accepted + rejected >= maxSteps) {
      tf.dispose([x, k1]);
      throw new Error(`dopri5: no solution within ${maxSteps} steps (reached t = ${t} of ${t1}); raise rtol/atol or check the vector field`);
    }
    const step = direction * Math.min(Math.abs(h), Math.abs(t1 - t));
    const k: tf.Tensor[] = [k1];
    for (let i = 1; i < 6; i++) k.push(tf.tidy(() => v(combine(x, step, A[i]!, k), t + C[i]! * step)));
    const next = combine(x, step, B, k);
    k.push(tf.tidy(() => v(next, t + step)));
    evaluations += 6;
    const ratio = tf.tidy(() => {
      const error = combine(tf.zerosLike(x), step, E, k);
      const scale = tf.add(tf.mul(tf.maximum(tf.abs(x), tf.abs(next)), rtol), atol);
      return rmsNorm(tf.div(error, scale));
    });
    if (ratio <= 1) {
      tf.dispose([x, ...k.slice(0, 6)]);
      x = next;
      k1 = k[6]!;
      t = Math.abs(t1 - (t + step)) < 1e-12 * Math.max(1, Math.abs(t1)) ? t1 : t + step;
      accepted++;
      try {
        await options.onStep?.(Math.abs(t - t0), Math.abs(t1 - t0));
      } catch (error) {
        tf.dispose([x, k1]);
        throw error;
      }
    } else {
      tf.dispose([next, ...k.slice(1)]);
      rejected++;
    }
    // torchdiffeq's _optimal_step_size: never shrink after an accepted step
    const factor = ratio === 0 ? ifactor : Math.min(ifactor, Math.max(ratio < 1 ? 1 : dfactor, safety * ratio ** (-1 / ORDER)));
    h = step * factor;
  }
  k1.dispose();
  return { x, accepted, rejected, evaluations };
}
