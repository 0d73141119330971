import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ouroboros/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SelfAttention2d } from './attention.ts';
import { ErrorLog, expectBackendsAgree, finiteDifferenceError, loadBackends, parameterValues, runLayer, seededValues, tensorsLeftBy, useBackend } from './testing/layer-cases.ts';
import { selfAttentionRef } from './testing/float64-reference.ts';

const errors = new ErrorLog();

beforeAll(loadBackends);
afterAll(() => console.log(errors.summary('SelfAttention2d wasm vs cpu')));

interface AttentionCase {
  label: string;
  x: [number, number, number, number];
  heads: number;
  groups: number;
}

const cases: AttentionCase[] = [
  { label: '[2, 2, 3, 4], 2 heads', x: [2, 2, 3, 4], heads: 2, groups: 2 },
  { label: '[1, 3, 3, 6], 1 head', x: [1, 3, 3, 6], heads: 1, groups: 3 },
  { label: '[1, 2, 2, 4], 4 heads of 1 channel', x: [1, 2, 2, 4], heads: 4, groups: 1 },
  // 64 positions, d = 4: each head's products are big enough for the fast per-matrix matMul path on wasm
  { label: '[2, 8, 8, 8], 2 heads', x: [2, 8, 8, 8], heads: 2, groups: 4 },
];

function build(c: AttentionCase) {
  return () => {
    const module = new SelfAttention2d(c.x[3], c.heads, Rng.from(6, c.label), { groups: c.groups });
    return { module, forward: (x: tf.Tensor) => module.apply(x) };
  };
}

function reference(c: AttentionCase) {
  return (x: Float64Array, p: ReadonlyMap<string, Float64Array>) => selfAttentionRef(x, c.x[0], c.x[3], c.heads, c.groups, 1e-5, p);
}

describe('SelfAttention2d forward', () => {
  it.each(cases.slice(0, 3).map((c) => [c.label, c] as const))('%s equals a per-head, per-query loop', async (_, c) => {
    await useBackend('wasm');
    const { module } = build(c)();
    const xValues = seededValues(c.x, 2);
    const y = tf.tidy(() => module.apply(tf.tensor(xValues, c.x)));
    const params = new Map([...parameterValues(module)].map(([name, v]) => [name, Float64Array.from(v)]));
    expect(y.shape).toEqual(c.x);
    const expected = reference(c)(Float64Array.from(xValues), params);
    expect(Array.from(y.dataSync())).toEqual(Array.from(expected).map((v) => expect.closeTo(v, 5)));
    y.dispose();
    module.dispose();
  });

  it('is the identity at init with zeroInitOutput', async () => {
    await useBackend('wasm');
    const attention = new SelfAttention2d(4, 2, Rng.from(1), { groups: 2, zeroInitOutput: true });
    const x = tf.tensor4d(seededValues([1, 3, 3, 4], 3), [1, 3, 3, 4]);
    const y = tf.tidy(() => attention.apply(x));
    expect(y.dataSync()).toEqual(x.dataSync());
    tf.dispose([x, y]);
    attention.dispose();
  });
});

describe('SelfAttention2d gradients', () => {
  it.each(cases.map((c) => [c.label, c] as const))('wasm matches cpu: %s', async (label, c) => {
    await expectBackendsAgree(label, { build: build(c), inputShape: c.x }, errors);
  });

  it('match central finite differences of a float64 forward pass', async () => {
    const c = cases[0]!;
    const run = await runLayer('wasm', { build: build(c), inputShape: c.x });
    const error = finiteDifferenceError(run, reference(c));
    errors.record('finite differences', error);
    expect(error).toBeLessThanOrEqual(1e-5);
  });
});

describe('SelfAttention2d parameters', () => {
  it('has 4c² + 6c parameters: norm, qkv [c, 3c], proj [c, c]', () => {
    const attention = new SelfAttention2d(64, 4, Rng.from(0));
    expect(attention.namedParameters().map(([name, v]) => [name, v.shape])).toEqual([
      ['norm.weight', [64]], ['norm.bias', [64]],
      ['qkv.weight', [64, 192]], ['qkv.bias', [192]],
      ['proj.weight', [64, 64]], ['proj.bias', [64]],
    ]);
    expect(attention.parameterCount()).toBe(4 * 64 * 64 + 6 * 64);
    attention.dispose();
  });

  it('draws identical weights from the same seed and different ones from another', () => {
    const a = new SelfAttention2d(4, 2, Rng.from(3), { groups: 2 });
    const b = new SelfAttention2d(4, 2, Rng.from(3), { groups: 2 });
    const c = new SelfAttention2d(4, 2, Rng.from(4), { groups: 2 });
    expect(parameterValues(a)).toEqual(parameterValues(b));
    expect(parameterValues(a).get('qkv.weight')).not.toEqual(parameterValues(c).get('qkv.weight'));
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('SelfAttention2d memory and arguments', () => {
  it('leaves no tensors after apply in tf.tidy, nor after dispose()', async () => {
    await useBackend('wasm');
    const x = tf.ones([1, 2, 2, 4]);
    const left = tensorsLeftBy(() => {
      const attention = new SelfAttention2d(4, 2, Rng.from(0), { groups: 2 });
      expect(tensorsLeftBy(() => tf.tidy(() => { attention.apply(x); }))).toBe(0);
      attention.dispose();
    });
    expect(left).toBe(0);
    x.dispose();
  });

  it.each([
    [() => new SelfAttention2d(6, 4, Rng.from(0), { groups: 2 }), 'SelfAttention2d: channels (6) must be divisible by heads (4)'],
    [() => new SelfAttention2d(48, 4, Rng.from(0)), 'SelfAttention2d: channels (48) must be divisible by groups (32)'],
    [() => new SelfAttention2d(8, 0, Rng.from(0)), 'SelfAttention2d: heads must be a positive integer, got 0'],
  ])('rejects bad constructor arguments in one line (%#)', (make, message) => {
    expect(make).toThrow(message);
  });

  it('rejects input that is not NHWC with `channels` channels', () => {
    const attention = new SelfAttention2d(4, 2, Rng.from(0), { groups: 2 });
    const flat = tf.ones([4, 4]);
    const wrong = tf.ones([1, 2, 2, 8]);
    expect(() => attention.apply(flat)).toThrow('SelfAttention2d: input must be NHWC [batch, height, width, 4], got shape [4, 4]');
    expect(() => attention.apply(wrong)).toThrow('SelfAttention2d: input must have 4 channels on its last axis, got shape [1, 2, 2, 8]');
    tf.dispose([flat, wrong]);
    attention.dispose();
  });
});
