import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ouroboros/core';
import type { Module } from '@ouroboros/nn';
import { logAbsDet } from '../linalg/lu.ts';

/** Adds N(0, scale²) noise to every parameter, so zero-initialised layers stop being the identity. */
export function perturb(module: Module, scale: number, seed = 0): void {
  module.namedParameters().forEach(([name, variable]) => {
    const noise = Float32Array.from(Rng.from(seed, 'perturb', name).normals(variable.size), (z) => z * scale);
    tf.tidy(() => variable.assign(variable.add(tf.tensor(noise, variable.shape))));
  });
}

/** The largest |a - b| over two tensors of the same shape. */
export function maxAbsError(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.sub(a, b).abs().max().dataSync()[0]!);
}

/**
 * log |det J| of `f` (one sample of shape `shape` -> D outputs) at `x`, from two Jacobians computed
 * without any log-determinant formula of the flow: reverse-mode autodiff (one backward pass per
 * output) and central finite differences with Richardson extrapolation, J ≈ (4 D(h/2) - D(h)) / 3.
 */
export function jacobianLogDets(f: (x: tf.Tensor) => tf.Tensor, x: Float32Array, shape: number[], h = 5e-3): { autodiff: number; finiteDifference: number } {
  const d = x.length;
  const at = (values: Float32Array) => tf.tidy(() => f(tf.tensor(values, [1, ...shape])).reshape([d]).dataSync().slice() as Float32Array);
  const autodiff = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const row = tf.tidy(() => tf.grad((input: tf.Tensor) => f(input).reshape([d]).slice(i, 1).sum())(tf.tensor(x, [1, ...shape])).dataSync().slice());
    for (let j = 0; j < d; j++) autodiff[i * d + j] = row[j]!;
  }
  const central = (step: number) => {
    const jac = new Float64Array(d * d);
    for (let j = 0; j < d; j++) {
      const plus = x.slice();
      const minus = x.slice();
      plus[j] = x[j]! + step;
      minus[j] = x[j]! - step;
      const [fp, fm] = [at(plus), at(minus)];
      for (let i = 0; i < d; i++) jac[i * d + j] = (fp[i]! - fm[i]!) / (plus[j]! - minus[j]!);
    }
    return jac;
  };
  const [coarse, fine] = [central(h), central(h / 2)];
  const extrapolated = fine.map((v, k) => (4 * v - coarse[k]!) / 3);
  return { autodiff: logAbsDet(autodiff, d), finiteDifference: logAbsDet(extrapolated, d) };
}
