import * as tf from '@tensorflow/tfjs';
import { affineCouplingTransform, type CouplingParts, type Module } from '@ouroboros/nn';
import { checkFeatures } from './shape-checks.ts';
import { FlowLayer, type FlowResult } from './flow-layer.ts';

/** The network of a coupling: kept features [..., kept] -> [..., 2 · moving] (log-scale, then shift). */
export type Conditioner = Module & { apply(x: tf.Tensor): tf.Tensor };

/** Which part of the last axis a coupling keeps: the first `split` features or the rest. */
export type KeptPart = 'first' | 'second';

/**
 * Affine coupling (Dinh et al. 2017, section 3.3): the last axis splits into x_a (first `split`
 * features) and x_b (the rest); the kept part passes through and conditions the other,
 *   y_moving = x_moving ⊙ exp(s) + t,   [s_raw, t] = net(x_kept),   s = tanh(s_raw),
 * so log |det J| = Σ s. The tanh bounds each log-scale to (-1, 1) per layer, which keeps early
 * training stable; a zero-initialised last layer makes the layer start as the identity.
 * Parameters: `net.<param>`.
 */
export class AffineCoupling extends FlowLayer {
  readonly net: Conditioner;

  constructor(
    readonly features: number,
    readonly split: number,
    readonly kept: KeptPart,
    net: Conditioner,
  ) {
    super();
    if (!(split > 0 && split < features)) throw new RangeError(`AffineCoupling: split must be in 1..${features - 1}, got ${split}`);
    this.net = this.child('net', net);
  }

  private parts(x: tf.Tensor): { kept: tf.Tensor; moving: tf.Tensor } {
    const [a, b] = tf.split(x, [this.split, this.features - this.split], -1) as [tf.Tensor, tf.Tensor];
    return this.kept === 'first' ? { kept: a, moving: b } : { kept: b, moving: a };
  }

  private join(kept: tf.Tensor, moving: tf.Tensor): tf.Tensor {
    return tf.concat(this.kept === 'first' ? [kept, moving] : [moving, kept], -1);
  }

  /** s = tanh(s_raw) and t, each shaped like the moving part. */
  private scaleShift(kept: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const [raw, shift] = tf.split(this.net.apply(kept), 2, -1) as [tf.Tensor, tf.Tensor];
    return [tf.tanh(raw), shift];
  }

  /** The moving part's place on the last axis. */
  private moving(): CouplingParts {
    return this.kept === 'first' ? { movingStart: this.split, movingSize: this.features - this.split } : { movingStart: 0, movingSize: this.split };
  }

  // y_moving = x_moving ⊙ exp(s) + t,  log |det J| = Σ s
  forward(x: tf.Tensor): FlowResult {
    checkFeatures('AffineCoupling', x, this.features);
    return tf.tidy(() => {
      const { movingStart, movingSize } = this.moving();
      const [keptStart, keptSize] = movingStart === 0 ? [movingSize, this.features - movingSize] : [0, movingStart];
      const begin = x.shape.map((_, axis) => (axis === x.rank - 1 ? keptStart : 0));
      const size = x.shape.map((d, axis) => (axis === x.rank - 1 ? keptSize : d));
      return affineCouplingTransform(x, this.net.apply(tf.slice(x, begin, size)), { movingStart, movingSize });
    });
  }

  // x_moving = (y_moving - t) ⊙ exp(-s)
  inverse(y: tf.Tensor): tf.Tensor {
    checkFeatures('AffineCoupling', y, this.features);
    return tf.tidy(() => {
      const { kept, moving } = this.parts(y);
      const [s, t] = this.scaleShift(kept);
      return this.join(kept, moving.sub(t).mul(tf.exp(s.neg())));
    });
  }
}
