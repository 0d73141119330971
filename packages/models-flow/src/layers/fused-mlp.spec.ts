import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { Mlp, selectBackend, type ActivationName } from '@ouroboros/nn';
import { FusedMlp } from './fused-mlp.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('FusedMlp', () => {
  it.each<[ActivationName, number[]]>([
    ['relu', [3, 16, 16, 4]],
    ['relu', [1, 16, 16, 2]],
    ['relu', [24, 16, 8]],
    ['tanh', [3, 16, 16, 4]],
    ['silu', [3, 16, 16, 4]],
  ])('(%s, sizes %j) has the Mlp parameters, outputs and autodiff gradients (input and every weight)', (activation, sizes) => {
    const [plain, fused] = [new Mlp(sizes, Rng.from(1), { activation }), new FusedMlp(sizes, Rng.from(1), { activation })];
    expect(fused.namedParameters().map(([n, v]) => [n, v.shape])).toEqual(plain.namedParameters().map(([n, v]) => [n, v.shape]));
    const x = tf.tensor(Float32Array.from(Rng.from(2).normals(2 * 7 * sizes[0]!)), [2, 7, sizes[0]!]);
    const target = tf.tensor(Float32Array.from(Rng.from(3).normals(2 * 7 * sizes.at(-1)!)), [2, 7, sizes.at(-1)!]);
    const loss = (net: Mlp) => (input: tf.Tensor) => net.apply(input).sub(target).square().sum() as tf.Scalar;
    const gradients = (net: Mlp) => {
      const { value, grads } = tf.variableGrads(() => loss(net)(x), net.parameters());
      const dx = tf.grad(loss(net))(x);
      const out = [value, dx, ...net.parameters().map((p) => grads[p.name]!)].map((t) => [...t.dataSync()]);
      tf.dispose([value, dx, ...Object.values(grads)]);
      return out;
    };
    const [expected, actual] = [gradients(plain), gradients(fused)];
    expect(expected.slice(1).every((g) => g.some((v) => v !== 0))).toBe(true);
    actual.forEach((values, k) => values.forEach((v, i) => expect(v).toBeCloseTo(expected[k]![i]!, 4)));
    tf.dispose([x, target]);
    plain.dispose();
    fused.dispose();
  });
});
