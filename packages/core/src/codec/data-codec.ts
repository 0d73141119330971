import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../rng/rng.ts';
import { sampleSize, type SampleArray, type SampleLayout } from '../store/sample-store.ts';

/** Half the uint8 range: v in 0..255 maps to v / HALF - 1 in [-1, 1]. */
const HALF = 127.5;

/**
 * The one place that converts between how samples are stored and the space models compute in.
 * uint8 (images, 0..255) <-> float32 in [-1, 1]; float32 data (vectors) is used as it is.
 */
export interface DataCodec {
  readonly layout: SampleLayout;
  /** Values per sample, D. */
  readonly dims: number;
  /** Whether stored values are integers (uint8), so likelihoods need dequantization. */
  readonly discrete: boolean;
  /** Stored samples -> model space, float32 [n, ...sampleShape]: y = v / 127.5 - 1 for uint8. */
  encode(values: SampleArray): tf.Tensor;
  /** Model space -> storage dtype: v = clip(round((y + 1) * 127.5), 0, 255) for uint8. Does not dispose `x`. */
  decode(x: tf.Tensor): Promise<SampleArray>;
  /**
   * Uniform dequantization for likelihood models: y = (v + u - 0.5) / 127.5 - 1, u ~ U[0, 1) per
   * value from `rng`, so E[y] = encode(v). Continuous data is only encoded.
   */
  dequantize(values: SampleArray, rng: Rng): tf.Tensor;
  /**
   * log |dy/dv| per sample (-D ln 127.5 for uint8, 0 otherwise): a model-space log-density plus
   * this is a log-density over dequantized storage values, a lower bound on the log-probability
   * of the discrete data (Theis et al. 2016).
   */
  readonly logJacobian: number;
}

export function dataCodec(layout: SampleLayout): DataCodec {
  const dims = sampleSize(layout);
  const shape = (values: SampleArray) => [values.length / dims, ...layout.sampleShape];
  if (layout.dtype === 'float32') {
    return {
      layout,
      dims,
      discrete: false,
      encode: (values) => tf.tensor(values as Float32Array, shape(values), 'float32'),
      decode: async (x) => Float32Array.from(await x.data()),
      dequantize: (values) => tf.tensor(values as Float32Array, shape(values), 'float32'),
      logJacobian: 0,
    };
  }
  return {
    layout,
    dims,
    discrete: true,
    encode: (values) => tf.tensor(mapValues(values, (v) => v / HALF - 1), shape(values), 'float32'),
    async decode(x) {
      const scaled = tf.tidy(() => x.add(1).mul(HALF).round().clipByValue(0, 255));
      try {
        return Uint8Array.from(await scaled.data());
      } finally {
        scaled.dispose();
      }
    },
    dequantize(values, rng) {
      const out = new Float32Array(values.length);
      for (let i = 0; i < values.length; i++) out[i] = (values[i]! + rng.uniform() - 0.5) / HALF - 1;
      return tf.tensor(out, shape(values), 'float32');
    },
    logJacobian: -dims * Math.log(HALF),
  };
}

/** Bits per dimension of a negative log-likelihood in nats per sample of D values: nll / (D ln 2). */
export function bitsPerDim(nllNats: number, dims: number): number {
  return nllNats / (dims * Math.LN2);
}

function mapValues(values: SampleArray, f: (v: number) => number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f(values[i]!);
  return out;
}
