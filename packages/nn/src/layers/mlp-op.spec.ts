import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { MLP_FORWARD } from '../backend/fused-ops.ts';
import { nativeSkipReason } from '../backend/native/testing/native-libraries.ts';
import { selectBackend } from '../backend/select-backend.ts';
import type { ActivationName } from './activations.ts';
import { Mlp } from './mlp.ts';
import { mlpOp } from './mlp-op.ts';

afterAll(async () => {
  await selectBackend('wasm');
});

const cases: Array<[ActivationName, number[]]> = [
  ['relu', [3, 16, 16, 4]],
  ['relu', [1, 16, 16, 2]],
  ['relu', [24, 16, 8]],
  ['relu', [3, 13, 5]],
  ['tanh', [3, 16, 16, 4]],
  ['silu', [3, 16, 16, 4]],
  ['silu', [66, 32, 32, 32, 2]],
];

/** Loss, ∂x and every parameter's gradient, through `forward`. */
function gradients(net: Mlp, forward: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, target: tf.Tensor): number[][] {
  const loss = (input: tf.Tensor) => forward(input).sub(target).square().sum() as tf.Scalar;
  const { value, grads } = tf.variableGrads(() => loss(x), net.parameters());
  const dx = tf.grad(loss)(x);
  const out = [value, dx, ...net.parameters().map((p) => grads[p.name]!)].map((t) => [...t.dataSync()]);
  tf.dispose([value, dx, ...Object.values(grads)]);
  return out;
}

describe.each([
  ['wasm', null],
  ['native', nativeSkipReason],
] as const)('Mlp as one op on the %s backend', (backend, skipReason) => {
  // rows [2, 7] go through a reshape, rows [15] straight in; 15 · 13 leaves a tail past the SIMD lanes
  const withRows = cases.flatMap(([activation, sizes]) => [[activation, sizes, [2, 7]], [activation, sizes, [15]]] as const);
  it.skipIf(skipReason !== null).each(withRows)('(%s, sizes %j, rows %j) gives the layer-by-layer outputs and autodiff gradients (input and every weight)', async (activation, sizes, rows) => {
    await selectBackend(backend);
    const usesKernels = tf.getKernel(MLP_FORWARD, tf.getBackend()) !== undefined;
    expect(usesKernels).toBe(backend === 'native');
    expect(mlpOp(activation) === null).toBe(backend === 'wasm' && activation === 'silu');
    const net = new Mlp(sizes, Rng.from(1), { activation });
    const count = rows.reduce((a, b) => a * b, 1);
    const x = tf.tensor(Float32Array.from(Rng.from(2).normals(count * sizes[0]!)), [...rows, sizes[0]!]);
    const target = tf.tensor(Float32Array.from(Rng.from(3).normals(count * sizes.at(-1)!)), [...rows, sizes.at(-1)!]);
    const expected = gradients(net, (input) => net.layerByLayer(input), x, target);
    const actual = gradients(net, (input) => net.apply(input), x, target);
    expect(expected.slice(1).every((g) => g.some((v) => v !== 0))).toBe(true);
    actual.forEach((values, k) => {
      const scale = Math.max(1, ...expected[k]!.map(Math.abs));
      values.forEach((v, i) => expect(Math.abs(v - expected[k]![i]!) / scale).toBeLessThan(1e-5));
    });
    tf.dispose([x, target]);
    net.dispose();
  });
});
