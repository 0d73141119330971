import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { Mlp, selectBackend } from '@ouroboros/nn';
import { CouplingConvNet } from '../glow/coupling-conv-net.ts';
import { logAbsDet } from '../linalg/lu.ts';
import { jacobianLogDets, maxAbsError, perturb } from '../testing/flow-checks.ts';
import { ActNorm } from './actnorm.ts';
import { AffineCoupling } from './affine-coupling.ts';
import type { FlowLayer } from './flow-layer.ts';
import { FlowSequence } from './flow-sequence.ts';
import { InvertibleConv1x1 } from './invertible-conv1x1.ts';
import { Squeeze } from './squeeze.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

const input = (shape: number[], seed: number) => tf.tensor(Float32Array.from(Rng.from(seed, 'x').normals(shape.reduce((a, b) => a * b, 1))), shape);

/** Each layer with its parameters moved off their (often identity) initial values, and a sample shape. */
const cases: Array<[string, () => FlowLayer, number[]]> = [
  ['squeeze', () => new Squeeze(), [4, 4, 1]],
  ['actnorm (images)', () => new ActNorm(3), [2, 2, 3]],
  ['actnorm (vectors)', () => new ActNorm(5), [5]],
  ['invertible 1x1 conv', () => new InvertibleConv1x1(4, Rng.from(1)), [2, 2, 4]],
  ['affine coupling, conv net, first half kept', () => new AffineCoupling(4, 2, 'first', new CouplingConvNet(2, 8, 4, Rng.from(2))), [2, 2, 4]],
  ['affine coupling, MLP, odd D, second part kept', () => new AffineCoupling(5, 3, 'second', new Mlp([2, 16, 16, 6], Rng.from(3), { zeroInitLast: true })), [5]],
  ['a Glow step (actnorm, 1x1 conv, coupling) after a squeeze', () => new FlowSequence([new Squeeze(), new ActNorm(4), new InvertibleConv1x1(4, Rng.from(4)), new AffineCoupling(4, 2, 'first', new CouplingConvNet(2, 8, 4, Rng.from(5)))]), [4, 4, 1]],
];

describe.each(cases)('%s', (_name, make, shape) => {
  it('inverse(forward(x)) = x to 1e-5, and the log-determinant of every sample is the same formula', () => {
    const layer = make();
    perturb(layer, 0.3);
    const x = input([16, ...shape], 7);
    const { y, logDet } = layer.forward(x);
    const back = layer.inverse(y);
    expect(maxAbsError(back, x)).toBeLessThan(1e-5);
    expect(logDet.shape).toEqual([16]);
    tf.dispose([x, y, logDet, back]);
    layer.dispose();
  });

  it('gives log |det J| equal to that of the autodiff Jacobian (1e-4) and of the finite-difference one (1e-3)', () => {
    const layer = make();
    perturb(layer, 0.3);
    for (const seed of [1, 2]) {
      const x = input([1, ...shape], seed);
      const { y, logDet } = layer.forward(x);
      const ours = logDet.dataSync()[0]!;
      const numeric = jacobianLogDets((v) => layer.forward(v).y, x.dataSync() as Float32Array, shape);
      expect(Math.abs(ours - numeric.autodiff)).toBeLessThan(1e-4);
      expect(Math.abs(ours - numeric.finiteDifference)).toBeLessThan(1e-3);
      tf.dispose([x, y, logDet]);
    }
    layer.dispose();
  });
});

describe('ActNorm data-dependent initialisation', () => {
  it('makes the first batch zero-mean and unit-variance per feature, the same way every time', () => {
    const x = tf.tidy(() => input([64, 3, 3, 2], 3).mul(tf.tensor1d([0.2, 5])).add(tf.tensor1d([3, -1])));
    const [a, b] = [new ActNorm(2), new ActNorm(2)];
    expect(a.initialize(x)).toBe(true);
    b.initialize(x);
    const { y, logDet } = a.forward(x);
    const { mean, variance } = tf.moments(y, [0, 1, 2]);
    [...mean.dataSync()].forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-5));
    [...variance.dataSync()].forEach((v) => expect(v).toBeCloseTo(1, 4));
    expect([...a.logScale.dataSync(), ...a.bias.dataSync()]).toEqual([...b.logScale.dataSync(), ...b.bias.dataSync()]);
    // log |det J| = HW · Σ_c s_c = -9 Σ_c log std_c of the batch
    const std = tf.tidy(() => tf.moments(x, [0, 1, 2]).variance.sqrt().dataSync());
    expect(logDet.dataSync()[0]).toBeCloseTo(-9 * (Math.log(std[0]!) + Math.log(std[1]!)), 4);
    tf.dispose([x, y, logDet, mean, variance]);
    a.dispose();
    b.dispose();
  });
});

describe('InvertibleConv1x1', () => {
  it('starts as a random rotation (log |det| = 0) in LU form, and its log-determinant is HW · log |det W|', () => {
    const conv = new InvertibleConv1x1(6, Rng.from(9));
    const w = conv.weight();
    const wtw = tf.matMul(w, w, true, false);
    expect(maxAbsError(wtw, tf.eye(6))).toBeLessThan(1e-5);
    perturb(conv, 0.2);
    const x = input([2, 3, 3, 6], 1);
    const { logDet, y } = conv.forward(x);
    const w2 = conv.weight();
    expect(logDet.dataSync()[0]).toBeCloseTo(9 * logAbsDet(w2.dataSync(), 6), 3);
    tf.dispose([w, wtw, x, logDet, y, w2]);
    conv.dispose();
  });
});
