import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupNorm } from './group-norm.ts';
import { ErrorLog, expectBackendsAgree, finiteDifferenceError, loadBackends, runLayer, seededValues, tensorsLeftBy, useBackend } from './testing/layer-cases.ts';
import { groupNormRef } from './testing/float64-reference.ts';

const errors = new ErrorLog();

beforeAll(loadBackends);
afterAll(() => console.log(errors.summary('GroupNorm wasm vs cpu')));

const cases = [
  { label: 'NHWC [2, 3, 4, 6], 3 groups', shape: [2, 3, 4, 6], groups: 3 },
  { label: 'NHWC [1, 2, 2, 4], 1 group (layer norm)', shape: [1, 2, 2, 4], groups: 1 },
  { label: 'NHWC [2, 3, 2, 4], 4 groups (instance norm)', shape: [2, 3, 2, 4], groups: 4 },
  { label: 'vectors [5, 6], 2 groups', shape: [5, 6], groups: 2 },
];

/** A GroupNorm whose scale and shift are not the identity, so the affine part is exercised. */
function scrambled(groups: number, channels: number): GroupNorm {
  const norm = new GroupNorm(groups, channels);
  tf.tidy(() => {
    norm.weight!.assign(tf.tensor1d(seededValues([channels], 21)));
    norm.bias!.assign(tf.tensor1d(seededValues([channels], 22)));
  });
  return norm;
}

function paramsOf(norm: GroupNorm): [Float64Array, Float64Array] {
  return [Float64Array.from(norm.weight!.dataSync()), Float64Array.from(norm.bias!.dataSync())];
}

describe('GroupNorm forward', () => {
  it.each(cases.map((c) => [c.label, c] as const))('%s equals a direct mean / biased-variance computation', async (_, c) => {
    await useBackend('wasm');
    const channels = c.shape.at(-1)!;
    const norm = scrambled(c.groups, channels);
    const xValues = seededValues(c.shape, 3).map((v) => 3 * v + 2);
    const y = tf.tidy(() => norm.apply(tf.tensor(xValues, c.shape)));
    const expected = groupNormRef(Float64Array.from(xValues), c.shape[0]!, channels, c.groups, 1e-5, ...paramsOf(norm));
    expect(y.shape).toEqual(c.shape);
    expect(Array.from(y.dataSync())).toEqual(Array.from(expected).map((v) => expect.closeTo(v, 5)));
    y.dispose();
    norm.dispose();
  });

  it('without affine parameters gives each group mean 0 and variance var/(var + eps)', async () => {
    await useBackend('wasm');
    const norm = new GroupNorm(2, 4, { affine: false, eps: 0.1 });
    expect(norm.parameterCount()).toBe(0);
    // group 0 of the one sample holds channels 0-1 of 2 positions: values 1, 2, 3, 4
    const x = tf.tensor4d([1, 2, 10, 20, 3, 4, 30, 40], [1, 2, 1, 4]);
    const y = tf.tidy(() => norm.apply(x));
    const values = y.dataSync();
    const group0 = [values[0]!, values[1]!, values[4]!, values[5]!];
    const scale = 1 / Math.sqrt(1.25 + 0.1);
    expect(group0).toEqual([-1.5, -0.5, 0.5, 1.5].map((v) => expect.closeTo(v * scale, 6)));
    tf.dispose([x, y]);
  });
});

describe('GroupNorm gradients', () => {
  it.each(cases.map((c) => [c.label, c] as const))('wasm matches cpu: %s', async (label, c) => {
    await expectBackendsAgree(label, {
      build: () => {
        const module = scrambled(c.groups, c.shape.at(-1)!);
        return { module, forward: (x) => module.apply(x) };
      },
      inputShape: c.shape,
    }, errors);
  });

  it('match central finite differences of a float64 forward pass', async () => {
    const run = await runLayer('wasm', {
      build: () => {
        const module = scrambled(2, 4);
        return { module, forward: (x) => module.apply(x) };
      },
      inputShape: [2, 2, 3, 4],
    });
    const error = finiteDifferenceError(run, (x, p) => groupNormRef(x, 2, 4, 2, 1e-5, p.get('weight')!, p.get('bias')!));
    errors.record('finite differences', error);
    expect(error).toBeLessThanOrEqual(1e-5);
  });
});

describe('GroupNorm parameters', () => {
  it('has 2·channels parameters: weight (ones) and bias (zeros), as torch.nn.GroupNorm', () => {
    const norm = new GroupNorm(4, 8);
    expect(norm.namedParameters().map(([name, v]) => [name, v.shape])).toEqual([['weight', [8]], ['bias', [8]]]);
    expect(norm.parameterCount()).toBe(2 * 8);
    expect(Array.from(norm.weight!.dataSync())).toEqual(new Array(8).fill(1));
    expect(Array.from(norm.bias!.dataSync())).toEqual(new Array(8).fill(0));
    norm.dispose();
  });
});

describe('GroupNorm memory', () => {
  it('leaves no tensors after apply in tf.tidy, nor after dispose()', async () => {
    await useBackend('wasm');
    const x = tf.ones([2, 2, 2, 4]);
    const left = tensorsLeftBy(() => {
      const norm = new GroupNorm(2, 4);
      expect(tensorsLeftBy(() => tf.tidy(() => { norm.apply(x); }))).toBe(0);
      norm.dispose();
    });
    expect(left).toBe(0);
    x.dispose();
  });
});

describe('GroupNorm arguments', () => {
  it.each([
    [() => new GroupNorm(3, 8), 'GroupNorm: channels (8) must be divisible by groups (3)'],
    [() => new GroupNorm(0, 8), 'GroupNorm: groups must be a positive integer, got 0'],
    [() => new GroupNorm(2, -4), 'GroupNorm: channels must be a positive integer, got -4'],
    [() => new GroupNorm(2, 4, { eps: -1 }), 'GroupNorm: eps must be a finite number >= 0, got -1'],
  ])('rejects bad constructor arguments in one line (%#)', (make, message) => {
    expect(make).toThrow(message);
  });

  it('rejects input without `channels` entries on its last axis', () => {
    const norm = new GroupNorm(2, 4);
    const x = tf.ones([1, 2, 2, 6]);
    const scalarRows = tf.ones([4]);
    expect(() => norm.apply(x)).toThrow('GroupNorm: input must have 4 channels on its last axis, got shape [1, 2, 2, 6]');
    expect(() => norm.apply(scalarRows)).toThrow('GroupNorm: input must be [batch, ..., 4], got shape [4]');
    tf.dispose([x, scalarRows]);
    norm.dispose();
  });
});
