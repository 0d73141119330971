import * as tf from '@tensorflow/tfjs';
import type { DataCodec } from '../codec/data-codec.ts';
import { takeFloat32 } from '../codec/take-float32.ts';
import type { GenerativeModel } from '../contracts/model.ts';
import type { RunContext } from '../contracts/run-context.ts';
import type { SampleArray } from '../store/sample-store.ts';

const BATCH = 1024;

/** Stored samples (data space) in the model's space, flat float32. */
export async function inModelSpace(values: SampleArray, codec: DataCodec): Promise<Float32Array> {
  return takeFloat32(codec.encode(values));
}

/** log p(x) of every row of `x` (model space, flat) under `model`, in batches. */
export async function logLikelihoods(model: GenerativeModel, x: Float32Array, sampleShape: readonly number[], ctx: RunContext, who: string): Promise<Float64Array> {
  if (!model.logLikelihood) throw new Error(`${who}: the verifier model has no likelihood; expected a model with an exact or bounded log-likelihood (gaussian, realnvp, glow, gmm, kde, vae, ddpm, ...)`);
  const dims = sampleShape.reduce((a, b) => a * b, 1);
  const n = x.length / dims;
  const out = new Float64Array(n);
  for (let start = 0; start < n; start += BATCH) {
    const end = Math.min(n, start + BATCH);
    const batch = tf.tensor(x.subarray(start * dims, end * dims), [end - start, ...sampleShape], 'float32');
    try {
      out.set(await model.logLikelihood(batch, ctx), start);
    } finally {
      batch.dispose();
    }
  }
  return out;
}
