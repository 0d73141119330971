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
      const logDets: tf.Tensor1D[] = [];
      for (const layer of this.layers) {
        const out = layer.forward(h);
        h = out.y;
        logDets.push(out.logDet);
      }
      // one addN: a chain of adds saves both inputs and reshapes both gradients per layer
      const logDet = logDets.length === 0 ? tf.zeros([x.shape[0]!]) : tf.addN(logDets);
      return { y: h, logDet: logDet as tf.Tensor1D };
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
