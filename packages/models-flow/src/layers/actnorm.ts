import * as tf from '@tensorflow/tfjs';
import { checkFeatures, perSampleCount } from './shape-checks.ts';
import { FlowLayer, type FlowResult } from './flow-layer.ts';

/** Added to the standard deviation in the data-dependent initialisation, as in Glow. */
const STD_EPS = 1e-6;

/**
 * Activation normalisation (Kingma & Dhariwal 2018, section 3.1): an affine map per feature (the
 * last axis: channels of NHWC images, coordinates of vectors), y = (x + b) ⊙ exp(s), with
 * log |det J| = (positions per sample) · Σ_c s_c. The first batch sets b and s so that its output
 * has zero mean and unit variance per feature. Parameters: `bias` [C], `logScale` [C].
 */
export class ActNorm extends FlowLayer {
  readonly bias: tf.Variable;
  readonly logScale: tf.Variable;

  constructor(readonly features: number) {
    super();
    this.bias = this.param('bias', tf.zeros([features]));
    this.logScale = this.param('logScale', tf.zeros([features]));
  }

  // y = (x + b) ⊙ exp(s)
  forward(x: tf.Tensor): FlowResult {
    checkFeatures('ActNorm', x, this.features);
    return tf.tidy(() => {
      const y = x.add(this.bias).mul(this.logScale.exp());
      const logDet = this.logScale.sum().mul(perSampleCount(x) / this.features);
      return { y, logDet: tf.fill([x.shape[0]!], 0).add(logDet) as tf.Tensor1D };
    });
  }

  // x = y ⊙ exp(-s) - b
  inverse(y: tf.Tensor): tf.Tensor {
    checkFeatures('ActNorm', y, this.features);
    return tf.tidy(() => y.mul(this.logScale.neg().exp()).sub(this.bias));
  }

  // b = -mean(x), s = -log(std(x) + 1e-6), per feature over the batch and positions
  override initialize(x: tf.Tensor): boolean {
    checkFeatures('ActNorm', x, this.features);
    tf.tidy(() => {
      const { mean, variance } = tf.moments(x, x.shape.map((_, i) => i).slice(0, -1));
      this.bias.assign(mean.neg());
      this.logScale.assign(variance.sqrt().add(STD_EPS).log().neg());
    });
    return true;
  }
}
