import type * as tf from '@tensorflow/tfjs';

/** ε̂(x_t, t): a DDPM's noise prediction at timestep index t (0 … T − 1). */
export type NoisePredictor = (x: tf.Tensor, t: number) => tf.Tensor;

/** D(x, σ): EDM's denoiser, the estimate of the clean sample from x = y + σ n. */
export type Denoiser = (x: tf.Tensor, sigma: number) => tf.Tensor;

/** v(x, t): the velocity of a flow ODE dx/dt = v(x, t). */
export type VelocityField = (x: tf.Tensor, t: number) => tf.Tensor;

/**
 * Called after each step of a sampler: `done` of `total` steps (an estimate for adaptive solvers).
 * The sampler awaits what it returns, so a caller can yield to the event loop there and throw to stop.
 */
export type StepProgress = (done: number, total: number) => unknown;
