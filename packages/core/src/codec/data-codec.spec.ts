import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.ts';
import { bitsPerDim, dataCodec } from './data-codec.ts';

const images = dataCodec({ dtype: 'uint8', sampleShape: [2, 2, 1] });
const vectors = dataCodec({ dtype: 'float32', sampleShape: [2] });

async function decoded(values: number[]): Promise<number[]> {
  const x = tf.tensor(values, [values.length / 4, 2, 2, 1]);
  const out = await images.decode(x);
  x.dispose();
  expect(out).toBeInstanceOf(Uint8Array);
  return Array.from(out);
}

describe('the uint8 codec', () => {
  it('encodes v to v / 127.5 − 1', async () => {
    const x = images.encode(Uint8Array.of(0, 1, 128, 255));
    expect(x.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(await x.data())).toEqual([-1, 1 / 127.5 - 1, 128 / 127.5 - 1, 1].map(Math.fround));
    x.dispose();
  });

  it('decodes y to the nearest of round((y + 1) 127.5), clipped to 0 … 255', async () => {
    // (y + 1) 127.5 = 3.4, 3.6, 200.49, 200.51, then outside the range on both sides
    const at = (v: number) => v / 127.5 - 1;
    expect(await decoded([at(3.4), at(3.6), at(200.49), at(200.51), -1.5, 1.01, 7, -0.999])).toEqual([3, 4, 200, 201, 0, 255, 255, 0]);
  });

  it('gives back every stored value: decode(encode(v)) = v for v = 0 … 255, leaving no tensor behind', async () => {
    const all = Uint8Array.from({ length: 256 }, (_, v) => v);
    const x = images.encode(all);
    const before = tf.memory().numTensors;
    expect(Array.from(await images.decode(x))).toEqual(Array.from(all));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('dequantizes to (v + u − 0.5) / 127.5 − 1 with u ~ U[0, 1) from the rng; its log-Jacobian is −D ln 127.5', async () => {
    const values = Uint8Array.of(0, 17, 128, 255);
    const x = images.dequantize(values, Rng.from(3));
    const u = Rng.from(3);
    const want = Array.from(values, (v) => Math.fround((v + u.uniform() - 0.5) / 127.5 - 1));
    expect(Array.from(await x.data())).toEqual(want);
    x.dispose();
    expect(images.logJacobian).toBeCloseTo(-4 * Math.log(127.5), 12);
    expect(images.discrete).toBe(true);
  });
});

describe('the float32 codec', () => {
  it('passes values through unchanged in every direction', async () => {
    const values = Float32Array.of(0.25, -3, 1e-7, 42);
    const x = vectors.encode(values);
    expect(x.shape).toEqual([2, 2]);
    expect(await vectors.decode(x)).toEqual(values);
    const y = vectors.dequantize(values, Rng.from(0));
    expect(Array.from(await y.data())).toEqual(Array.from(values));
    tf.dispose([x, y]);
    expect([vectors.logJacobian, vectors.discrete, vectors.dims]).toEqual([0, false, 2]);
  });
});

describe('bitsPerDim', () => {
  it('is nats / (D ln 2)', () => {
    expect(bitsPerDim(3072 * Math.LN2 * 3.5, 3072)).toBeCloseTo(3.5, 12);
  });
});
