import * as tf from '@tensorflow/tfjs';
import { checkPositiveInt } from './checks.ts';

// f_i = exp(−ln(maxPeriod) · i / half), i = 0 … half − 1
export function embeddingFrequencies(half: number, maxPeriod: number): Float32Array {
  return Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(maxPeriod) * i) / half));
}

/** Rows already computed for integer timesteps, by dim, maxPeriod and t (a DDPM has at most T of them). */
const integerRows = new Map<string, Float32Array>();

// row(t) = [cos(t f_i) …, sin(t f_i) …, 0 when dim is odd], in float32 as the tfjs ops would round it
function embeddingRow(t: number, dim: number, frequencies: Float32Array): Float32Array {
  const row = new Float32Array(dim);
  const half = frequencies.length;
  const time = Math.fround(t);
  for (let i = 0; i < half; i++) {
    const angle = Math.fround(time * frequencies[i]!);
    row[i] = Math.cos(angle);
    row[half + i] = Math.sin(angle);
  }
  return row;
}

/**
 * Sinusoidal timestep embedding of ADM (guided-diffusion `timestep_embedding`; Vaswani et al.
 * 2017, Ho et al. 2020): row n is [cos(t_n f_0) … cos(t_n f_{half−1}), sin(t_n f_0) … sin(t_n f_{half−1})],
 * half = floor(dim / 2), with one trailing zero column when `dim` is odd. t: [n] (float or
 * integer timesteps); returns [n, dim]. No parameters. The rows are computed from t's values (those
 * of integer timesteps once and kept, since Math.sin of large angles costs tens of nanoseconds);
 * the gradient to t, d/dt = [−sin(t f_i) f_i …, cos(t f_i) f_i …], runs on tfjs ops.
 */
export function sinusoidalEmbedding(t: tf.Tensor1D, dim: number, maxPeriod = 10000): tf.Tensor2D {
  if (t.rank !== 1) throw new RangeError(`sinusoidalEmbedding: t must be 1-D [n], got shape [${t.shape.join(', ')}]`);
  checkPositiveInt('sinusoidalEmbedding', 'dim', dim);
  if (dim < 2) throw new RangeError(`sinusoidalEmbedding: dim must be at least 2, got ${dim}`);
  if (!(maxPeriod > 1) || !Number.isFinite(maxPeriod)) throw new RangeError(`sinusoidalEmbedding: maxPeriod must be a finite number > 1, got ${maxPeriod}`);
  return embeddingOp(dim, maxPeriod)(t) as tf.Tensor2D;
}

const ops = new Map<string, (t: tf.Tensor) => tf.Tensor>();

function embeddingOp(dim: number, maxPeriod: number): (t: tf.Tensor) => tf.Tensor {
  const key = `${dim}|${maxPeriod}`;
  let op = ops.get(key);
  if (!op) {
    const frequencies = embeddingFrequencies(Math.floor(dim / 2), maxPeriod);
    op = tf.customGrad((t, save) => {
      (save as tf.GradSaveFunc)([t as tf.Tensor]);
      return {
        value: tf.tensor2d(embeddingRows((t as tf.Tensor).dataSync(), dim, maxPeriod, frequencies), [(t as tf.Tensor).size, dim]),
        gradFunc: (dy: tf.Tensor | tf.Tensor[], [ts]: tf.Tensor[]) => {
          const half = frequencies.length;
          const f = tf.tensor2d(frequencies, [1, half]);
          const angles = tf.mul(tf.reshape(tf.cast(ts!, 'float32'), [-1, 1]), f);
          const g = dy as tf.Tensor2D;
          const dCos = tf.mul(tf.slice(g, [0, 0], [-1, half]), tf.mul(tf.neg(tf.sin(angles)), f));
          const dSin = tf.mul(tf.slice(g, [0, half], [-1, half]), tf.mul(tf.cos(angles), f));
          return tf.sum(tf.add(dCos, dSin), 1);
        },
      };
    }) as (t: tf.Tensor) => tf.Tensor;
    ops.set(key, op);
  }
  return op;
}

/** The [n, dim] rows for timesteps `times`. */
function embeddingRows(times: ArrayLike<number>, dim: number, maxPeriod: number, frequencies: Float32Array): Float32Array {
  const out = new Float32Array(times.length * dim);
  for (let n = 0; n < times.length; n++) {
    const time = times[n]!;
    if (!Number.isInteger(time)) {
      out.set(embeddingRow(time, dim, frequencies), n * dim);
      continue;
    }
    const key = `${dim}|${maxPeriod}|${time}`;
    let row = integerRows.get(key);
    if (!row) integerRows.set(key, (row = embeddingRow(time, dim, frequencies)));
    out.set(row, n * dim);
  }
  return out;
}
