import * as tf from '@tensorflow/tfjs';
import { FlowLayer, type FlowResult } from './flow-layer.ts';
import { initializeInOrder } from './initialize-in-order.ts';

/** Layers applied in order: f = f_K ∘ … ∘ f_1, log |det J_f| = Σ_k log |det J_{f_k}|. Parameters: `<k>.<param>`. */
export class FlowSequence extends FlowLayer {
  readonly layers: readonly FlowLayer[];

  constructor(layers: readonly FlowLayer[]) {
    super();
    this.layers = layers.map((layer, k) => this.child(String(k), layer));
  }

  forward(x: tf.Tensor): FlowResult {
    return tf.tidy(() => {
      let h = x;
      let logDet: tf.Tensor1D = tf.zeros([x.shape[0]!]);
      for (const layer of this.layers) {
        const out = layer.forward(h);
        h = out.y;
        logDet = logDet.add(out.logDet);
      }
      return { y: h, logDet };
    });
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.layers.reduceRight((h, layer) => layer.inverse(h), y));
  }

  /** Initialises each layer on the output of the (already initialised) layers before it. */
  override initialize(x: tf.Tensor): boolean {
    return initializeInOrder(x, this.layers, (layer, h) => layer.initialize(h), (layer, h) => layer.forward(h).y);
  }
}
