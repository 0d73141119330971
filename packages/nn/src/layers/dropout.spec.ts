import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ouroboros/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropout } from './dropout.ts';
import { ErrorLog, expectBackendsAgree, loadBackends, tensorsLeftBy, useBackend } from './testing/layer-cases.ts';

const errors = new ErrorLog();

beforeAll(loadBackends);
afterAll(() => console.log(errors.summary('dropout wasm vs cpu')));

function dropoutValues(x: tf.Tensor, rate: number, rng: Rng): Float32Array {
  const y = dropout(x, rate, rng, true);
  const values = y.dataSync() as Float32Array;
  y.dispose();
  return values;
}

describe('dropout', () => {
  it('zeroes a fraction `rate` of entries and scales the rest by 1/(1 − rate), keeping the mean', async () => {
    await useBackend('wasm');
    const n = 100_000;
    const x = tf.ones([n]);
    const values = dropoutValues(x, 0.3, Rng.from(1, 'dropout'));
    const dropped = values.filter((v) => v === 0).length;
    expect(values.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    // binomial: standard error sqrt(0.3·0.7/n) ≈ 0.0015
    expect(Math.abs(dropped / n - 0.3)).toBeLessThan(0.008);
    expect(Math.abs(values.reduce((s, v) => s + v, 0) / n - 1)).toBeLessThan(0.02);
    x.dispose();
  });

  it('is the identity, drawing nothing, when not training or at rate 0', async () => {
    await useBackend('wasm');
    const x = tf.ones([5]);
    const rng = Rng.from(2);
    expect(dropout(x, 0.5, rng, false)).toBe(x);
    expect(dropout(x, 0, rng, true)).toBe(x);
    expect(rng.nextUint32()).toBe(Rng.from(2).nextUint32());
    x.dispose();
  });

  it('draws its mask from the rng: same seed, same mask on wasm and cpu; the next call a new one', async () => {
    const masks = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      const x = tf.ones([64]);
      const rng = Rng.from(3, 'step', 0);
      const first = dropoutValues(x, 0.5, rng);
      const second = dropoutValues(x, 0.5, rng);
      x.dispose();
      return [first, second];
    };
    const [wasmFirst, wasmSecond] = await masks('wasm');
    const [cpuFirst] = await masks('cpu');
    expect(wasmFirst).toEqual(cpuFirst);
    expect(wasmSecond).not.toEqual(wasmFirst);
    await useBackend('wasm');
    const x = tf.ones([64]);
    expect(dropoutValues(x, 0.5, Rng.from(4, 'step', 0))).not.toEqual(wasmFirst);
    x.dispose();
  });

  it('gradients on wasm match cpu (mask / (1 − rate))', async () => {
    await expectBackendsAgree('dropout 0.25', {
      build: () => ({ module: null, forward: (x) => dropout(x, 0.25, Rng.from(5), true) }),
      inputShape: [4, 6],
    }, errors);
  });

  it('leaves no tensors but its result', async () => {
    await useBackend('wasm');
    const x = tf.ones([3, 3]);
    expect(tensorsLeftBy(() => tf.tidy(() => { dropout(x, 0.5, Rng.from(0), true); }))).toBe(0);
    expect(tensorsLeftBy(() => dropout(x, 0.5, Rng.from(0), true).dispose())).toBe(0);
    x.dispose();
  });

  it.each([1, -0.1, Number.NaN])('rejects rate %d in one line', (rate) => {
    const x = tf.ones([2]);
    expect(() => dropout(x, rate, Rng.from(0), true)).toThrow(`dropout: rate must be in [0, 1), got ${rate}`);
    x.dispose();
  });
});
