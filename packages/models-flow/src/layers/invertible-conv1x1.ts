import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { inverse, luDecompose } from '../linalg/lu.ts';
import { randomRotation } from '../linalg/random-rotation.ts';
import { checkFeatures, perSampleCount } from './shape-checks.ts';
import { FlowLayer, type FlowResult } from './flow-layer.ts';

/**
 * Glow's invertible 1x1 convolution (Kingma & Dhariwal 2018, section 3.2) in its LU form: every
 * position's feature vector (the last axis) is multiplied by W = L (U + diag(s)), with L unit lower
 * and U strictly upper triangular, so log |det J| = (positions per sample) · Σ_c log |s_c| costs
 * O(C). W starts as a random rotation: Glow's P L U of a random rotation Q with the fixed
 * permutation folded in (W₀ = Pᵀ Q, itself a rotation), so nothing but the parameters needs saving.
 * Parameters: `lower` [C, C] (below the diagonal used), `upper` [C, C] (above it used), `scale` [C].
 */
export class InvertibleConv1x1 extends FlowLayer {
  readonly lower: tf.Variable;
  readonly upper: tf.Variable;
  readonly scale: tf.Variable;
  private readonly lowerMask: tf.Tensor2D;
  private readonly upperMask: tf.Tensor2D;
  private readonly eye: tf.Tensor2D;

  constructor(
    readonly features: number,
    rng: Rng,
  ) {
    super();
    const c = features;
    const { lower, upper } = luDecompose(randomRotation(c, rng), c);
    const diagonal = Float32Array.from({ length: c }, (_, i) => upper[i * c + i]!);
    this.lower = this.param('lower', tf.tensor2d(Float32Array.from(lower), [c, c]));
    this.upper = this.param('upper', tf.tensor2d(Float32Array.from(upper), [c, c]));
    this.scale = this.param('scale', tf.tensor1d(diagonal));
    this.lowerMask = triangleMask(c, (i, j) => j < i);
    this.upperMask = triangleMask(c, (i, j) => j > i);
    this.eye = triangleMask(c, (i, j) => i === j);
  }

  // W = (L ⊙ M_lower + I) · (U ⊙ M_upper + I ⊙ s)
  weight(): tf.Tensor2D {
    return tf.tidy(() => {
      const l = this.lower.mul(this.lowerMask).add(this.eye) as tf.Tensor2D;
      const u = this.upper.mul(this.upperMask).add(this.eye.mul(this.scale)) as tf.Tensor2D;
      return tf.matMul(l, u);
    });
  }

  // y[..., :] = x[..., :] · W,  log |det J| = HW · Σ_c log |s_c|
  forward(x: tf.Tensor): FlowResult {
    checkFeatures('InvertibleConv1x1', x, this.features);
    return tf.tidy(() => {
      const y = tf.matMul(x.reshape([-1, this.features]) as tf.Tensor2D, this.weight()).reshape(x.shape);
      const logDet = this.scale.abs().log().sum().mul(perSampleCount(x) / this.features);
      return { y, logDet: tf.fill([x.shape[0]!], 0).add(logDet) as tf.Tensor1D };
    });
  }

  // x[..., :] = y[..., :] · W⁻¹ (W⁻¹ in float64 on the host: C is small and sampling needs no gradient)
  inverse(y: tf.Tensor): tf.Tensor {
    checkFeatures('InvertibleConv1x1', y, this.features);
    const w = this.weight();
    const inv = tf.tensor2d(Float32Array.from(inverse(w.dataSync(), this.features)), [this.features, this.features]);
    w.dispose();
    try {
      return tf.tidy(() => tf.matMul(y.reshape([-1, this.features]) as tf.Tensor2D, inv).reshape(y.shape));
    } finally {
      inv.dispose();
    }
  }

  override dispose(): void {
    tf.dispose([this.lowerMask, this.upperMask, this.eye]);
    super.dispose();
  }
}

/** A c x c matrix of ones where `keep(row, column)`, zeros elsewhere. */
function triangleMask(c: number, keep: (i: number, j: number) => boolean): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: c * c }, (_, k) => (keep(Math.floor(k / c), k % c) ? 1 : 0)), [c, c]);
}
