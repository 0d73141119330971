import * as tf from '@tensorflow/tfjs';
import type { DdpmSchedule } from '../schedules/ddpm-schedule.ts';
import type { Denoiser, NoisePredictor, VelocityField } from '../samplers/sampler-types.ts';

/**
 * 2-D Gaussian data N(m, C), C = R diag(λ) Rᵀ, and the exact optimal network outputs for it, so that
 * samplers and likelihoods can be tested apart from training. For x = a x_0 + b n, n ~ N(0, I):
 *   E[x_0 | x] = m + a C (a² C + b² I)⁻¹ (x − a m) = m + R diag(a λ / (a² λ + b²)) Rᵀ (x − a m)
 */
export class GaussianOracle {
  readonly rotation: [number, number, number, number];

  constructor(
    readonly mean: [number, number],
    readonly eigenvalues: [number, number],
    angle: number,
  ) {
    const [c, s] = [Math.cos(angle), Math.sin(angle)];
    this.rotation = [c, -s, s, c];
  }

  /** C as [c00, c01, c11]. */
  get covariance(): [number, number, number] {
    const [r00, r01, r10, r11] = this.rotation;
    const [l0, l1] = this.eigenvalues;
    return [r00 * r00 * l0 + r01 * r01 * l1, r00 * r10 * l0 + r01 * r11 * l1, r10 * r10 * l0 + r11 * r11 * l1];
  }

  /** R diag(f(λ)) Rᵀ as a [2, 2] tensor (symmetric). */
  private spectral(f: (lambda: number) => number): tf.Tensor2D {
    const [r00, r01, r10, r11] = this.rotation;
    const [d0, d1] = this.eigenvalues.map(f) as [number, number];
    return tf.tensor2d([r00 * r00 * d0 + r01 * r01 * d1, r00 * r10 * d0 + r01 * r11 * d1, r10 * r00 * d0 + r11 * r01 * d1, r10 * r10 * d0 + r11 * r11 * d1], [2, 2]);
  }

  // E[x_0 | a x_0 + b n = x]
  posteriorMean(x: tf.Tensor, a: number, b: number): tf.Tensor {
    return tf.tidy(() => {
      const m = tf.tensor2d([this.mean], [1, 2]);
      return tf.add(m, tf.matMul(tf.sub(x, tf.mul(m, a)) as tf.Tensor2D, this.spectral((l) => (a * l) / (a * a * l + b * b))));
    });
  }

  // ε* = (x_t − √ᾱ E[x_0 | x_t]) / √(1 − ᾱ)
  noisePredictor(schedule: DdpmSchedule): NoisePredictor {
    return (x, t) => {
      const alphaBar = schedule.alphasCumprod[t]!;
      const [a, b] = [Math.sqrt(alphaBar), Math.sqrt(1 - alphaBar)];
      return tf.tidy(() => tf.div(tf.sub(x, tf.mul(this.posteriorMean(x, a, b), a)), b));
    };
  }

  // D*(x; σ) = E[y | y + σ n = x]
  denoiser(): Denoiser {
    return (x, sigma) => this.posteriorMean(x, 1, sigma);
  }

  // v*(x, t) = E[x_1 − x_0 | x_t = x] for x_t = t x_1 + (1 − t) x_0, x_0 ~ N(0, I), x_1 ~ N(m, C) independent:
  // m + (t C − (1 − t) I)((1 − t)² I + t² C)⁻¹ (x − t m), finite at t = 1
  velocity(): VelocityField {
    return (x, t) =>
      tf.tidy(() => {
        const m = tf.tensor2d([this.mean], [1, 2]);
        const gain = this.spectral((l) => (t * l - (1 - t)) / ((1 - t) ** 2 + t * t * l));
        return tf.add(m, tf.matMul(tf.sub(x, tf.mul(m, t)) as tf.Tensor2D, gain));
      });
  }

  // log N(x; m, C) per row
  logDensity(x: Float32Array | Float64Array): Float64Array {
    const [c00, c01, c11] = this.covariance;
    const det = c00 * c11 - c01 * c01;
    return Float64Array.from({ length: x.length / 2 }, (_, i) => {
      const [d0, d1] = [x[2 * i]! - this.mean[0], x[2 * i + 1]! - this.mean[1]];
      const quad = (c11 * d0 * d0 - 2 * c01 * d0 * d1 + c00 * d1 * d1) / det;
      return -0.5 * (quad + Math.log(det) + 2 * Math.log(2 * Math.PI));
    });
  }
}

/** Sample mean and biased covariance [c00, c01, c11] of 2-D rows. */
export function moments2d(x: ArrayLike<number>): { mean: [number, number]; covariance: [number, number, number] } {
  const n = x.length / 2;
  let [m0, m1] = [0, 0];
  for (let i = 0; i < n; i++) [m0, m1] = [m0 + x[2 * i]! / n, m1 + x[2 * i + 1]! / n];
  let [c00, c01, c11] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const [d0, d1] = [x[2 * i]! - m0, x[2 * i + 1]! - m1];
    [c00, c01, c11] = [c00 + (d0 * d0) / n, c01 + (d0 * d1) / n, c11 + (d1 * d1) / n];
  }
  return { mean: [m0, m1], covariance: [c00, c01, c11] };
}

/** ‖Ĉ − C‖_F / ‖C‖_F for 2×2 covariances given as [c00, c01, c11]. */
export function relativeCovarianceError(estimate: readonly number[], truth: readonly number[]): number {
  const frobenius = (c: readonly number[]) => Math.sqrt(c[0]! ** 2 + 2 * c[1]! ** 2 + c[2]! ** 2);
  return frobenius(estimate.map((v, i) => v - truth[i]!)) / frobenius(truth);
}
