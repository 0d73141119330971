import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ouroboros/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dense } from './dense.ts';
import { ErrorLog, expectBackendsAgree, finiteDifferenceError, loadBackends, parameterValues, runLayer, seededValues, tensorsLeftBy, useBackend } from './testing/layer-cases.ts';
import { denseRef } from './testing/float64-reference.ts';

const errors = new ErrorLog();

beforeAll(loadBackends);
afterAll(() => console.log(errors.summary('Dense wasm vs cpu')));

describe('Dense forward', () => {
  it('computes x W + b on every leading axis (against a plain loop)', async () => {
    await useBackend('wasm');
    const layer = new Dense(4, 5, Rng.from(1, 'dense'));
    const xValues = seededValues([2, 3, 4], 2);
    const y = tf.tidy(() => layer.apply(tf.tensor(xValues, [2, 3, 4])));
    expect(y.shape).toEqual([2, 3, 5]);
    const p = parameterValues(layer);
    const expected = denseRef(Float64Array.from(xValues), 4, 5, Float64Array.from(p.get('weight')!), Float64Array.from(p.get('bias')!));
    expect(Array.from(y.dataSync())).toEqual(Array.from(expected).map((v) => expect.closeTo(v, 5)));
    y.dispose();
    layer.dispose();
  });

  it('has no bias parameter with bias: false', async () => {
    await useBackend('wasm');
    const layer = new Dense(3, 2, Rng.from(1), { bias: false });
    expect(layer.namedParameters().map(([name]) => name)).toEqual(['weight']);
    const y = tf.tidy(() => layer.apply(tf.ones([1, 3])));
    const column = tf.tidy(() => tf.sum(layer.weight, 0));
    expect(Array.from(y.dataSync())).toEqual(Array.from(column.dataSync()));
    tf.dispose([y, column]);
    layer.dispose();
  });
});

describe('Dense gradients', () => {
  it.each([
    ['x [6, 4] -> 5', [6, 4], true],
    ['x [2, 3, 4] -> 5', [2, 3, 4], true],
    ['x [6, 4] -> 5 without bias', [6, 4], false],
  ] as const)('wasm matches cpu: %s', async (label, shape, bias) => {
    await expectBackendsAgree(label, {
      build: () => {
        const module = new Dense(4, 5, Rng.from(3, 'dense'), { bias });
        return { module, forward: (x) => module.apply(x) };
      },
      inputShape: [...shape],
    }, errors);
  });

  it('match central finite differences of a float64 forward pass', async () => {
    const run = await runLayer('wasm', {
      build: () => {
        const module = new Dense(3, 4, Rng.from(4));
        return { module, forward: (x) => module.apply(x) };
      },
      inputShape: [5, 3],
    });
    const error = finiteDifferenceError(run, (x, p) => denseRef(x, 3, 4, p.get('weight')!, p.get('bias')!));
    errors.record('finite differences', error);
    expect(error).toBeLessThanOrEqual(1e-5);
  });
});

describe('Dense parameters', () => {
  it('has in·out + out parameters named weight [in, out] and bias [out]', () => {
    const layer = new Dense(7, 3, Rng.from(0));
    expect(layer.namedParameters().map(([name, v]) => [name, v.shape])).toEqual([['weight', [7, 3]], ['bias', [3]]]);
    expect(layer.parameterCount()).toBe(7 * 3 + 3);
    layer.dispose();
  });

  it('draws identical weights from the same seed and different ones from another', () => {
    const a = new Dense(5, 4, Rng.from(9, 'x'));
    const b = new Dense(5, 4, Rng.from(9, 'x'));
    const c = new Dense(5, 4, Rng.from(10, 'x'));
    expect(parameterValues(a)).toEqual(parameterValues(b));
    expect(parameterValues(a).get('weight')).not.toEqual(parameterValues(c).get('weight'));
    expect(parameterValues(a).get('bias')).not.toEqual(parameterValues(c).get('bias'));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('starts at zero with init: zero and with a zero bias under xavier', () => {
    const zero = new Dense(4, 3, Rng.from(0), { init: 'zero' });
    const xavier = new Dense(4, 3, Rng.from(0), { init: 'xavier' });
    expect([...parameterValues(zero).values()].every((v) => v.every((x) => x === 0))).toBe(true);
    expect(parameterValues(xavier).get('bias')!.every((x) => x === 0)).toBe(true);
    expect(parameterValues(xavier).get('weight')!.some((x) => x !== 0)).toBe(true);
    [zero, xavier].forEach((m) => m.dispose());
  });
});

describe('Dense memory', () => {
  it('leaves no tensors after apply in tf.tidy, nor after dispose()', async () => {
    await useBackend('wasm');
    const x = tf.ones([3, 4]);
    const left = tensorsLeftBy(() => {
      const layer = new Dense(4, 2, Rng.from(0));
      expect(tensorsLeftBy(() => tf.tidy(() => { layer.apply(tf.reshape(x, [1, 3, 4])); }))).toBe(0);
      layer.dispose();
    });
    expect(left).toBe(0);
    x.dispose();
  });
});

describe('Dense arguments', () => {
  it.each([
    [() => new Dense(0, 3, Rng.from(0)), 'Dense: inFeatures must be a positive integer, got 0'],
    [() => new Dense(3, 2.5, Rng.from(0)), 'Dense: outFeatures must be a positive integer, got 2.5'],
    [() => new Dense(3, 2, Rng.from(0), { init: 'he' as never }), "Dense: init must be one of 'torch', 'xavier', 'zero', got 'he'"],
  ])('rejects bad constructor arguments in one line (%#)', (make, message) => {
    expect(make).toThrow(message);
  });

  it('rejects input whose last axis is not inFeatures', () => {
    const layer = new Dense(3, 2, Rng.from(0));
    const x = tf.ones([2, 4]);
    expect(() => layer.apply(x)).toThrow('Dense: input must have 3 features on its last axis, got shape [2, 4]');
    x.dispose();
    layer.dispose();
  });
});
