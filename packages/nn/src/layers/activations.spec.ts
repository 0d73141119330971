import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activation, relu, silu, tanh } from './activations.ts';
import { ErrorLog, expectBackendsAgree, loadBackends, useBackend } from './testing/layer-cases.ts';
import { activationRefs } from './testing/float64-reference.ts';

const errors = new ErrorLog();

beforeAll(loadBackends);
afterAll(() => console.log(errors.summary('activations wasm vs cpu')));

const points = [-30, -4, -1.5, -0.25, 0, 0.25, 1.5, 4, 30];

describe('activations', () => {
  it.each([
    ['silu', silu],
    ['relu', relu],
    ['tanh', tanh],
  ] as const)('%s matches its formula on wasm', async (name, f) => {
    await useBackend('wasm');
    const y = tf.tidy(() => f(tf.tensor1d(points)));
    expect(Array.from(y.dataSync())).toEqual(points.map((x) => expect.closeTo(activationRefs[name](x), 6)));
    y.dispose();
  });

  it("silu's gradient is σ(x)(1 + x(1 − σ(x))), finite far from 0", async () => {
    await useBackend('wasm');
    const x = tf.tensor1d([...points, -100, 100]);
    const g = tf.grad((v: tf.Tensor) => silu(v))(x);
    const expected = [...points, -100, 100].map((v) => {
      const s = 1 / (1 + Math.exp(-v));
      return s * (1 + v * (1 - s));
    });
    expect(Array.from(g.dataSync())).toEqual(expected.map((v) => expect.closeTo(v, 6)));
    tf.dispose([x, g]);
  });

  it.each(['silu', 'relu', 'tanh'] as const)('%s gradients on wasm match cpu', async (name) => {
    await expectBackendsAgree(name, { build: () => ({ module: null, forward: activation(name) }), inputShape: [3, 7] }, errors);
  });

  it('looks activations up by name and rejects unknown names in one line', () => {
    expect(activation('silu')).toBe(silu);
    expect(() => activation('gelu' as never, 'Mlp')).toThrow("Mlp: activation must be one of 'relu', 'silu', 'tanh', got 'gelu'");
  });

  it('leave no intermediate tensors', async () => {
    await useBackend('wasm');
    const x = tf.ones([4]);
    const before = tf.memory().numTensors;
    silu(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
