import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ouroboros/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mlp } from './mlp.ts';
import { ErrorLog, expectBackendsAgree, finiteDifferenceError, loadBackends, parameterValues, runLayer, seededValues, tensorsLeftBy, useBackend } from './testing/layer-cases.ts';
import { activationRefs, mlpRef } from './testing/float64-reference.ts';

const errors = new ErrorLog();

beforeAll(loadBackends);
afterAll(() => console.log(errors.summary('Mlp wasm vs cpu')));

const activations = ['relu', 'silu', 'tanh'] as const;
const sizes = [2, 8, 8, 3];

function params64(mlp: Mlp): Map<string, Float64Array> {
  return new Map([...parameterValues(mlp)].map(([name, v]) => [name, Float64Array.from(v)]));
}

describe('Mlp forward', () => {
  it.each(activations)('with %s equals the stack of Dense layers (against plain loops)', async (act) => {
    await useBackend('wasm');
    const mlp = new Mlp(sizes, Rng.from(1, act), { activation: act });
    const xValues = seededValues([6, 2], 2);
    const y = tf.tidy(() => mlp.apply(tf.tensor(xValues, [6, 2])));
    expect(y.shape).toEqual([6, 3]);
    const expected = mlpRef(Float64Array.from(xValues), sizes, activationRefs[act], params64(mlp));
    expect(Array.from(y.dataSync())).toEqual(Array.from(expected).map((v) => expect.closeTo(v, 5)));
    y.dispose();
    mlp.dispose();
  });

  it('outputs zeros at init with zeroInitLast (its last layer only is zero)', async () => {
    await useBackend('wasm');
    const mlp = new Mlp(sizes, Rng.from(2), { zeroInitLast: true });
    const y = tf.tidy(() => mlp.apply(tf.ones([4, 2])));
    expect(y.dataSync().every((v) => v === 0)).toBe(true);
    const p = parameterValues(mlp);
    expect(p.get('layers.2.weight')!.every((v) => v === 0) && p.get('layers.2.bias')!.every((v) => v === 0)).toBe(true);
    expect(p.get('layers.0.weight')!.some((v) => v !== 0)).toBe(true);
    y.dispose();
    mlp.dispose();
  });
});

describe('Mlp gradients', () => {
  it.each(activations)('wasm matches cpu with %s', async (act) => {
    await expectBackendsAgree(`Mlp ${act}`, {
      build: () => {
        const module = new Mlp(sizes, Rng.from(3), { activation: act });
        return { module, forward: (x) => module.apply(x) };
      },
      inputShape: [5, 2],
    }, errors);
  });

  it('match central finite differences of a float64 forward pass (tanh)', async () => {
    const run = await runLayer('wasm', {
      build: () => {
        const module = new Mlp([3, 5, 2], Rng.from(4), { activation: 'tanh' });
        return { module, forward: (x) => module.apply(x) };
      },
      inputShape: [4, 3],
    });
    const error = finiteDifferenceError(run, (x, p) => mlpRef(x, [3, 5, 2], Math.tanh, p));
    errors.record('finite differences', error);
    expect(error).toBeLessThanOrEqual(1e-5);
  });
});

describe('Mlp parameters', () => {
  it('has Σ sizes[i]·sizes[i+1] + sizes[i+1] parameters named layers.<i>.{weight,bias}', () => {
    const mlp = new Mlp([2, 256, 256, 2], Rng.from(0));
    expect(mlp.namedParameters().map(([name, v]) => [name, v.shape])).toEqual([
      ['layers.0.weight', [2, 256]], ['layers.0.bias', [256]],
      ['layers.1.weight', [256, 256]], ['layers.1.bias', [256]],
      ['layers.2.weight', [256, 2]], ['layers.2.bias', [2]],
    ]);
    expect(mlp.parameterCount()).toBe(2 * 256 + 256 + 256 * 256 + 256 + 256 * 2 + 2);
    mlp.dispose();
  });

  it('draws identical weights from the same seed, different ones from another, distinct per layer', () => {
    const a = new Mlp([4, 4, 4], Rng.from(7));
    const b = new Mlp([4, 4, 4], Rng.from(7));
    const c = new Mlp([4, 4, 4], Rng.from(8));
    expect(parameterValues(a)).toEqual(parameterValues(b));
    expect(parameterValues(a).get('layers.0.weight')).not.toEqual(parameterValues(c).get('layers.0.weight'));
    expect(parameterValues(a).get('layers.0.weight')).not.toEqual(parameterValues(a).get('layers.1.weight'));
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('Mlp memory and arguments', () => {
  it('leaves no tensors after apply in tf.tidy, nor after dispose()', async () => {
    await useBackend('wasm');
    const x = tf.ones([3, 2]);
    const left = tensorsLeftBy(() => {
      const mlp = new Mlp(sizes, Rng.from(0), { activation: 'silu' });
      expect(tensorsLeftBy(() => tf.tidy(() => { mlp.apply(x); }))).toBe(0);
      mlp.dispose();
    });
    expect(left).toBe(0);
    x.dispose();
  });

  it.each([
    [() => new Mlp([3], Rng.from(0)), 'Mlp: sizes must list at least 2 widths (input and output), got [3]'],
    [() => new Mlp([3, 0, 2], Rng.from(0)), 'Mlp: sizes[1] must be a positive integer, got 0'],
    [() => new Mlp([3, 2], Rng.from(0), { activation: 'gelu' as never }), "Mlp: activation must be one of 'relu', 'silu', 'tanh', got 'gelu'"],
  ])('rejects bad arguments in one line (%#)', (make, message) => {
    expect(make).toThrow(message);
  });
});
