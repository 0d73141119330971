import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { LOG_2PI } from '@ouroboros/nn';
import { dopri5 } from '../samplers/dopri5.ts';
import type { StepProgress, VelocityField } from '../samplers/sampler-types.ts';

/** Most values per sample for which the exact divergence (one vector-Jacobian product per value) is allowed. */
export const EXACT_TRACE_MAX_DIMS = 64;

export interface FlowLikelihoodOptions {
  /** `hutchinson`: div v ≈ εᵀ (∂v/∂x) ε with Rademacher ε fixed along each path (FFJORD); `exact`: Σ_i ∂v_i/∂x_i. */
  trace: 'hutchinson' | 'exact';
  /** Probe vectors per sample averaged by the Hutchinson estimator. */
  probes: number;
  rtol: number;
  atol: number;
  onStep?: StepProgress;
}

// log N(z; 0, I) = −½ (D ln 2π + ‖z‖²)
function standardNormalLogDensity(z: Float32Array | Float64Array, rows: number, dims: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, i) => {
    let squares = 0;
    for (let k = 0; k < dims; k++) squares += z[i * dims + k]! ** 2;
    return -0.5 * (dims * LOG_2PI + squares);
  });
}

/**
 * log p_1(x) of the flow dx/dt = v(x, t) that carries N(0, I) at t = 0 to the data at t = 1, by the
 * instantaneous change of variables (Chen et al. 2018): d/dt log p_t(x_t) = −div v(x_t, t), so
 * log p_1(x) = log N(x_0; 0, I) − ∫_0^1 div v dt, solved backwards from t = 1 with dopri5 on the
 * augmented state [x, ∫ div v] (Grathwohl et al. 2019). Per row of x, in nats, model space.
 */
export async function flowLogLikelihood(v: VelocityField, x: tf.Tensor, rng: Rng, options: FlowLikelihoodOptions): Promise<Float64Array> {
  const rows = x.shape[0]!;
  const dims = x.size / rows;
  const shape = x.shape;
  if (options.trace === 'exact' && dims > EXACT_TRACE_MAX_DIMS) {
    throw new RangeError(`flow likelihood: the exact trace needs one vector-Jacobian product per value, and samples have ${dims} > ${EXACT_TRACE_MAX_DIMS}; use the hutchinson estimator`);
  }
  const probes =
    options.trace === 'hutchinson'
      ? Array.from({ length: options.probes }, (_, p) => tf.tidy(() => tf.sign(tf.randomUniform(shape, -1, 1, 'float32', rng.fork('probe', p).nextUint32()))))
      : Array.from({ length: dims }, (_, k) => tf.tidy(() => tf.reshape(tf.oneHot(tf.fill([rows], k, 'int32') as tf.Tensor1D, dims), shape)));
  const scale = options.trace === 'hutchinson' ? 1 / options.probes : 1;
  // f([x, δ], t) = [v(x, t), div v(x, t)]
  const augmented: VelocityField = (state, t) => {
    const kept: tf.Tensor[] = [];
    try {
      return tf.tidy(() => {
        const point = tf.reshape(tf.slice(state, [0, 0], [rows, dims]), shape);
        const divergence = probes.reduce<tf.Tensor>((sum, probe) => {
          // εᵀ J ε = ε · ∇_x (v(x, t) · ε), one vector-Jacobian product per probe
          const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => {
            const out = v(p, t);
            if (kept.length === 0) kept.push(tf.keep(tf.clone(out)));
            return tf.sum(tf.mul(out, probe)) as tf.Scalar;
          })(point);
          value.dispose();
          return tf.add(sum, tf.sum(tf.reshape(tf.mul(grad, probe), [rows, dims]), 1));
        }, tf.zeros([rows]));
        return tf.concat([tf.reshape(kept[0]!, [rows, dims]), tf.reshape(tf.mul(divergence, scale), [rows, 1])], 1);
      });
    } finally {
      tf.dispose(kept);
    }
  };
  const start = tf.tidy(() => tf.concat([tf.reshape(x, [rows, dims]), tf.zeros([rows, 1])], 1));
  try {
    const solved = await dopri5(augmented, start, 1, 0, { rtol: options.rtol, atol: options.atol, onStep: options.onStep });
    const values = solved.x.dataSync();
    solved.x.dispose();
    const z = new Float64Array(rows * dims);
    const integral = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < dims; k++) z[i * dims + k] = values[i * (dims + 1) + k]!;
      integral[i] = values[i * (dims + 1) + dims]!;
    }
    // δ(0) = −∫_0^1 div v dt, integrated from δ(1) = 0
    return standardNormalLogDensity(z, rows, dims).map((logp, i) => logp + integral[i]!);
  } finally {
    tf.dispose([start, ...probes]);
  }
}
